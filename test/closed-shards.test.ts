/**
 * Closed shards and their children, as readers see them: GetRecords reaching the end of a
 * closed shard, routing and sequence numbers after a reshard, ListShards filters over a
 * shard lineage, closed shards expiring with their records, and all of it across a restart.
 */
import murmur from 'murmurhash3js-revisited'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ChildShard, GetRecordsResponse, Shard, ShardFilter, ShardIteratorType, StreamClient } from '../client/index.js'
import { expectedHashRanges, HASH_KEY_MAX, shardId, startRestartableServer, type RestartableServer } from './helpers/control-plane.js'
import { expectCode, ManualClock, startServer, uniqueName, type TestServer } from './helpers/server.js'

const MINUTE = 60_000
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR
const MID = 1n << 127n
const QUARTER = 1n << 126n

const clock = new ManualClock()
let srv: TestServer
let client: StreamClient

beforeAll(async () => {
  // limits 'off': the read limits count calls per second of the manual clock, which stands still.
  // A long trim interval: the tests trim explicitly, never in the background.
  srv = await startServer({ clock: clock.now, limits: 'off', trimIntervalMs: 3_600_000 })
  client = srv.client
})

afterAll(async () => {
  await srv?.close()
})

async function newStream (shardCount: number, c: StreamClient = client): Promise<string> {
  const streamName = uniqueName('closed')
  await c.createStream({ streamName, shardCount })
  return streamName
}

async function put (streamName: string, data: string, explicitHashKey = '0', c: StreamClient = client): Promise<string> {
  return (await c.putRecord({ streamName, partitionKey: 'p', data, explicitHashKey })).sequenceNumber
}

async function iterator (streamName: string, id: string, type: ShardIteratorType, extra: { startingSequenceNumber?: string, timestamp?: number } = {}, c: StreamClient = client): Promise<string> {
  return (await c.getShardIterator({ streamName, shardId: id, shardIteratorType: type, ...extra })).shardIterator
}

/**
 * Reads a shard from the iterator until GetRecords stops handing out an iterator; gives up
 * after `maxPages` so that a shard that never ends fails the test rather than hanging it.
 */
async function readToEnd (start: string, limit?: number, c: StreamClient = client, maxPages = 20): Promise<GetRecordsResponse[]> {
  const pages: GetRecordsResponse[] = []
  let next: string | undefined = start
  while (next !== undefined) {
    if (pages.length === maxPages) throw new Error(`the shard did not end within ${maxPages} pages`)
    const page: GetRecordsResponse = await c.getRecords({ shardIterator: next, ...(limit === undefined ? {} : { limit }) })
    pages.push(page)
    next = page.nextShardIterator
  }
  return pages
}

function texts (pages: GetRecordsResponse[]): string[] {
  return pages.flatMap((p) => p.records.map((r) => r.data.toString()))
}

async function shardsOf (streamName: string, shardFilter?: ShardFilter, c: StreamClient = client): Promise<Shard[]> {
  return (await c.listShards({ streamName, maxResults: 10_000, ...(shardFilter === undefined ? {} : { shardFilter }) })).shards
}

async function idsOf (streamName: string, shardFilter?: ShardFilter, c: StreamClient = client): Promise<string[]> {
  return (await shardsOf(streamName, shardFilter, c)).map((s) => s.shardId)
}

function ids (...indexes: number[]): string[] {
  return indexes.map(shardId)
}

/** The children a 1-shard stream split at MID reports: shards 1 and 2. */
const SPLIT_CHILDREN: ChildShard[] = [
  { shardId: shardId(1), parentShards: [shardId(0)], hashKeyRange: { startingHashKey: '0', endingHashKey: (MID - 1n).toString() } },
  { shardId: shardId(2), parentShards: [shardId(0)], hashKeyRange: { startingHashKey: MID.toString(), endingHashKey: HASH_KEY_MAX.toString() } }
]

async function splitAtMid (streamName: string, c: StreamClient = client): Promise<void> {
  await c.splitShard({ streamName, shardToSplit: shardId(0), newStartingHashKey: MID.toString() })
}

describe('GetRecords at the end of a closed shard', () => {
  it('returns the records page by page and names the children on the last page only', async () => {
    const streamName = await newStream(1)
    for (let i = 0; i < 5; i++) await put(streamName, `r${i}`)
    await splitAtMid(streamName)
    const pages = await readToEnd(await iterator(streamName, shardId(0), 'TRIM_HORIZON'), 2)
    expect(pages.map((p) => p.records.map((r) => r.data.toString()))).toEqual([['r0', 'r1'], ['r2', 'r3'], ['r4']])
    for (const page of pages.slice(0, -1)) {
      expect(page.nextShardIterator).toBeDefined()
      expect(page.childShards).toEqual([])
    }
    const last = pages[pages.length - 1]!
    expect(last.nextShardIterator).toBeUndefined()
    expect(last.childShards).toEqual(SPLIT_CHILDREN)
  })

  it('ends on the page with the last record when the limit takes them all', async () => {
    const streamName = await newStream(1)
    for (let i = 0; i < 3; i++) await put(streamName, `r${i}`)
    await splitAtMid(streamName)
    const pages = await readToEnd(await iterator(streamName, shardId(0), 'TRIM_HORIZON'))
    expect(pages).toHaveLength(1)
    expect(texts(pages)).toEqual(['r0', 'r1', 'r2'])
    expect(pages[0]!.childShards).toEqual(SPLIT_CHILDREN)
  })

  it('ends for every iterator type that starts at or after the last record', async () => {
    const streamName = await newStream(1)
    await put(streamName, 'r0')
    const lastSeq = await put(streamName, 'r1')
    clock.advance(1000)
    await splitAtMid(streamName)
    const cases: Array<[string, string, string[]]> = [
      ['LATEST', await iterator(streamName, shardId(0), 'LATEST'), []],
      ['AT_SEQUENCE_NUMBER', await iterator(streamName, shardId(0), 'AT_SEQUENCE_NUMBER', { startingSequenceNumber: lastSeq }), ['r1']],
      ['AFTER_SEQUENCE_NUMBER', await iterator(streamName, shardId(0), 'AFTER_SEQUENCE_NUMBER', { startingSequenceNumber: lastSeq }), []],
      ['AT_TIMESTAMP', await iterator(streamName, shardId(0), 'AT_TIMESTAMP', { timestamp: clock.time }), []]
    ]
    for (const [type, start, expected] of cases) {
      const pages = await readToEnd(start)
      expect(pages, type).toHaveLength(1)
      expect(texts(pages), type).toEqual(expected)
      expect(pages[0]!.childShards, type).toEqual(SPLIT_CHILDREN)
    }
  })

  it('lets a reader that was caught up before the split read the rest of the parent, then the children', async () => {
    const streamName = await newStream(1)
    await put(streamName, 'r0')
    const caughtUp = await client.getRecords({ shardIterator: await iterator(streamName, shardId(0), 'TRIM_HORIZON') })
    expect(texts([caughtUp])).toEqual(['r0'])
    await put(streamName, 'r1')
    await splitAtMid(streamName)
    await put(streamName, 'child', '0')
    const pages = await readToEnd(caughtUp.nextShardIterator!)
    expect(texts(pages)).toEqual(['r1'])
    expect(pages[pages.length - 1]!.childShards).toEqual(SPLIT_CHILDREN)
    const page = await client.getRecords({ shardIterator: await iterator(streamName, shardId(1), 'TRIM_HORIZON') })
    expect(texts([page])).toEqual(['child'])
  })

  it('ends a closed shard that never held a record at once, for TRIM_HORIZON and LATEST', async () => {
    const streamName = await newStream(1)
    clock.advance(1000)
    await splitAtMid(streamName)
    for (const type of ['TRIM_HORIZON', 'LATEST'] as const) {
      const page = await client.getRecords({ shardIterator: await iterator(streamName, shardId(0), type) })
      expect(page.records, type).toEqual([])
      expect(page.nextShardIterator, `${type}: a closed, empty shard has nothing more to read`).toBeUndefined()
      expect(page.childShards, type).toEqual(SPLIT_CHILDREN)
    }
  })

  it('ends a shard whose reader was waiting on it, empty, when it was split', async () => {
    const streamName = await newStream(1)
    const waiting = await client.getRecords({ shardIterator: await iterator(streamName, shardId(0), 'TRIM_HORIZON') })
    expect(waiting.records).toEqual([])
    clock.advance(1000)
    await splitAtMid(streamName)
    const page = await client.getRecords({ shardIterator: waiting.nextShardIterator! })
    expect(page.nextShardIterator).toBeUndefined()
    expect(page.childShards).toEqual(SPLIT_CHILDREN)
  })

  it('never names children for an open shard', async () => {
    const streamName = await newStream(1)
    await put(streamName, 'r0')
    await splitAtMid(streamName)
    await put(streamName, 'c0', '0')
    for (const id of ids(1, 2)) {
      const page = await client.getRecords({ shardIterator: await iterator(streamName, id, 'TRIM_HORIZON') })
      expect(page.nextShardIterator).toBeDefined()
      expect(page.childShards).toEqual([])
    }
  })
})

describe('routing after a split', () => {
  it('sends each partition key to the open child whose range holds its hash', async () => {
    const streamName = await newStream(1)
    await put(streamName, 'before')
    await splitAtMid(streamName)
    const keys = Array.from({ length: 24 }, (_, i) => `user-${i}`)
    const hash = (key: string): bigint => BigInt('0x' + murmur.x64.hash128(new TextEncoder().encode(key)))
    const expected = keys.map((k) => (hash(k) < MID ? shardId(1) : shardId(2)))
    // Both children get some of these keys, so a server routing everything to one would fail.
    expect(new Set(expected).size).toBe(2)
    const { records, failedRecordCount } = await client.putRecords({ streamName, records: keys.map((partitionKey) => ({ partitionKey, data: partitionKey })) })
    expect(failedRecordCount).toBe(0)
    expect(records.map((r) => r.shardId)).toEqual(expected)
    const single = await client.putRecord({ streamName, partitionKey: keys[0]!, data: 'again' })
    expect(single.shardId).toBe(expected[0])

    // Each child holds exactly its keys, in order; the parent kept only what came before.
    for (const id of ids(1, 2)) {
      const page = await client.getRecords({ shardIterator: await iterator(streamName, id, 'TRIM_HORIZON') })
      const mine = keys.filter((_, i) => expected[i] === id)
      expect(texts([page])).toEqual(id === expected[0] ? [...mine, 'again'] : mine)
    }
    expect(texts(await readToEnd(await iterator(streamName, shardId(0), 'TRIM_HORIZON')))).toEqual(['before'])
  })
})

describe('sequence numbers across a reshard', () => {
  it('numbers every child record above every parent record, even when the clock stepped back', async () => {
    const streamName = await newStream(1)
    const t = clock.time
    clock.time = t + 10_000
    const parentSeqs = [await put(streamName, 'p0'), await put(streamName, 'p1', HASH_KEY_MAX.toString())]
    // The split and the child records carry an earlier clock than the parent's last record.
    clock.time = t
    await splitAtMid(streamName)
    const [parent, ...children] = await shardsOf(streamName)
    const ending = parent!.sequenceNumberRange.endingSequenceNumber!
    expect(ending >= parentSeqs[1]!).toBe(true)
    expect(ending >= parent!.sequenceNumberRange.startingSequenceNumber).toBe(true)
    const childSeqs = [await put(streamName, 'c0', '0'), await put(streamName, 'c1', HASH_KEY_MAX.toString())]
    for (const child of children) expect(child.sequenceNumberRange.startingSequenceNumber > ending).toBe(true)
    for (const c of childSeqs) {
      for (const p of [...parentSeqs, ending]) expect(c > p, `${c} > ${p}`).toBe(true)
    }
    clock.time = t + 10_000
  })

  it('keeps sequenceNumberForOrdering working from a parent number into a child', async () => {
    const streamName = await newStream(1)
    const last = await put(streamName, 'p')
    await splitAtMid(streamName)
    const next = await client.putRecord({ streamName, partitionKey: 'p', data: 'c', explicitHashKey: '0', sequenceNumberForOrdering: last })
    expect(next.shardId).toBe(shardId(1))
    expect(next.sequenceNumber > last).toBe(true)
  })
})

describe('ListShards shard filters on a resharded stream', () => {
  // Shards 0 and 1 from T0; at T1 shard 0 splits into 2 and 3; at T2 shards 3 and 1 merge
  // into 4. Open now: 2 and 4.
  let streamName: string
  let t0: number
  let t1: number
  let t2: number

  beforeAll(async () => {
    streamName = await newStream(2)
    t0 = clock.time
    clock.time = t1 = t0 + HOUR
    await client.splitShard({ streamName, shardToSplit: shardId(0), newStartingHashKey: QUARTER.toString() })
    clock.time = t2 = t0 + 2 * HOUR
    await client.mergeShards({ streamName, shardToMerge: shardId(3), adjacentShardToMerge: shardId(1) })
    clock.time = t0 + 3 * HOUR
  })

  it('lists every shard, with its lineage, without a filter', async () => {
    const shards = await shardsOf(streamName)
    expect(shards.map((s) => [s.shardId, s.parentShardId, s.adjacentParentShardId])).toEqual([
      [shardId(0), undefined, undefined],
      [shardId(1), undefined, undefined],
      [shardId(2), shardId(0), undefined],
      [shardId(3), shardId(0), undefined],
      [shardId(4), shardId(3), shardId(1)]
    ])
    expect(shards[4]!.hashKeyRange).toEqual({ startingHashKey: QUARTER.toString(), endingHashKey: HASH_KEY_MAX.toString() })
    expect((await client.describeStream({ streamName })).streamDescription.shards).toEqual(shards)
  })

  it('AT_LATEST returns the open shards only', async () => {
    expect(await idsOf(streamName, { type: 'AT_LATEST' })).toEqual(ids(2, 4))
  })

  it('AT_TRIM_HORIZON returns the shards open at the trim horizon: the first ones on a young stream', async () => {
    expect(await idsOf(streamName, { type: 'AT_TRIM_HORIZON' })).toEqual(ids(0, 1))
  })

  it('FROM_TRIM_HORIZON returns every shard on a young stream', async () => {
    expect(await idsOf(streamName, { type: 'FROM_TRIM_HORIZON' })).toEqual(ids(0, 1, 2, 3, 4))
  })

  it('AT_TIMESTAMP returns the shards open at that time', async () => {
    expect(await idsOf(streamName, { type: 'AT_TIMESTAMP', timestamp: t0 - HOUR })).toEqual(ids(0, 1))
    expect(await idsOf(streamName, { type: 'AT_TIMESTAMP', timestamp: t0 + 30 * MINUTE })).toEqual(ids(0, 1))
    expect(await idsOf(streamName, { type: 'AT_TIMESTAMP', timestamp: t1 + 30 * MINUTE })).toEqual(ids(1, 2, 3))
    expect(await idsOf(streamName, { type: 'AT_TIMESTAMP', timestamp: new Date(t2 + 30 * MINUTE) })).toEqual(ids(2, 4))
  })

  it('FROM_TIMESTAMP returns the shards open at that time or opened since', async () => {
    expect(await idsOf(streamName, { type: 'FROM_TIMESTAMP', timestamp: t0 + 30 * MINUTE })).toEqual(ids(0, 1, 2, 3, 4))
    expect(await idsOf(streamName, { type: 'FROM_TIMESTAMP', timestamp: t1 + 30 * MINUTE })).toEqual(ids(1, 2, 3, 4))
    expect(await idsOf(streamName, { type: 'FROM_TIMESTAMP', timestamp: t2 + 30 * MINUTE })).toEqual(ids(2, 4))
  })

  it('counts a shard closed at exactly the timestamp as open then, as Kinesis documents (end >= timestamp)', async () => {
    // AT_TIMESTAMP: start <= t and (end >= t or open); FROM_TIMESTAMP: end >= t or open.
    expect(await idsOf(streamName, { type: 'AT_TIMESTAMP', timestamp: t1 })).toEqual(ids(0, 1, 2, 3))
    expect(await idsOf(streamName, { type: 'FROM_TIMESTAMP', timestamp: t1 })).toEqual(ids(0, 1, 2, 3, 4))
  })

  it('pages a filtered listing and combines a filter with exclusiveStartShardId', async () => {
    const first = await client.listShards({ streamName, maxResults: 1, shardFilter: { type: 'AT_LATEST' } })
    expect(first.shards.map((s) => s.shardId)).toEqual(ids(2))
    expect(first.nextToken).toBeDefined()
    const second = await client.listShards({ nextToken: first.nextToken!, maxResults: 1 })
    expect(second.shards.map((s) => s.shardId)).toEqual(ids(4))
    expect(second.nextToken).toBeUndefined()
    const after = await client.listShards({ streamName, exclusiveStartShardId: shardId(2), shardFilter: { type: 'FROM_TRIM_HORIZON' } })
    expect(after.shards.map((s) => s.shardId)).toEqual(ids(3, 4))
  })

  it('moves the trim horizon forward as the stream ages', async () => {
    // Retention is 24 hours: the horizon passes the split, then the merge.
    clock.time = t1 + DAY + 30 * MINUTE
    expect(await idsOf(streamName, { type: 'AT_TRIM_HORIZON' })).toEqual(ids(1, 2, 3))
    expect(await idsOf(streamName, { type: 'FROM_TRIM_HORIZON' })).toEqual(ids(1, 2, 3, 4))
    clock.time = t2 + DAY + 30 * MINUTE
    expect(await idsOf(streamName, { type: 'AT_TRIM_HORIZON' })).toEqual(ids(2, 4))
    expect(await idsOf(streamName, { type: 'FROM_TRIM_HORIZON' })).toEqual(ids(2, 4))
  })

  it('corrects a FROM_TIMESTAMP before the trim horizon to the trim horizon, as Kinesis documents', async () => {
    clock.time = t2 + DAY + 30 * MINUTE
    expect(await idsOf(streamName, { type: 'FROM_TIMESTAMP', timestamp: t0 })).toEqual(ids(2, 4))
    expect(await idsOf(streamName, { type: 'FROM_TIMESTAMP', timestamp: t1 + 30 * MINUTE })).toEqual(ids(2, 4))
  })
})

describe('closed shards expire with their records', () => {
  it('keeps a closed shard while retention covers it, then drops it; children still name it', async () => {
    const streamName = await newStream(1)
    const t0 = clock.time
    clock.time = t0 + 30 * MINUTE
    await put(streamName, 'old-0')
    await put(streamName, 'old-1')
    const t1 = t0 + HOUR
    clock.time = t1
    await splitAtMid(streamName)
    clock.time = t1 + 20 * HOUR
    await put(streamName, 'young', '0')

    // 23 hours after the close the parent's records are within retention: nothing goes.
    clock.time = t1 + 23 * HOUR
    await srv.server.trimNow()
    expect(await idsOf(streamName)).toEqual(ids(0, 1, 2))
    const kept = await readToEnd(await iterator(streamName, shardId(0), 'TRIM_HORIZON'))
    expect(texts(kept)).toEqual(['old-0', 'old-1'])
    expect(kept[kept.length - 1]!.childShards).toEqual(SPLIT_CHILDREN)

    // Over 24 hours after the close, trimming removes the parent and everything in it.
    clock.time = t1 + DAY + 1
    const stale = await iterator(streamName, shardId(0), 'TRIM_HORIZON')
    await srv.server.trimNow()
    const shards = await shardsOf(streamName)
    expect(shards.map((s) => [s.shardId, s.parentShardId])).toEqual([[shardId(1), shardId(0)], [shardId(2), shardId(0)]])
    expect((await client.describeStream({ streamName })).streamDescription.shards).toEqual(shards)
    expect((await client.describeStreamSummary({ streamName })).streamDescriptionSummary.openShardCount).toBe(2)
    for (const type of ['AT_TRIM_HORIZON', 'FROM_TRIM_HORIZON'] as const) expect(await idsOf(streamName, { type })).toEqual(ids(1, 2))
    await expectCode(iterator(streamName, shardId(0), 'TRIM_HORIZON'), 'SHARD_NOT_FOUND')
    await expectCode(client.getRecords({ shardIterator: stale }), 'SHARD_NOT_FOUND')
    await expectCode(client.splitShard({ streamName, shardToSplit: shardId(0), newStartingHashKey: QUARTER.toString() }), 'SHARD_NOT_FOUND')
    // The children's records within retention are untouched.
    const child = await client.getRecords({ shardIterator: await iterator(streamName, shardId(1), 'TRIM_HORIZON') })
    expect(texts([child])).toEqual(['young'])

    // Deleted, not hidden: back at a time when the parent was young it stays gone.
    clock.time = t1 + MINUTE
    expect(await idsOf(streamName)).toEqual(ids(1, 2))
    await expectCode(iterator(streamName, shardId(0), 'TRIM_HORIZON'), 'SHARD_NOT_FOUND')
    clock.time = t1 + DAY + 1

    // New shards never reuse the id of an expired one.
    await client.splitShard({ streamName, shardToSplit: shardId(1), newStartingHashKey: QUARTER.toString() })
    expect(await idsOf(streamName)).toEqual(ids(1, 2, 3, 4))
  })

  it('expires both parents of a merge; the child keeps naming them', async () => {
    const streamName = await newStream(2)
    await put(streamName, 'low', '0')
    await put(streamName, 'high', HASH_KEY_MAX.toString())
    const closed = clock.time
    await client.mergeShards({ streamName, shardToMerge: shardId(0), adjacentShardToMerge: shardId(1) })
    clock.time = closed + DAY + 1
    await srv.server.trimNow()
    const shards = await shardsOf(streamName)
    expect(shards).toHaveLength(1)
    expect(shards[0]).toMatchObject({ shardId: shardId(2), parentShardId: shardId(0), adjacentParentShardId: shardId(1) })
    await expectCode(iterator(streamName, shardId(1), 'TRIM_HORIZON'), 'SHARD_NOT_FOUND')
  })
})

describe('resharding state across a restart', () => {
  const diskClock = new ManualClock()
  let disk: RestartableServer

  beforeAll(async () => {
    disk = await startRestartableServer({ clock: diskClock.now, limits: 'off', trimIntervalMs: 3_600_000 })
  })

  afterAll(async () => {
    await disk?.close()
  })

  it('keeps the lineage, the closed ends, the routing and the numbering', async () => {
    const c = (): StreamClient => disk.current.client
    const streamName = await newStream(2, c())
    const half = BigInt(expectedHashRanges(2)[1]!.startingHashKey)
    await put(streamName, 'a0', '0', c())
    await put(streamName, 'b0', HASH_KEY_MAX.toString(), c())
    diskClock.advance(MINUTE)
    await c().splitShard({ streamName, shardToSplit: shardId(0), newStartingHashKey: QUARTER.toString() })
    await put(streamName, 'c2', '0', c())
    await put(streamName, 'c3', QUARTER.toString(), c())
    diskClock.advance(MINUTE)
    await c().mergeShards({ streamName, shardToMerge: shardId(3), adjacentShardToMerge: shardId(1) })
    const lastBefore = await put(streamName, 'c4', half.toString(), c())
    const listed = await shardsOf(streamName, undefined, c())
    const described = await c().describeStream({ streamName })
    const summary = await c().describeStreamSummary({ streamName })

    await disk.restart()

    expect(await shardsOf(streamName, undefined, c())).toEqual(listed)
    expect(await c().describeStream({ streamName })).toEqual(described)
    expect(await c().describeStreamSummary({ streamName })).toEqual(summary)
    expect(summary.streamDescriptionSummary.openShardCount).toBe(2)

    // Closed shards still end, with their children, and keep their records.
    const ends: Array<[number, string[], ChildShard[]]> = [
      [0, ['a0'], [
        { shardId: shardId(2), parentShards: [shardId(0)], hashKeyRange: { startingHashKey: '0', endingHashKey: (QUARTER - 1n).toString() } },
        { shardId: shardId(3), parentShards: [shardId(0)], hashKeyRange: { startingHashKey: QUARTER.toString(), endingHashKey: (half - 1n).toString() } }
      ]],
      [1, ['b0'], [{ shardId: shardId(4), parentShards: [shardId(3), shardId(1)], hashKeyRange: { startingHashKey: QUARTER.toString(), endingHashKey: HASH_KEY_MAX.toString() } }]],
      [3, ['c3'], [{ shardId: shardId(4), parentShards: [shardId(3), shardId(1)], hashKeyRange: { startingHashKey: QUARTER.toString(), endingHashKey: HASH_KEY_MAX.toString() } }]]
    ]
    for (const [index, records, children] of ends) {
      const pages = await readToEnd(await iterator(streamName, shardId(index), 'TRIM_HORIZON', {}, c()), undefined, c())
      expect(texts(pages), shardId(index)).toEqual(records)
      expect(pages[pages.length - 1]!.childShards, shardId(index)).toEqual(children)
    }

    // Writes route to the open children and number above everything before the restart.
    const low = await c().putRecord({ streamName, partitionKey: 'p', data: 'x', explicitHashKey: '0' })
    const high = await c().putRecord({ streamName, partitionKey: 'p', data: 'y', explicitHashKey: HASH_KEY_MAX.toString() })
    expect([low.shardId, high.shardId]).toEqual(ids(2, 4))
    expect(high.sequenceNumber > lastBefore).toBe(true)

    // Closed shards stay closed, and new shards get ids that were never used.
    await expectCode(c().splitShard({ streamName, shardToSplit: shardId(1), newStartingHashKey: (half + 10n).toString() }), 'INVALID_ARGUMENT')
    await c().splitShard({ streamName, shardToSplit: shardId(4), newStartingHashKey: half.toString() })
    expect(await idsOf(streamName, { type: 'AT_LATEST' }, c())).toEqual(ids(2, 5, 6))
  })

  it('keeps expired closed shards gone after a restart', async () => {
    const c = (): StreamClient => disk.current.client
    const streamName = await newStream(1, c())
    await put(streamName, 'old', '0', c())
    await splitAtMid(streamName, c())
    diskClock.advance(DAY + 1)
    await disk.current.server.trimNow()
    expect(await idsOf(streamName, undefined, c())).toEqual(ids(1, 2))
    await disk.restart()
    const shards = await shardsOf(streamName, undefined, c())
    expect(shards.map((s) => [s.shardId, s.parentShardId])).toEqual([[shardId(1), shardId(0)], [shardId(2), shardId(0)]])
    await expectCode(iterator(streamName, shardId(0), 'TRIM_HORIZON', {}, c()), 'SHARD_NOT_FOUND')
    await c().splitShard({ streamName, shardToSplit: shardId(1), newStartingHashKey: QUARTER.toString() })
    expect(await idsOf(streamName, undefined, c())).toEqual(ids(1, 2, 3, 4))
  })
})
