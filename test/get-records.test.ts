/**
 * GetRecords: decoding, validation, paging, chaining, lag reporting, the 10 MiB cap, and
 * the guarantees readers rely on (no skipped records, arrival times that never go back).
 */
import { recordReaders, texts } from './helpers/records.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { GetRecordsResponse, StreamClient, StreamRecord } from '../client/index.js'
import { ManualClock, expectCode, rawCall, startServer, uniqueName, type TestServer } from './helpers/server.js'

const MIB = 1024 * 1024
const SHARD0 = 'shardId-000000000000'

let ts: TestServer
let client: StreamClient
const clock = new ManualClock()

beforeAll(async () => {
  // limits 'off': the read limits count calls per second of the manual clock, which stands still.
  ts = await startServer({ limits: 'off', clock: clock.now })
  client = ts.client
})

afterAll(async () => {
  await ts.close()
})

async function newStream (c: StreamClient = client): Promise<string> {
  const name = uniqueName('getrec')
  await c.createStream({ streamName: name, shardCount: 1 })
  return name
}

async function iteratorOf (streamName: string, type: 'TRIM_HORIZON' | 'LATEST', c: StreamClient = client): Promise<string> {
  return (await c.getShardIterator({ streamName, shardId: SHARD0, shardIteratorType: type })).shardIterator
}

const { drain } = recordReaders(() => client)

function bytesOf (records: StreamRecord[]): number {
  return records.reduce((sum, r) => sum + r.data.byteLength + Buffer.byteLength(r.partitionKey), 0)
}

function expectStrictlyIncreasing (seqs: string[]): void {
  const bad = seqs.findIndex((s, i) => i > 0 && !(s > seqs[i - 1]!))
  expect(bad, `sequence number ${bad} does not exceed the one before`).toBe(-1)
}

function lengthDelimited (field: number, value: string | Buffer): Buffer {
  const bytes = Buffer.from(value)
  // Shard iterators are 152 bytes or more (as AWS's): the length takes two varint bytes.
  const length = bytes.length < 128 ? [bytes.length] : [(bytes.length & 0x7f) | 0x80, bytes.length >> 7]
  return Buffer.concat([Buffer.from([(field << 3) | 2, ...length]), bytes])
}
function varint (field: number, value: number): Buffer {
  return Buffer.from([(field << 3) | 0, value])
}

describe('GetRecords serialization', () => {
  let iterator: string
  beforeAll(async () => {
    const name = await newStream()
    iterator = await iteratorOf(name, 'TRIM_HORIZON')
  })

  async function expectSerializationFailed (body: Buffer): Promise<void> {
    const result = await rawCall(ts.endpoint, 'GetRecords', body)
    expect(result.metadata['shardline-code'], result.details).toBe('SERIALIZATION_FAILED')
    expect(result.code).toBe(3)
    expect(result.metadata['shardline-aws-type']).toBe('SerializationException')
  }

  it('rejects garbage bytes', async () => {
    await expectSerializationFailed(Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff]))
  })

  it('rejects limit (an int32) sent as a string', async () => {
    await expectSerializationFailed(Buffer.concat([lengthDelimited(1, iterator), lengthDelimited(2, '5')]))
  })

  it('rejects shard_iterator (a string) sent as a varint', async () => {
    await expectSerializationFailed(Buffer.concat([varint(1, 5), varint(2, 1)]))
  })

  it('rejects a shard_iterator whose length runs past the end of the message', async () => {
    // Length 127, but only the iterator's bytes follow.
    await expectSerializationFailed(Buffer.concat([Buffer.from([0x0a, 0x7f]), Buffer.from(iterator)]))
  })

  it('accepts the same fields correctly encoded (control)', async () => {
    const result = await rawCall(ts.endpoint, 'GetRecords', Buffer.concat([lengthDelimited(1, iterator), varint(2, 5)]))
    expect(result.code, result.details).toBe(0)
  })
})

describe('GetRecords validation', () => {
  let name: string
  let iterator: string
  beforeAll(async () => {
    name = await newStream()
    iterator = await iteratorOf(name, 'TRIM_HORIZON')
  })

  it('takes a limit of 1 to 10000', async () => {
    const low = await expectCode(client.getRecords({ shardIterator: iterator, limit: 0 }), 'VALIDATION_FAILED')
    expect(low.message).toMatch(/Value '0' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1/)
    const negative = await expectCode(client.getRecords({ shardIterator: iterator, limit: -1 }), 'VALIDATION_FAILED')
    expect(negative.message).toMatch(/at 'limit'/)
    const high = await expectCode(client.getRecords({ shardIterator: iterator, limit: 10_001 }), 'VALIDATION_FAILED')
    expect(high.message).toMatch(/Value '10001' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 10000/)
    await expect(client.getRecords({ shardIterator: iterator, limit: 1 })).resolves.toBeDefined()
    await expect(client.getRecords({ shardIterator: iterator, limit: 10_000 })).resolves.toBeDefined()
  })

  it('requires a shard iterator of at most 512 characters', async () => {
    const missing = await expectCode(client.getRecords({ shardIterator: '' }), 'VALIDATION_FAILED')
    expect(missing.message).toMatch(/'shard_iterator'/)
    const long = await expectCode(client.getRecords({ shardIterator: 'A'.repeat(513) }), 'VALIDATION_FAILED')
    expect(long.message).toMatch(/at 'shard_iterator' failed to satisfy constraint: Member must have length less than or equal to 512/)
  })

  it('checks the stream ARN pattern', async () => {
    const err = await expectCode(client.getRecords({ shardIterator: iterator, streamArn: 'not-an-arn' }), 'VALIDATION_FAILED')
    expect(err.message).toMatch(/at 'stream_arn' failed to satisfy constraint: Member must satisfy regular expression pattern/)
  })

  it('accepts the ARN of the iterator\'s stream', async () => {
    await expect(client.getRecords({ shardIterator: iterator, streamArn: `arn:aws:kinesis:us-east-1:000000000000:stream/${name}` })).resolves.toBeDefined()
  })

  it('refuses an iterator that is not one', async () => {
    await expectCode(client.getRecords({ shardIterator: 'AAAA' }), 'INVALID_ITERATOR')
  })

  it('does not find the shard of an iterator once its stream is deleted, and names the stream as AWS does', async () => {
    const gone = await newStream()
    const it = await iteratorOf(gone, 'TRIM_HORIZON')
    await client.deleteStream({ streamName: gone })
    const err = await expectCode(client.getRecords({ shardIterator: it }), 'SHARD_NOT_FOUND')
    expect(err.message).toBe(`Shard shardId-000000000000 in stream ${gone} under account 000000000000 does not exist`)
  })
})

describe('GetRecords functionality', () => {
  it('returns records with their sequence number, arrival time, key and data', async () => {
    const name = await newStream()
    const put = await client.putRecord({ streamName: name, partitionKey: 'pk-1', data: 'payload' })
    const page = await client.getRecords({ shardIterator: await iteratorOf(name, 'TRIM_HORIZON') })
    expect(page.records).toHaveLength(1)
    const [record] = page.records
    expect(record).toMatchObject({ sequenceNumber: put.sequenceNumber, partitionKey: 'pk-1', approximateArrivalTimestamp: clock.time, encryptionType: 'NONE' })
    expect(Buffer.isBuffer(record!.data)).toBe(true)
    expect(record!.data.toString()).toBe('payload')
    expect(page.childShards).toEqual([])
  })

  it('returns at most `limit` records and continues with the next iterator', async () => {
    const name = await newStream()
    await client.putRecords({ streamName: name, records: Array.from({ length: 10 }, (_, i) => ({ partitionKey: 'k', data: `r${i}` })) })
    let iterator = await iteratorOf(name, 'TRIM_HORIZON')
    const pages: string[][] = []
    for (let i = 0; i < 5; i++) {
      const page = await client.getRecords({ shardIterator: iterator, limit: 3 })
      pages.push(texts(page.records))
      expect(page.nextShardIterator).toBeDefined()
      iterator = page.nextShardIterator!
    }
    expect(pages).toEqual([['r0', 'r1', 'r2'], ['r3', 'r4', 'r5'], ['r6', 'r7', 'r8'], ['r9'], []])
    // An empty page still hands back an iterator that sees later records.
    await client.putRecord({ streamName: name, partitionKey: 'k', data: 'r10' })
    expect(texts((await client.getRecords({ shardIterator: iterator, limit: 3 })).records)).toEqual(['r10'])
  })

  it('pages through 25,000 records in order with limit 10000, and defaults to 10000', async () => {
    const name = await newStream()
    const total = 25_000
    for (let i = 0; i < total; i += 500) {
      const result = await client.putRecords({ streamName: name, records: Array.from({ length: 500 }, (_, j) => ({ partitionKey: `k${(i + j) % 17}`, data: String(i + j) })) })
      expect(result.failedRecordCount).toBe(0)
    }
    const start = await iteratorOf(name, 'TRIM_HORIZON')
    expect((await client.getRecords({ shardIterator: start })).records).toHaveLength(10_000)

    let iterator = start
    const sizes: number[] = []
    const all: StreamRecord[] = []
    let last: GetRecordsResponse | undefined
    for (;;) {
      const page = await client.getRecords({ shardIterator: iterator, limit: 10_000 })
      if (page.records.length === 0) {
        last = page
        break
      }
      sizes.push(page.records.length)
      all.push(...page.records)
      iterator = page.nextShardIterator!
    }
    expect(sizes).toEqual([10_000, 10_000, 5_000])
    const outOfOrder = all.findIndex((r, i) => r.data.toString() !== String(i))
    expect(outOfOrder).toBe(-1)
    expectStrictlyIncreasing(all.map((r) => r.sequenceNumber))
    expect(last.millisBehindLatest).toBe(0)
  })

  it('reports millisBehindLatest while behind, and 0 once caught up', async () => {
    const name = await newStream()
    const t0 = clock.time
    await client.putRecords({ streamName: name, records: Array.from({ length: 6 }, (_, i) => ({ partitionKey: 'k', data: `old${i}` })) })
    clock.advance(7000)
    await client.putRecord({ streamName: name, partitionKey: 'k', data: 'new' })
    const behind = await client.getRecords({ shardIterator: await iteratorOf(name, 'TRIM_HORIZON'), limit: 3 })
    expect(behind.records.map((r) => r.approximateArrivalTimestamp)).toEqual([t0, t0, t0])
    expect(behind.millisBehindLatest).toBeGreaterThan(0)
    expect(behind.millisBehindLatest).toBeLessThanOrEqual(7000)
    const rest = await client.getRecords({ shardIterator: behind.nextShardIterator! })
    expect(texts(rest.records)).toEqual(['old3', 'old4', 'old5', 'new'])
    expect(rest.millisBehindLatest).toBe(0)
    const empty = await client.getRecords({ shardIterator: rest.nextShardIterator! })
    expect(empty.records).toHaveLength(0)
    expect(empty.millisBehindLatest).toBe(0)
  })

  it('never skips a record put after an empty GetRecords (LATEST, interleaved one by one)', async () => {
    const name = await newStream()
    await client.putRecord({ streamName: name, partitionKey: 'k', data: 'before' })
    let iterator = await iteratorOf(name, 'LATEST')
    for (let i = 0; i < 100; i++) {
      const empty = await client.getRecords({ shardIterator: iterator })
      expect(empty.records, `round ${i}`).toHaveLength(0)
      if (i % 10 === 0) clock.advance(1)
      await client.putRecord({ streamName: name, partitionKey: `k${i}`, data: `n${i}` })
      const page = await client.getRecords({ shardIterator: empty.nextShardIterator! })
      expect(texts(page.records), `round ${i}`).toEqual([`n${i}`])
      iterator = page.nextShardIterator!
    }
  })

  it('never skips or repeats a record when puts and gets run concurrently (real clock)', async () => {
    const real = await startServer({ limits: 'off' })
    try {
      const name = await newStream(real.client)
      let iterator = await iteratorOf(name, 'LATEST', real.client)
      const seen: StreamRecord[] = []
      const puts: Array<Promise<{ data: string, seq: string }>> = []
      for (let i = 0; i < 200; i++) {
        // Start a put, then read while it may still be in flight.
        const put = real.client.putRecord({ streamName: name, partitionKey: `k${i % 7}`, data: `c${i}` }).then((r) => ({ data: `c${i}`, seq: r.sequenceNumber }))
        puts.push(put)
        const page = await real.client.getRecords({ shardIterator: iterator })
        seen.push(...page.records)
        iterator = page.nextShardIterator!
        if (i % 3 === 0) await put
      }
      const acknowledged = await Promise.all(puts)
      seen.push(...(await drain(iterator, real.client)).records)
      // Every acknowledged record exactly once, in sequence-number order.
      const expected = [...acknowledged].sort((a, b) => (a.seq < b.seq ? -1 : 1))
      expect(seen.map((r) => [r.sequenceNumber, r.data.toString()])).toEqual(expected.map((a) => [a.seq, a.data]))
      expectStrictlyIncreasing(seen.map((r) => r.sequenceNumber))
    } finally {
      await real.close()
    }
  })

  it('never lets arrival timestamps decrease, even when the clock moves backwards', async () => {
    const name = await newStream()
    const t0 = clock.time
    const seqs: string[] = []
    const put = async (data: string): Promise<void> => { seqs.push((await client.putRecord({ streamName: name, partitionKey: 'k', data })).sequenceNumber) }
    await put('a')
    clock.time = t0 - 10_000
    await put('b')
    clock.time = t0 + 5
    await put('c')
    clock.time = t0 - 1
    await put('d')
    clock.time = t0 + 10
    await put('e')
    const { records } = await drain(await iteratorOf(name, 'TRIM_HORIZON'))
    expect(texts(records)).toEqual(['a', 'b', 'c', 'd', 'e'])
    const times = records.map((r) => r.approximateArrivalTimestamp)
    expect(times[0]).toBe(t0)
    expect(times[4]).toBe(t0 + 10)
    const decreasing = times.findIndex((t, i) => i > 0 && t < times[i - 1]!)
    expect(decreasing, `arrival times ${times.join(', ')}`).toBe(-1)
    expect(records.map((r) => r.sequenceNumber)).toEqual(seqs)
    expectStrictlyIncreasing(seqs)
  })

  it('serves concurrent pages of different streams, each with its own records', async () => {
    // The server encodes GetRecords answers into a reused buffer (src/grpc/records-encoder.ts);
    // answers in flight together must not share bytes.
    const names = await Promise.all([0, 1, 2, 3].map(() => newStream()))
    await Promise.all(names.map((streamName, s) => client.putRecords({
      streamName,
      records: Array.from({ length: 200 }, (_, i) => ({ partitionKey: `ключ-${s}-${i}`, data: Buffer.alloc(2000 + s, s + 1) }))
    })))
    const iterators = await Promise.all(names.map((n) => iteratorOf(n, 'TRIM_HORIZON')))
    const pages = await Promise.all([...iterators, ...iterators].map((shardIterator) => client.getRecords({ shardIterator })))
    pages.forEach((page, p) => {
      const s = p % names.length
      expect(page.records.map((r) => r.partitionKey)).toEqual(Array.from({ length: 200 }, (_, i) => `ключ-${s}-${i}`))
      expect(page.records.every((r) => r.data.byteLength === 2000 + s && r.data.every((b) => b === s + 1))).toBe(true)
    })
  })

  it('returns at most 10 MiB per call, and the rest on the next call', async () => {
    const name = await newStream()
    const size = MIB - 16
    for (let i = 0; i < 12; i++) {
      await client.putRecord({ streamName: name, partitionKey: `big-${i}`, data: Buffer.alloc(size, i + 1) })
    }
    const first = await client.getRecords({ shardIterator: await iteratorOf(name, 'TRIM_HORIZON'), limit: 10_000 })
    expect(first.records.length).toBeGreaterThan(0)
    expect(first.records.length).toBeLessThan(12)
    expect(bytesOf(first.records)).toBeLessThanOrEqual(10 * MIB)
    expect(first.millisBehindLatest).toBeGreaterThanOrEqual(0)
    const second = await client.getRecords({ shardIterator: first.nextShardIterator!, limit: 10_000 })
    const all = [...first.records, ...second.records]
    expect(all.map((r) => r.partitionKey)).toEqual(Array.from({ length: 12 }, (_, i) => `big-${i}`))
    all.forEach((r, i) => {
      expect(r.data.byteLength).toBe(size)
      expect(r.data[0]).toBe(i + 1)
      expect(r.data[size - 1]).toBe(i + 1)
    })
    expect(second.millisBehindLatest).toBe(0)
  })
})
