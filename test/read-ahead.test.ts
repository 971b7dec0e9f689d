/**
 * GetRecords read-ahead (src/streams/read-ahead.ts): after a full page the next one is read
 * at once, and the following call takes it. Whatever happens between the prefetch and that
 * call (records committed, a different limit, a split, the retention horizon passing), the
 * pages must be exactly what reading from storage at call time gives.
 */
import { Decoder, Encoder } from 'cbor-x'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import type { StreamClient, StreamRecord } from '../client/index.js'
import { ReadAhead, recordBytes } from '../src/streams/read-ahead.js'
import type { StoredRecord } from '../src/storage/store.js'
import { SHARD0 } from './helpers/records.js'
import { kinesisHeaders, rawHttp1 } from './helpers/raw-http.js'
import { ManualClock, startServer, uniqueName, type TestServer } from './helpers/server.js'

const HOUR = 3_600_000
const MIB = 1024 * 1024

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

/** A one-shard stream holding records `r0` ... `r{count-1}`, in that order. */
async function streamWith (count: number): Promise<string> {
  const streamName = uniqueName('readahead')
  await client.createStream({ streamName, shardCount: 1 })
  await put(streamName, 0, count)
  return streamName
}

async function put (streamName: string, from: number, count: number): Promise<void> {
  for (let at = from; at < from + count; at += 500) {
    const n = Math.min(500, from + count - at)
    const { failedRecordCount } = await client.putRecords({ streamName, records: Array.from({ length: n }, (_, i) => ({ partitionKey: 'k', data: Buffer.from(`r${at + i}`) })) })
    expect(failedRecordCount).toBe(0)
  }
}

const names = (records: StreamRecord[]): string[] => records.map((r) => r.data.toString())
const range = (from: number, count: number): string[] => Array.from({ length: count }, (_, i) => `r${from + i}`)

async function trimHorizon (streamName: string): Promise<string> {
  return (await client.getShardIterator({ streamName, shardId: SHARD0, shardIteratorType: 'TRIM_HORIZON' })).shardIterator
}

describe('GetRecords read-ahead', () => {
  it('drains with a small limit in full pages, every record once and in order', async () => {
    const streamName = await streamWith(1_050)
    let iterator = await trimHorizon(streamName)
    const pages: string[][] = []
    for (;;) {
      const page = await client.getRecords({ shardIterator: iterator, limit: 100 })
      if (page.records.length === 0) break
      pages.push(names(page.records))
      iterator = page.nextShardIterator!
    }
    expect(pages.map((p) => p.length)).toEqual([...Array<number>(10).fill(100), 50])
    expect(pages.flat()).toEqual(range(0, 1_050))
  })

  it('a page that uses up the prefetched records also returns those committed after the prefetch', async () => {
    const streamName = await streamWith(150)
    const first = await client.getRecords({ shardIterator: await trimHorizon(streamName), limit: 100 })
    expect(names(first.records)).toEqual(range(0, 100))
    // The prefetch started with the first call saw r100 ... r149 only.
    await put(streamName, 150, 30)
    const second = await client.getRecords({ shardIterator: first.nextShardIterator!, limit: 100 })
    expect(names(second.records)).toEqual(range(100, 80))
    const third = await client.getRecords({ shardIterator: second.nextShardIterator! })
    expect(third.records).toEqual([])
  })

  it('the first page, read ahead when the iterator was issued, includes records committed since', async () => {
    const streamName = await streamWith(50)
    const iterator = await trimHorizon(streamName)
    await put(streamName, 50, 30)
    const page = await client.getRecords({ shardIterator: iterator, limit: 60 })
    expect(names(page.records)).toEqual(range(0, 60))
    const rest = await client.getRecords({ shardIterator: page.nextShardIterator! })
    expect(names(rest.records)).toEqual(range(60, 20))
  })

  it('serves a next call with a different limit exactly', async () => {
    const streamName = await streamWith(500)
    const first = await client.getRecords({ shardIterator: await trimHorizon(streamName), limit: 100 })
    const larger = await client.getRecords({ shardIterator: first.nextShardIterator!, limit: 250 })
    const smaller = await client.getRecords({ shardIterator: larger.nextShardIterator!, limit: 50 })
    const rest = await client.getRecords({ shardIterator: smaller.nextShardIterator! })
    expect(names(larger.records)).toEqual(range(100, 250))
    expect(names(smaller.records)).toEqual(range(350, 50))
    expect(names(rest.records)).toEqual(range(400, 100))
  })

  it('keeps to the 10 MiB cap on prefetched pages', async () => {
    const streamName = uniqueName('readahead-big')
    await client.createStream({ streamName, shardCount: 1 })
    const size = MIB - 16
    for (let i = 0; i < 25; i++) await client.putRecord({ streamName, partitionKey: `big-${i}`, data: Buffer.alloc(size, i + 1) })
    let iterator = await trimHorizon(streamName)
    const pages: StreamRecord[][] = []
    for (;;) {
      const page = await client.getRecords({ shardIterator: iterator })
      if (page.records.length === 0) break
      pages.push(page.records)
      iterator = page.nextShardIterator!
    }
    for (const page of pages) expect(page.reduce((sum, r) => sum + r.data.byteLength + Buffer.byteLength(r.partitionKey), 0)).toBeLessThanOrEqual(10 * MIB)
    expect(pages.length).toBe(3)
    expect(pages.flat().map((r) => r.partitionKey)).toEqual(Array.from({ length: 25 }, (_, i) => `big-${i}`))
    expect(pages.flat().every((r, i) => r.data.byteLength === size && r.data[0] === i + 1 && r.data[size - 1] === i + 1)).toBe(true)
  })

  it('ends a shard split between the prefetch and the next call exactly once, after its last record', async () => {
    const streamName = await streamWith(250)
    const first = await client.getRecords({ shardIterator: await trimHorizon(streamName), limit: 100 })
    await client.splitShard({ streamName, shardToSplit: SHARD0, newStartingHashKey: (2n ** 127n).toString() })
    const seen = names(first.records)
    let iterator: string | undefined = first.nextShardIterator
    const ends: number[] = []
    for (let call = 1; iterator !== undefined && call < 10; call++) {
      const page = await client.getRecords({ shardIterator: iterator, limit: 100 })
      seen.push(...names(page.records))
      if (page.childShards !== undefined && page.childShards.length > 0) ends.push(call)
      iterator = page.nextShardIterator
    }
    expect(seen).toEqual(range(0, 250))
    expect(iterator).toBeUndefined()
    expect(ends).toHaveLength(1)
  })

  it('never returns prefetched records the retention horizon has passed since', async () => {
    const streamName = await streamWith(300)
    // Just inside the 24 h retention period, a full page starts a prefetch of r100 onwards.
    clock.advance(24 * HOUR - 60_000)
    const first = await client.getRecords({ shardIterator: await trimHorizon(streamName), limit: 100 })
    expect(names(first.records)).toEqual(range(0, 100))
    clock.advance(120_000)
    const second = await client.getRecords({ shardIterator: first.nextShardIterator!, limit: 100 })
    expect(second.records).toEqual([])
  })

  it('leaves out the records of a first page read ahead that the retention horizon has passed since', async () => {
    const streamName = await streamWith(100)
    clock.advance(120_000)
    await put(streamName, 100, 100)
    // The iterator's prefetch reads all 200 records, the first 100 two minutes older.
    clock.advance(24 * HOUR - 180_000)
    const iterator = await trimHorizon(streamName)
    clock.advance(120_000)
    const page = await client.getRecords({ shardIterator: iterator })
    expect(names(page.records)).toEqual(range(100, 100))
  })
})

describe('GetRecords read-ahead over the HTTP API (pages rendered as JSON ahead)', () => {
  async function http (action: string, body: object): Promise<Record<string, unknown>> {
    const res = await rawHttp1(ts.server.httpPort, { headers: kinesisHeaders(action), body: JSON.stringify(body) })
    expect(res.status).toBe(200)
    return res.json!
  }

  it('drains in full pages that match what gRPC reads, record for record', async () => {
    const streamName = uniqueName('readahead-http')
    await client.createStream({ streamName, shardCount: 1 })
    // Keys and data of every size class the JSON writer treats differently.
    for (let at = 0; at < 1_050; at += 350) {
      await client.putRecords({ streamName, records: Array.from({ length: 350 }, (_, i) => ({ partitionKey: i % 7 === 0 ? `ключ "${at + i}"` : `k${at + i}`, data: Buffer.alloc((at + i) % 600, at + i) })) })
    }
    let iterator = (await http('GetShardIterator', { StreamName: streamName, ShardId: SHARD0, ShardIteratorType: 'TRIM_HORIZON' })).ShardIterator as string
    const pages: Array<Array<{ SequenceNumber: string, PartitionKey: string, Data: string, ApproximateArrivalTimestamp: number }>> = []
    for (;;) {
      const page = await http('GetRecords', { ShardIterator: iterator, Limit: 100 })
      const records = page.Records as typeof pages[number]
      if (records.length === 0) break
      pages.push(records)
      iterator = page.NextShardIterator as string
    }
    expect(pages.map((p) => p.length)).toEqual([...Array<number>(10).fill(100), 50])
    let grpcIterator = await trimHorizon(streamName)
    const expected: StreamRecord[] = []
    while (expected.length < 1_050) {
      const page = await client.getRecords({ shardIterator: grpcIterator })
      expected.push(...page.records)
      grpcIterator = page.nextShardIterator!
    }
    expect(pages.flat()).toEqual(expected.map((r) => ({
      SequenceNumber: r.sequenceNumber,
      ApproximateArrivalTimestamp: r.approximateArrivalTimestamp / 1000,
      Data: r.data.toString('base64'),
      PartitionKey: r.partitionKey
    })))
  })

  // A JSON GetShardIterator at TRIM_HORIZON starts a prefetch, rendered as JSON, at the
  // same position any other reader's TRIM_HORIZON iterator asks for.
  it('serves a gRPC reader that takes a run the JSON API read ahead with its records, not the JSON', async () => {
    const streamName = await streamWith(120)
    await http('GetShardIterator', { StreamName: streamName, ShardId: SHARD0, ShardIteratorType: 'TRIM_HORIZON' })
    const page = await client.getRecords({ shardIterator: await trimHorizon(streamName), limit: 100 })
    expect(names(page.records)).toEqual(range(0, 100))
  })

  it('serves a CBOR reader (the AWS SDK for Java) that takes a run the JSON API read ahead, record for record', async () => {
    const encoder = new Encoder({ mapsAsObjects: true, useRecords: false })
    const decoder = new Decoder({ mapsAsObjects: true, useRecords: false })
    const cbor = async (action: string, body: object): Promise<Record<string, unknown>> => {
      const res = await rawHttp1(ts.server.httpPort, { headers: kinesisHeaders(action, { 'content-type': 'application/x-amz-cbor-1.1' }), body: encoder.encode(body) })
      expect(res.status).toBe(200)
      return decoder.decode(res.body) as Record<string, unknown>
    }
    const streamName = await streamWith(120)
    await http('GetShardIterator', { StreamName: streamName, ShardId: SHARD0, ShardIteratorType: 'TRIM_HORIZON' })
    const { ShardIterator } = await cbor('GetShardIterator', { StreamName: streamName, ShardId: SHARD0, ShardIteratorType: 'TRIM_HORIZON' })
    const { Records } = await cbor('GetRecords', { ShardIterator, Limit: 100 }) as { Records: Array<{ Data: Uint8Array }> }
    expect(Records.map((r) => Buffer.from(r.Data).toString())).toEqual(range(0, 100))
  })
})

describe('read-ahead memory', () => {
  /** A read that hands over its records in one batch, as storage does batch by batch. */
  const reading = (run: StoredRecord[]) => async (_limit: number, _maxBytes: number, onBatch: (batch: StoredRecord[], sizes: number[]) => void): Promise<StoredRecord[]> => {
    onBatch(run, run.map(recordBytes))
    return run
  }
  const numbers = (batch: readonly StoredRecord[]): string[] => batch.map((r) => String(r.counter))
  const records = (n: number): StoredRecord[] => Array.from({ length: n }, (_, i) => ({ ts: 1, counter: i, partitionKey: 'k', data: Buffer.alloc(10) }))

  it('holds at most five 10 MiB pages, or two rendered ones, and drops an unused prefetch 2 s after its read', async () => {
    vi.useFakeTimers()
    try {
      const plain = new ReadAhead()
      const rendered = new ReadAhead()
      const renderer = { begin: () => ({ add: () => {}, finish: () => ({ prefix: () => Buffer.alloc(0) }) }) }
      for (let shard = 0; shard < 7; shard++) {
        const at = { ts: 1, counter: 0 }
        plain.start(1, shard, at, at, 10_000, 10 * MIB, false, reading(records(3)), numbers)
        rendered.start(1, shard, at, at, 10_000, 10 * MIB, false, reading(records(3)), numbers, renderer)
      }
      expect(plain.size).toBe(5)
      expect(rendered.size).toBe(2)
      // The reads settle (promises only), which starts each entry's 2 s.
      await vi.advanceTimersByTimeAsync(0)
      vi.advanceTimersByTime(1_999)
      expect(plain.size).toBe(5)
      vi.advanceTimersByTime(1)
      expect(plain.size).toBe(0)
      expect(rendered.size).toBe(0)
    } finally {
      vi.useRealTimers()
    }
  })

  it('charges a read in flight for records as large as the stream takes, not 1 MiB: no more 10 MiB reads than the budget holds', async () => {
    const readAhead = new ReadAhead()
    // Never settling: each read stays in flight, charged what it may hold.
    const pending = async (): Promise<StoredRecord[]> => await new Promise<StoredRecord[]>(() => {})
    // A stream of 10 MiB records, read one record a call: each read may bring 10 MiB.
    for (let shard = 0; shard < 20; shard++) readAhead.start(1, shard, { ts: 1, counter: 0 }, { ts: 1, counter: 0 }, 1, 10 * MIB, false, pending, numbers, undefined, undefined, 10 * MIB)
    expect(readAhead.size).toBe(6)
  })

  it('counts a prefetch by what it holds once read, so small pages leave room for more', async () => {
    const readAhead = new ReadAhead()
    for (let shard = 0; shard < 6; shard++) readAhead.start(1, shard, { ts: 1, counter: 0 }, { ts: 1, counter: 0 }, 10_000, 10 * MIB, false, reading(records(3)), numbers)
    expect(readAhead.size).toBe(5)
    // The reads settle; each entry then counts what it holds.
    await new Promise((resolve) => setImmediate(resolve))
    // The five read hold 30 bytes each now; reads in flight still count their cap.
    for (let shard = 6; shard < 20; shard++) readAhead.start(1, shard, { ts: 1, counter: 0 }, { ts: 1, counter: 0 }, 10_000, 10 * MIB, false, reading(records(3)), numbers)
    expect(readAhead.size).toBe(10)
  })

  it('counts the storage buffers its records are views of, each once, however small the records', async () => {
    const readAhead = new ReadAhead()
    // Three 10-byte records read from one 30 MiB buffer keep all of it.
    const views = (): StoredRecord[] => {
      const segment = Buffer.alloc(30 * MIB)
      return Array.from({ length: 3 }, (_, i) => ({ ts: 1, counter: i, partitionKey: 'k', data: segment.subarray(i * 10, i * 10 + 10) }))
    }
    const at = { ts: 1, counter: 0 }
    readAhead.start(1, 0, at, at, 10_000, 10 * MIB, false, reading(views()), numbers)
    await new Promise((resolve) => setImmediate(resolve))
    readAhead.start(1, 1, at, at, 10_000, 10 * MIB, false, reading(views()), numbers)
    await new Promise((resolve) => setImmediate(resolve))
    // 60 MiB held: no room for another read's 11 MiB cap.
    readAhead.start(1, 2, at, at, 10_000, 10 * MIB, false, reading(views()), numbers)
    expect(readAhead.size).toBe(2)
  })

  it('uses a prefetch once, and only for the position it was made for', async () => {
    const readAhead = new ReadAhead()
    const at = { ts: 1, counter: 0 }
    readAhead.start(1, 0, at, at, 2, MIB, false, reading(records(3)), numbers)
    expect(await readAhead.take(1, 0, { ts: 1, counter: 1 }, { ts: 1, counter: 1 }, 2, MIB)).toBeUndefined()
    const page = await readAhead.take(1, 0, at, at, 2, MIB)
    expect(page?.records.map((r) => r.counter)).toEqual([0, 1])
    expect(page?.complete).toBe(true)
    expect(await readAhead.take(1, 0, at, at, 2, MIB)).toBeUndefined()
  })

  it('leaves out records before the start of the later call, and is not used for an earlier start', async () => {
    const readAhead = new ReadAhead()
    const asked = { ts: 0, counter: 0 }
    readAhead.start(1, 0, asked, { ts: 1, counter: 1 }, 10, MIB, false, reading(records(5).slice(1)), numbers)
    const page = await readAhead.take(1, 0, asked, { ts: 1, counter: 3 }, 10, MIB)
    expect(page?.records.map((r) => r.counter)).toEqual([3, 4])
    expect(page?.sequenceNumbers).toEqual(['3', '4'])
    expect(page?.complete).toBe(false)
    readAhead.start(1, 0, asked, { ts: 1, counter: 1 }, 10, MIB, false, reading(records(5).slice(1)), numbers)
    expect(await readAhead.take(1, 0, asked, { ts: 1, counter: 0 }, 10, MIB)).toBeUndefined()
  })
})
