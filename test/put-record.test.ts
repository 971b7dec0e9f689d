/**
 * PutRecord: decoding, validation of every bound, and where and how records are stored.
 */
import { recordReaders } from './helpers/records.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { StreamClient } from '../client/index.js'
import { ManualClock, expectCode, rawCall, startServer, uniqueName, type TestServer } from './helpers/server.js'

const MIB = 1024 * 1024
const HASH_MAX = (1n << 128n) - 1n
const SHARD0 = 'shardId-000000000000'

let ts: TestServer
let client: StreamClient
const clock = new ManualClock()

beforeAll(async () => {
  // A manual clock keeps every put in the same millisecond, so sequence numbers differ only
  // by their counters and comparisons below do not depend on timing.
  ts = await startServer({ limits: 'off', clock: clock.now })
  client = ts.client
})

afterAll(async () => {
  await ts.close()
})

async function newStream (shardCount = 1, prefix = 'put'): Promise<string> {
  const name = uniqueName(prefix)
  await client.createStream({ streamName: name, shardCount })
  return name
}

const { readShard } = recordReaders(() => client)

/** Protobuf field encoders, to build requests the client would never send. */
function lengthDelimited (field: number, value: string | Buffer): Buffer {
  const bytes = Buffer.from(value)
  return Buffer.concat([Buffer.from([(field << 3) | 2, bytes.length]), bytes])
}
function varint (field: number, value: number): Buffer {
  return Buffer.from([(field << 3) | 0, value])
}

describe('PutRecord serialization', () => {
  let name: string
  beforeAll(async () => { name = await newStream() })

  async function expectSerializationFailed (body: Buffer): Promise<void> {
    const result = await rawCall(ts.endpoint, 'PutRecord', body)
    expect(result.metadata['shardline-code'], result.details).toBe('SERIALIZATION_FAILED')
    expect(result.code).toBe(3)
    expect(result.metadata['shardline-aws-type']).toBe('SerializationException')
    expect(result.metadata['shardline-retriable']).toBe('false')
  }

  it('rejects garbage bytes', async () => {
    await expectSerializationFailed(Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff]))
  })

  it('rejects a field with an invalid wire type', async () => {
    await expectSerializationFailed(Buffer.concat([lengthDelimited(1, name), Buffer.from([(3 << 3) | 7])]))
  })

  it('rejects data (bytes) sent as a varint', async () => {
    await expectSerializationFailed(Buffer.concat([lengthDelimited(1, name), lengthDelimited(3, 'k'), varint(2, 5)]))
  })

  it('rejects partition_key (string) sent as a varint', async () => {
    await expectSerializationFailed(Buffer.concat([lengthDelimited(1, name), lengthDelimited(2, 'd'), varint(3, 7)]))
  })

  it('rejects a partition_key whose length runs past the end of the message, and stores nothing', async () => {
    // Field 3, length 9, but only one byte follows.
    await expectSerializationFailed(Buffer.concat([lengthDelimited(1, name), lengthDelimited(2, 'd'), Buffer.from([0x1a, 0x09, 0x6b])]))
    expect(await readShard(name)).toHaveLength(0)
  })

  it('accepts the same fields correctly encoded (control)', async () => {
    const result = await rawCall(ts.endpoint, 'PutRecord', Buffer.concat([lengthDelimited(1, name), lengthDelimited(2, 'd'), lengthDelimited(3, 'k')]))
    expect(result.code, result.details).toBe(0)
  })
})

describe('PutRecord validation', () => {
  let name: string
  beforeAll(async () => { name = await newStream() })

  it('requires a partition key', async () => {
    const err = await expectCode(client.putRecord({ streamName: name, partitionKey: '', data: 'x' }), 'VALIDATION_FAILED')
    expect(err.message).toMatch(/'partition_key'/)
    expect(err.grpcStatus).toBe(3)
    expect(err.awsType).toBe('ValidationException')
  })

  it('accepts a 256-character partition key, counted in Unicode characters, and refuses 257', async () => {
    const emoji = '\u{1F600}'
    await expect(client.putRecord({ streamName: name, partitionKey: emoji.repeat(256), data: 'x' })).resolves.toMatchObject({ shardId: SHARD0 })
    await expect(client.putRecord({ streamName: name, partitionKey: 'k'.repeat(256), data: 'x' })).resolves.toMatchObject({ shardId: SHARD0 })
    const err = await expectCode(client.putRecord({ streamName: name, partitionKey: 'k'.repeat(257), data: 'x' }), 'VALIDATION_FAILED')
    expect(err.message).toMatch(/at 'partition_key' failed to satisfy constraint: Member must have length less than or equal to 256/)
  })

  it('requires data', async () => {
    const result = await rawCall(ts.endpoint, 'PutRecord', Buffer.concat([lengthDelimited(1, name), lengthDelimited(3, 'k')]))
    expect(result.metadata['shardline-code']).toBe('VALIDATION_FAILED')
    expect(result.details).toMatch(/'data'/)
  })

  it('refuses data over 1 MiB', async () => {
    const err = await expectCode(client.putRecord({ streamName: name, partitionKey: 'k', data: Buffer.alloc(MIB + 1) }), 'VALIDATION_FAILED')
    expect(err.message).toMatch(/at 'data' failed to satisfy constraint: Member must have length less than or equal to 1048576/)
  })

  it('counts the partition key (in UTF-8 bytes) towards the 1 MiB record limit', async () => {
    const exact = await client.putRecord({ streamName: name, partitionKey: 'k', data: Buffer.alloc(MIB - 1, 7) })
    expect(exact.shardId).toBe(SHARD0)
    const err = await expectCode(client.putRecord({ streamName: name, partitionKey: 'k', data: Buffer.alloc(MIB, 7) }), 'VALIDATION_FAILED')
    expect(err.message).toMatch(/1048577 bytes/)
    expect(err.message).toMatch(/1048576/)
    // A four-byte character: 4 + (MIB - 4) fits, 4 + (MIB - 3) does not.
    const emoji = '\u{1F600}'
    await expect(client.putRecord({ streamName: name, partitionKey: emoji, data: Buffer.alloc(MIB - 4) })).resolves.toMatchObject({ shardId: SHARD0 })
    await expectCode(client.putRecord({ streamName: name, partitionKey: emoji, data: Buffer.alloc(MIB - 3) }), 'VALIDATION_FAILED')
  })

  it.each(['-1', '01', '1.5', 'abc', ' 1', '1' + '0'.repeat(39)])('refuses explicit hash key %j by pattern', async (key) => {
    const err = await expectCode(client.putRecord({ streamName: name, partitionKey: 'k', data: 'x', explicitHashKey: key }), 'VALIDATION_FAILED')
    expect(err.message).toMatch(/at 'explicit_hash_key' failed to satisfy constraint: Member must satisfy regular expression pattern: /)
    // AWS prints the pattern as its model writes it.
    expect(err.message).toContain('0|([1-9]\\d{0,38})')
  })

  it.each([(HASH_MAX + 1n).toString(), '9'.repeat(39)])('refuses explicit hash key %s above 2^128 - 1 with INVALID_HASH_KEY', async (key) => {
    const err = await expectCode(client.putRecord({ streamName: name, partitionKey: 'k', data: 'x', explicitHashKey: key }), 'INVALID_HASH_KEY')
    expect(err.awsType).toBe('InvalidArgumentException')
    expect(err.message).toContain(key)
  })

  it('refuses a malformed sequence_number_for_ordering', async () => {
    const err = await expectCode(client.putRecord({ streamName: name, partitionKey: 'k', data: 'x', sequenceNumberForOrdering: 'abc' }), 'VALIDATION_FAILED')
    expect(err.message).toMatch(/'sequence_number_for_ordering'/)
  })

  it('checks the stream name', async () => {
    const bad = await expectCode(client.putRecord({ streamName: 'bad name!', partitionKey: 'k', data: 'x' }), 'VALIDATION_FAILED')
    expect(bad.message).toMatch(/Value 'bad name!' at 'stream_name' failed to satisfy constraint: Member must satisfy regular expression pattern: \[a-zA-Z0-9_.-\]\+/)
    const long = await expectCode(client.putRecord({ streamName: 'a'.repeat(129), partitionKey: 'k', data: 'x' }), 'VALIDATION_FAILED')
    expect(long.message).toMatch(/at 'stream_name' failed to satisfy constraint: Member must have length less than or equal to 128/)
  })

  it('reports every failed constraint in one message', async () => {
    const err = await expectCode(client.putRecord({ streamName: 'bad name!', partitionKey: 'k'.repeat(257), data: 'x' }), 'VALIDATION_FAILED')
    expect(err.message).toMatch(/^2 validation errors detected: /)
    expect(err.message).toMatch(/'stream_name'/)
    expect(err.message).toMatch(/'partition_key'/)
  })

  it('needs a stream name or ARN', async () => {
    // As AWS: with neither, the stream name is a missing member.
    const err = await expectCode(client.putRecord({ partitionKey: 'k', data: 'x' }), 'VALIDATION_FAILED')
    expect(err.message).toBe("1 validation error detected: Value null at 'stream_name' failed to satisfy constraint: Member must not be null")
  })

  it('refuses a name and an ARN of different streams', async () => {
    const other = await newStream()
    await expectCode(client.putRecord({ streamName: name, streamArn: `arn:aws:kinesis:us-east-1:000000000000:stream/${other}`, partitionKey: 'k', data: 'x' }), 'INVALID_ARGUMENT')
  })

  it('does not find a stream named by an ARN of another region or account', async () => {
    await expectCode(client.putRecord({ streamArn: `arn:aws:kinesis:eu-west-1:000000000000:stream/${name}`, partitionKey: 'k', data: 'x' }), 'STREAM_NOT_FOUND')
    await expectCode(client.putRecord({ streamArn: `arn:aws:kinesis:us-east-1:123456789012:stream/${name}`, partitionKey: 'k', data: 'x' }), 'STREAM_NOT_FOUND')
  })

  it('does not find an unknown stream', async () => {
    const err = await expectCode(client.putRecord({ streamName: uniqueName('missing'), partitionKey: 'k', data: 'x' }), 'STREAM_NOT_FOUND')
    expect(err.grpcStatus).toBe(5)
    expect(err.awsType).toBe('ResourceNotFoundException')
  })
})

describe('PutRecord functionality', () => {
  it('returns the shard and a 56-digit sequence number, and stores the record', async () => {
    const name = await newStream()
    const put = await client.putRecord({ streamName: name, partitionKey: 'key-1', data: 'hello' })
    expect(put.shardId).toBe(SHARD0)
    expect(put.sequenceNumber).toMatch(/^\d{56}$/)
    expect(put.encryptionType).toBe('NONE')
    const [record, ...rest] = await readShard(name)
    expect(rest).toHaveLength(0)
    expect(record).toMatchObject({ sequenceNumber: put.sequenceNumber, partitionKey: 'key-1', approximateArrivalTimestamp: clock.time })
    expect(record!.data.toString('utf8')).toBe('hello')
  })

  it('stores binary data byte for byte', async () => {
    const name = await newStream()
    const data = Buffer.from(Array.from({ length: 512 }, (_, i) => (i * 7 + 3) % 256))
    await client.putRecord({ streamName: name, partitionKey: 'bin', data })
    const [record] = await readShard(name)
    expect(Buffer.compare(record!.data, data)).toBe(0)
  })

  it('accepts empty data', async () => {
    const name = await newStream()
    const put = await client.putRecord({ streamName: name, partitionKey: 'empty', data: new Uint8Array(0) })
    expect(put.sequenceNumber).toMatch(/^\d{56}$/)
    const records = await readShard(name)
    expect(records).toHaveLength(1)
    expect(records[0]!.data.byteLength).toBe(0)
    expect(records[0]!.partitionKey).toBe('empty')
  })

  it('stores a record of exactly 1 MiB (data plus key) intact', async () => {
    const name = await newStream()
    const data = Buffer.alloc(MIB - 3)
    for (let i = 0; i < data.length; i++) data[i] = i % 251
    await client.putRecord({ streamName: name, partitionKey: 'big', data })
    const [record] = await readShard(name)
    expect(record!.data.byteLength).toBe(MIB - 3)
    expect(Buffer.compare(record!.data, data)).toBe(0)
  })

  it('accepts a stream ARN instead of a name, or both when they agree', async () => {
    const name = await newStream()
    const arn = `arn:aws:kinesis:us-east-1:000000000000:stream/${name}`
    await client.putRecord({ streamArn: arn, partitionKey: 'k', data: 'by-arn' })
    await client.putRecord({ streamArn: arn, streamName: name, partitionKey: 'k', data: 'by-both' })
    expect((await readShard(name)).map((r) => r.data.toString())).toEqual(['by-arn', 'by-both'])
  })

  it('routes an explicit hash key to the shard whose range holds it', async () => {
    const name = await newStream(7)
    const { shards } = (await client.describeStream({ streamName: name })).streamDescription
    expect(shards).toHaveLength(7)
    for (const shard of shards) {
      const start = BigInt(shard.hashKeyRange.startingHashKey)
      const end = BigInt(shard.hashKeyRange.endingHashKey)
      for (const key of [start, end, (start + end) / 2n]) {
        // The same partition key every time: only the explicit hash key decides.
        const put = await client.putRecord({ streamName: name, partitionKey: 'same-key', data: key.toString(), explicitHashKey: key.toString() })
        expect(put.shardId, `hash key ${key}`).toBe(shard.shardId)
      }
    }
    expect((await client.putRecord({ streamName: name, partitionKey: 'k', data: 'x', explicitHashKey: '0' })).shardId).toBe(shards[0]!.shardId)
    expect((await client.putRecord({ streamName: name, partitionKey: 'k', data: 'x', explicitHashKey: HASH_MAX.toString() })).shardId).toBe(shards[6]!.shardId)
    // And the records are in those shards.
    const last = await readShard(name, shards[6]!.shardId)
    expect(last.map((r) => r.data.toString())).toContain(BigInt(shards[6]!.hashKeyRange.endingHashKey).toString())
  })

  it('gives strictly increasing sequence numbers within a shard', async () => {
    const name = await newStream()
    const seqs: string[] = []
    for (let i = 0; i < 20; i++) seqs.push((await client.putRecord({ streamName: name, partitionKey: `k${i % 3}`, data: String(i) })).sequenceNumber)
    for (let i = 1; i < seqs.length; i++) expect(seqs[i]! > seqs[i - 1]!).toBe(true)
    expect((await readShard(name)).map((r) => r.sequenceNumber)).toEqual(seqs)
  })

  it('gives a record put with sequenceNumberForOrdering a greater sequence number than that one', async () => {
    const name = await newStream(2)
    const first = await client.putRecord({ streamName: name, partitionKey: 'p', data: 'first', explicitHashKey: '0' })
    const ordered = await client.putRecord({ streamName: name, partitionKey: 'p', data: 'ordered', explicitHashKey: '0', sequenceNumberForOrdering: first.sequenceNumber })
    expect(BigInt(ordered.sequenceNumber) > BigInt(first.sequenceNumber)).toBe(true)
    expect(ordered.sequenceNumber > first.sequenceNumber).toBe(true)
    // As AWS: any valid number is accepted, one of another shard (whose numbers are all
    // above shard 0's) or one no server issued included; numbers go on increasing.
    const upper = (await client.putRecord({ streamName: name, partitionKey: 'p', data: 's1', explicitHashKey: ((1n << 127n) + 5n).toString() })).sequenceNumber
    const across = await client.putRecord({ streamName: name, partitionKey: 'p', data: 'across', explicitHashKey: '0', sequenceNumberForOrdering: upper })
    const foreign = await client.putRecord({ streamName: name, partitionKey: 'p', data: 'foreign', explicitHashKey: '0', sequenceNumberForOrdering: '1' })
    expect(across.shardId).toBe(SHARD0)
    expect(foreign.sequenceNumber > across.sequenceNumber && across.sequenceNumber > ordered.sequenceNumber).toBe(true)
    const records = await readShard(name, SHARD0)
    expect(records.map((r) => [r.data.toString(), r.sequenceNumber])).toEqual([
      ['first', first.sequenceNumber],
      ['ordered', ordered.sequenceNumber],
      ['across', across.sequenceNumber],
      ['foreign', foreign.sequenceNumber]
    ])
  })

  it('refuses a sequenceNumberForOrdering that is not a valid sequence number, as AWS does, and changes nothing', async () => {
    const name = await newStream()
    const real = (await client.putRecord({ streamName: name, partitionKey: 'p', data: 'a' })).sequenceNumber
    const hex = BigInt(real).toString(16)
    const invalid = [
      // An unknown layout version (the last hex digit).
      BigInt(`0x${hex.slice(0, -1)}4`).toString(),
      // A counter with its top bit set.
      BigInt(`0x${hex.slice(0, 11)}8${hex.slice(12)}`).toString(),
      // An arrival time in the future.
      BigInt(`0x${hex.slice(0, 29)}${(Math.floor(clock.time / 1000) + 10).toString(16).padStart(9, '0')}${hex.slice(38)}`).toString()
    ]
    for (const number of invalid) {
      const err = await expectCode(client.putRecord({ streamName: name, partitionKey: 'p', data: 'b', sequenceNumberForOrdering: number }), 'INVALID_SEQUENCE_NUMBER')
      expect(err.message).toBe(`ExclusiveMinimumSequenceNumber ${number} used in PutRecord on stream ${name} under account 000000000000 is invalid.`)
    }
    const next = await client.putRecord({ streamName: name, partitionKey: 'p', data: 'c' })
    // The counter (hex digits 11-26) shows nothing was numbered in between.
    const counter = (n: string): bigint => BigInt(`0x${BigInt(n).toString(16).slice(11, 27)}`)
    expect(counter(next.sequenceNumber) - counter(real)).toBe(1n)
    expect((await readShard(name)).map((r) => r.data.toString())).toEqual(['a', 'c'])
  })

  it('treats a stream that is still CREATING as not found, and takes records once it is ACTIVE', async () => {
    const slow = await startServer({ createStreamMs: 400 })
    try {
      const name = uniqueName('creating')
      await slow.client.createStream({ streamName: name, shardCount: 1 })
      expect((await slow.client.describeStreamSummary({ streamName: name })).streamDescriptionSummary.streamStatus).toBe('CREATING')
      await expectCode(slow.client.putRecord({ streamName: name, partitionKey: 'k', data: 'x' }), 'STREAM_NOT_FOUND')
      while ((await slow.client.describeStreamSummary({ streamName: name })).streamDescriptionSummary.streamStatus !== 'ACTIVE') {
        await new Promise((resolve) => setTimeout(resolve, 50))
      }
      expect((await slow.client.putRecord({ streamName: name, partitionKey: 'k', data: 'x' })).shardId).toBe(SHARD0)
    } finally {
      await slow.close()
    }
  })

  it('puts to an unknown stream fail without creating it', async () => {
    const missing = uniqueName('missing')
    await expectCode(client.putRecord({ streamName: missing, partitionKey: 'k', data: 'x' }), 'STREAM_NOT_FOUND')
    await expectCode(client.describeStreamSummary({ streamName: missing }), 'STREAM_NOT_FOUND')
  })
})
