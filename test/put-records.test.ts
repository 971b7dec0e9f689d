/**
 * PutRecords: decoding, validation of every bound, and per-record results.
 */
import { recordReaders } from './helpers/records.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { PutRecordsRequestEntry, StreamClient, StreamRecord } from '../client/index.js'
import { expectCode, rawCall, startServer, uniqueName, type TestServer } from './helpers/server.js'

const MIB = 1024 * 1024
const HASH_MAX = (1n << 128n) - 1n

let ts: TestServer
let client: StreamClient

beforeAll(async () => {
  ts = await startServer({ limits: 'off' })
  client = ts.client
})

afterAll(async () => {
  await ts.close()
})

async function newStream (shardCount = 1): Promise<string> {
  const name = uniqueName('putrecs')
  await client.createStream({ streamName: name, shardCount })
  return name
}

const { readShard } = recordReaders(() => client)

async function readStream (streamName: string): Promise<StreamRecord[]> {
  const { shards } = await client.listShards({ streamName })
  const all: StreamRecord[] = []
  for (const shard of shards) all.push(...await readShard(streamName, shard.shardId))
  return all
}

function entries (n: number, prefix = 'r'): PutRecordsRequestEntry[] {
  return Array.from({ length: n }, (_, i) => ({ partitionKey: `${prefix}-${i}`, data: `${prefix}-data-${i}` }))
}

function lengthDelimited (field: number, value: string | Buffer): Buffer {
  const bytes = Buffer.from(value)
  return Buffer.concat([Buffer.from([(field << 3) | 2, bytes.length]), bytes])
}
function varint (field: number, value: number): Buffer {
  return Buffer.from([(field << 3) | 0, value])
}

describe('PutRecords serialization', () => {
  let name: string
  beforeAll(async () => { name = await newStream() })

  async function expectSerializationFailed (body: Buffer): Promise<void> {
    const result = await rawCall(ts.endpoint, 'PutRecords', body)
    expect(result.metadata['shardline-code'], result.details).toBe('SERIALIZATION_FAILED')
    expect(result.code).toBe(3)
    expect(result.metadata['shardline-aws-type']).toBe('SerializationException')
  }

  const entry = Buffer.concat([lengthDelimited(1, 'd'), lengthDelimited(3, 'k')])

  it('rejects garbage bytes', async () => {
    await expectSerializationFailed(Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff]))
  })

  it('rejects records (a message) sent as a varint', async () => {
    await expectSerializationFailed(Buffer.concat([lengthDelimited(2, name), varint(1, 1)]))
  })

  it('rejects an entry whose partition_key (string) is sent as a varint', async () => {
    await expectSerializationFailed(Buffer.concat([lengthDelimited(2, name), lengthDelimited(1, Buffer.concat([lengthDelimited(1, 'd'), varint(3, 1)]))]))
  })

  it('rejects a stream_name whose length runs past the end of the message, and stores nothing', async () => {
    // Field 2, length 60, but only the stream name's bytes follow.
    await expectSerializationFailed(Buffer.concat([lengthDelimited(1, entry), Buffer.from([0x12, 60]), Buffer.from(name)]))
    expect(await readShard(name)).toHaveLength(0)
  })

  it('accepts the same fields correctly encoded (control)', async () => {
    const result = await rawCall(ts.endpoint, 'PutRecords', Buffer.concat([lengthDelimited(1, entry), lengthDelimited(2, name)]))
    expect(result.code, result.details).toBe(0)
  })
})

describe('PutRecords validation', () => {
  let name: string
  beforeAll(async () => { name = await newStream() })

  it('needs at least one record', async () => {
    const err = await expectCode(client.putRecords({ streamName: name, records: [] }), 'VALIDATION_FAILED')
    expect(err.message).toMatch(/'records'/)
  })

  it('takes 500 records and refuses 501', async () => {
    const ok = await client.putRecords({ streamName: name, records: entries(500, 'max') })
    expect(ok.records).toHaveLength(500)
    expect(ok.failedRecordCount).toBe(0)
    const err = await expectCode(client.putRecords({ streamName: name, records: entries(501, 'over') }), 'VALIDATION_FAILED')
    expect(err.message).toMatch(/at 'records' failed to satisfy constraint: Member must have length less than or equal to 500/)
  })

  it('names the entry whose partition key is too long or missing', async () => {
    const records = entries(5)
    records[3] = { partitionKey: 'k'.repeat(257), data: 'x' }
    const long = await expectCode(client.putRecords({ streamName: name, records }), 'VALIDATION_FAILED')
    expect(long.message).toMatch(/at 'records\[3\]\.partition_key' failed to satisfy constraint: Member must have length less than or equal to 256/)
    records[3] = { partitionKey: '', data: 'x' }
    const missing = await expectCode(client.putRecords({ streamName: name, records }), 'VALIDATION_FAILED')
    expect(missing.message).toMatch(/'records\[3\]\.partition_key'/)
  })

  it('names the entry whose data is over 1 MiB', async () => {
    const records = entries(3)
    records[1] = { partitionKey: 'k', data: Buffer.alloc(MIB + 1) }
    const err = await expectCode(client.putRecords({ streamName: name, records }), 'VALIDATION_FAILED')
    expect(err.message).toMatch(/at 'records\[1\]\.data' failed to satisfy constraint: Member must have length less than or equal to 1048576/)
  })

  it('names the entry whose data plus partition key is over 1 MiB', async () => {
    const records = entries(3)
    records[2] = { partitionKey: 'kk', data: Buffer.alloc(MIB - 1) }
    const err = await expectCode(client.putRecords({ streamName: name, records }), 'VALIDATION_FAILED')
    expect(err.message).toMatch(/records\[2\]/)
    expect(err.message).toMatch(/1048577/)
  })

  it('names the entry whose explicit hash key does not match the pattern', async () => {
    const records = entries(3)
    records[2] = { partitionKey: 'k', data: 'x', explicitHashKey: '-5' }
    const err = await expectCode(client.putRecords({ streamName: name, records }), 'VALIDATION_FAILED')
    expect(err.message).toMatch(/at 'records\[2\]\.explicit_hash_key' failed to satisfy constraint: Member must satisfy regular expression pattern/)
  })

  it('takes exactly 10 MiB in all, and refuses one byte more with INVALID_ARGUMENT, storing nothing', async () => {
    const stream = await newStream()
    const full = (i: number): PutRecordsRequestEntry => ({ partitionKey: `k${String(i).padStart(2, '0')}`, data: Buffer.alloc(MIB - 3, i) })
    const ten = Array.from({ length: 10 }, (_, i) => full(i))
    const ok = await client.putRecords({ streamName: stream, records: ten })
    expect(ok.failedRecordCount).toBe(0)
    expect(await readShard(stream)).toHaveLength(10)

    const over = await newStream()
    const err = await expectCode(client.putRecords({ streamName: over, records: [...ten, { partitionKey: 'x', data: new Uint8Array(0) }] }), 'INVALID_ARGUMENT')
    expect(err.awsType).toBe('InvalidArgumentException')
    expect(err.message).toMatch(/10 MiB/)
    expect(err.message).toMatch(/10485761/)
    expect(await readShard(over)).toHaveLength(0)
    // The request's size is checked before the stream is looked up, as AWS checks it.
    await expectCode(client.putRecords({ streamName: uniqueName('missing'), records: [...ten, { partitionKey: 'x', data: new Uint8Array(0) }] }), 'INVALID_ARGUMENT')
  })

  it('needs a stream name or ARN, and finds no unknown stream', async () => {
    await expectCode(client.putRecords({ records: entries(1) }), 'VALIDATION_FAILED')
    const err = await expectCode(client.putRecords({ streamName: uniqueName('missing'), records: entries(2) }), 'STREAM_NOT_FOUND')
    expect(err.grpcStatus).toBe(5)
  })

  it('checks the stream name', async () => {
    const err = await expectCode(client.putRecords({ streamName: 'no/slashes', records: entries(1) }), 'VALIDATION_FAILED')
    expect(err.message).toMatch(/at 'stream_name' failed to satisfy constraint: Member must satisfy regular expression pattern/)
  })
})

describe('PutRecords functionality', () => {
  it('answers one result per record, in request order, and stores them in that order', async () => {
    const name = await newStream(4)
    const { shards } = await client.listShards({ streamName: name })
    // Explicit hash keys spread the records over the shards in a known, interleaved pattern.
    const records: PutRecordsRequestEntry[] = Array.from({ length: 100 }, (_, i) => {
      const shard = shards[(i * 3) % 4]!
      return { partitionKey: 'same', data: `rec-${i}`, explicitHashKey: shard.hashKeyRange.startingHashKey }
    })
    const result = await client.putRecords({ streamName: name, records })
    expect(result.failedRecordCount).toBe(0)
    expect(result.encryptionType).toBe('NONE')
    expect(result.records).toHaveLength(100)
    result.records.forEach((r, i) => {
      expect(r.shardId).toBe(shards[(i * 3) % 4]!.shardId)
      expect(r.sequenceNumber).toMatch(/^\d{56}$/)
      expect(r.errorCode).toBeUndefined()
    })
    for (const shard of shards) {
      const stored = await readShard(name, shard.shardId)
      const expected = result.records
        .map((r, i) => ({ r, i }))
        .filter(({ r }) => r.shardId === shard.shardId)
      // Each shard holds exactly its records, in request order, under the numbers returned.
      expect(stored.map((s) => s.data.toString())).toEqual(expected.map(({ i }) => `rec-${i}`))
      expect(stored.map((s) => s.sequenceNumber)).toEqual(expected.map(({ r }) => r.sequenceNumber))
    }
  })

  it('gives records of one shard strictly increasing numbers within and across calls', async () => {
    const name = await newStream()
    const first = await client.putRecords({ streamName: name, records: entries(50, 'a') })
    const second = await client.putRecords({ streamName: name, records: entries(50, 'b') })
    const seqs = [...first.records, ...second.records].map((r) => r.sequenceNumber!)
    for (let i = 1; i < seqs.length; i++) expect(seqs[i]! > seqs[i - 1]!).toBe(true)
  })

  it('fails the whole call when one entry has an explicit hash key above 2^128 - 1, storing nothing', async () => {
    const name = await newStream(3)
    const records = entries(10)
    records[6] = { partitionKey: 'k', data: 'bad', explicitHashKey: (HASH_MAX + 1n).toString() }
    const err = await expectCode(client.putRecords({ streamName: name, records }), 'INVALID_HASH_KEY')
    expect(err.message).toContain((HASH_MAX + 1n).toString())
    expect(await readStream(name)).toHaveLength(0)
    // The same call without the bad key goes through.
    records[6] = { partitionKey: 'k', data: 'good', explicitHashKey: HASH_MAX.toString() }
    const ok = await client.putRecords({ streamName: name, records })
    expect(ok.failedRecordCount).toBe(0)
    expect(ok.records[6]!.shardId).toBe('shardId-000000000002')
    expect(await readStream(name)).toHaveLength(10)
  })

  it('treats a stream that is still CREATING as not found', async () => {
    const slow = await startServer({ createStreamMs: 400 })
    try {
      const name = uniqueName('creating')
      await slow.client.createStream({ streamName: name, shardCount: 1 })
      await expectCode(slow.client.putRecords({ streamName: name, records: entries(2) }), 'STREAM_NOT_FOUND')
      while ((await slow.client.describeStreamSummary({ streamName: name })).streamDescriptionSummary.streamStatus !== 'ACTIVE') {
        await new Promise((resolve) => setTimeout(resolve, 50))
      }
      expect((await slow.client.putRecords({ streamName: name, records: entries(2) })).failedRecordCount).toBe(0)
    } finally {
      await slow.close()
    }
  })

  it('accepts empty data and a stream ARN', async () => {
    const name = await newStream()
    const result = await client.putRecords({
      streamArn: `arn:aws:kinesis:us-east-1:000000000000:stream/${name}`,
      records: [{ partitionKey: 'e', data: new Uint8Array(0) }, { partitionKey: 'f', data: 'x' }]
    })
    expect(result.failedRecordCount).toBe(0)
    const stored = await readShard(name)
    expect(stored.map((r) => [r.partitionKey, r.data.byteLength])).toEqual([['e', 0], ['f', 1]])
  })
})
