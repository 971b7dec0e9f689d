/**
 * ON_DEMAND streams scale themselves, driven here by a manual clock and `scaleNow()` (one
 * load sample per simulated second, as the server's timer takes them): a load beyond what
 * the 4 shards take splits them, with real lineage, until there is room for twice the load;
 * only the hot shards split; after a quiet period equal neighbours merge, down to 4 shards or
 * the warm throughput; nothing acknowledged is lost, and every key's records come back in
 * order through the lineage.
 */
import { afterEach, describe, expect, it } from 'vitest'
import type { PutRecordsRequestEntry } from '../client/index.js'
import { expectRealLineage, readThroughLineage } from './helpers/lineage-reader.js'
import { ManualClock, startServer, uniqueName, type TestServer, type TestServerOptions } from './helpers/server.js'

const SECOND = 1000
const SCALE_UP_MS = 5 * SECOND
const SCALE_DOWN_MS = 30 * SECOND

let ts: TestServer | undefined
afterEach(async () => {
  await ts?.close()
  ts = undefined
})

async function start (clock: ManualClock, options: TestServerOptions = {}): Promise<TestServer> {
  ts = await startServer({ clock: clock.now, onDemandCheckMs: 0, onDemandScaleUpMs: SCALE_UP_MS, onDemandScaleDownMs: SCALE_DOWN_MS, ...options })
  return ts
}

async function openShards (server: TestServer, streamName: string): Promise<number> {
  return (await server.client.describeStreamSummary({ streamName })).streamDescriptionSummary.openShardCount
}

interface Pending { readonly key: number, readonly data: string }

/**
 * A producer of `perSecond` records a second, record i keyed `k<i>` at an even hash key, that
 * retries what is throttled (older records first, so no key is reordered). Remembers, per
 * key, the order in which its records were acknowledged.
 */
class Load {
  readonly acked = new Map<number, string[]>()
  backlog: Pending[] = []
  throttled = 0

  constructor (private readonly server: TestServer, private readonly streamName: string, private readonly perSecond: number, private readonly keys: (i: number) => bigint = (i) => BigInt(i) * ((1n << 128n) / BigInt(perSecond))) {}

  /** Sends this second's records and the backlog; returns how many were refused. */
  async second (t: number, fresh = true): Promise<number> {
    const batch = [...this.backlog, ...(fresh ? Array.from({ length: this.perSecond }, (_, i) => ({ key: i, data: `${t}:${i}` })) : [])]
    this.backlog = []
    let refused = 0
    for (let at = 0; at < batch.length; at += 500) {
      const part = batch.slice(at, at + 500)
      const records: PutRecordsRequestEntry[] = part.map((p) => ({ partitionKey: `k${p.key}`, explicitHashKey: this.keys(p.key).toString(), data: p.data }))
      const result = await this.server.client.putRecords({ streamName: this.streamName, records })
      result.records.forEach((r, i) => {
        const p = part[i]!
        if (r.sequenceNumber === undefined) {
          this.backlog.push(p)
          refused += 1
        } else {
          this.acked.set(p.key, [...(this.acked.get(p.key) ?? []), p.data])
        }
      })
    }
    this.throttled += refused
    return refused
  }

  get ackedCount (): number {
    let n = 0
    for (const list of this.acked.values()) n += list.length
    return n
  }
}

/** Reads the stream through its lineage and checks it holds exactly what was acknowledged, each key in order. */
async function expectEverythingBack (server: TestServer, clock: ManualClock, streamName: string, load: Load): Promise<void> {
  const shards = (await server.client.listShards({ streamName, maxResults: 10_000 })).shards
  expectRealLineage(shards)
  // GetRecords is limited to 5 calls a second per shard: the clock moves on between calls.
  const { records } = await readThroughLineage(server.client, streamName, () => clock.advance(250))
  expect(records).toHaveLength(load.ackedCount)
  const byKey = new Map<number, Array<{ seq: string, data: string }>>()
  for (const r of records) {
    const key = Number(r.partitionKey.slice(1))
    byKey.set(key, [...(byKey.get(key) ?? []), { seq: r.sequenceNumber, data: r.data.toString() }])
  }
  for (const [key, acked] of load.acked) {
    // Sequence numbers order a key's records across the lineage (children number above parents).
    const back = (byKey.get(key) ?? []).sort((a, b) => (a.seq < b.seq ? -1 : 1)).map((r) => r.data)
    expect(back, `key k${key}`).toEqual(acked)
  }
}

describe('ON_DEMAND scaling', () => {
  it('splits under a load beyond its shards until it has room for twice the load, then merges after a quiet period', async () => {
    const clock = new ManualClock()
    const server = await start(clock)
    const streamName = uniqueName('od')
    await server.client.createStream({ streamName, streamModeDetails: { streamMode: 'ON_DEMAND' } })
    expect(await openShards(server, streamName)).toBe(4)
    // 6,000 records/s on 4 shards taking 1,000 each: throttled until the stream has grown.
    const load = new Load(server, streamName, 6000)
    const timeline: Array<[number, number]> = []
    for (let s = 0; s < 25; s++) {
      await load.second(s)
      await server.server.scaleNow()
      timeline.push([s, await openShards(server, streamName)])
      clock.advance(SECOND)
    }
    const firstAt = (n: number): number | undefined => timeline.find(([, open]) => open === n)?.[0]
    // All 4 shards ran hot from the first second: split once the scale-up time had passed.
    expect(firstAt(8)).toBe(SCALE_UP_MS / SECOND)
    // Their children ran hot from their first sample, a second later.
    expect(firstAt(16)).toBe(2 * SCALE_UP_MS / SECOND + 1)
    // 16 shards take 16,000 records/s, room for twice the load: no more splits.
    expect(timeline.at(-1)![1]).toBe(16)
    expect(timeline.map(([, open]) => open).filter((n) => ![4, 8, 16].includes(n))).toEqual([])
    expect(load.throttled).toBeGreaterThan(0)
    // The throttled records were all taken once the stream had grown.
    expect(load.backlog).toHaveLength(0)
    expect(load.ackedCount).toBe(25 * 6000)
    // An ON_DEMAND stream's shards are not counted against the account's shard quota.
    expect((await server.client.describeLimits()).openShardCount).toBe(0)

    // Quiet: after the scale-down time equal neighbours merge, 16 -> 8, and 8 -> 4 another period later; never below 4.
    const shrink: Array<[number, number]> = []
    for (let s = 0; s < 3 * SCALE_DOWN_MS / SECOND; s++) {
      await server.server.scaleNow()
      shrink.push([s, await openShards(server, streamName)])
      clock.advance(SECOND)
    }
    expect(shrink.find(([, open]) => open === 8)?.[0]).toBe(SCALE_DOWN_MS / SECOND)
    expect(shrink.find(([, open]) => open === 4)?.[0]).toBe(2 * SCALE_DOWN_MS / SECOND + 1)
    expect(shrink.at(-1)![1]).toBe(4)
    await expectEverythingBack(server, clock, streamName, load)
  })

  it('judges a shard by its load over the whole scale-up time: pauses do not reset it, a lull under half does not split', async () => {
    const clock = new ManualClock()
    const server = await start(clock)
    const bursty = uniqueName('od')
    const lull = uniqueName('od')
    for (const streamName of [bursty, lull]) await server.client.createStream({ streamName, streamModeDetails: { streamMode: 'ON_DEMAND' } })
    // 4,000 records/s (each shard full) three seconds in four on one stream, one in three on the other.
    const busy = new Load(server, bursty, 4000)
    const third = new Load(server, lull, 4000)
    for (let s = 0; s <= 2 * SCALE_UP_MS / SECOND; s++) {
      if (s % 4 !== 3) await busy.second(s)
      if (s % 3 === 0) await third.second(s)
      await server.server.scaleNow()
      if (s === SCALE_UP_MS / SECOND - 1) expect(await openShards(server, bursty)).toBe(4)
      if (s === SCALE_UP_MS / SECOND) expect(await openShards(server, bursty)).toBe(8)
      clock.advance(SECOND)
    }
    expect(await openShards(server, lull)).toBe(4)
    await expectEverythingBack(server, clock, bursty, busy)
  })

  it('splits only the hot shards, by bytes as well as records', async () => {
    const clock = new ManualClock()
    const server = await start(clock)
    const streamName = uniqueName('od')
    await server.client.createStream({ streamName, streamModeDetails: { streamMode: 'ON_DEMAND' } })
    // 2 records of 300 KiB a second, both in shard 0 (the lowest quarter): 600 KiB/s, over half its 1 MiB/s.
    const load = new Load(server, streamName, 2, (i) => BigInt(i) * 1000n)
    const payload = 'x'.repeat(300 * 1024)
    for (let s = 0; s <= SCALE_UP_MS / SECOND; s++) {
      for (const key of [0, 1]) {
        const put = await server.client.putRecord({ streamName, partitionKey: `k${key}`, explicitHashKey: (BigInt(key) * 1000n).toString(), data: `${s}:${key}:${payload}` })
        expect(put.shardId).toBe('shardId-000000000000')
        load.acked.set(key, [...(load.acked.get(key) ?? []), `${s}:${key}:${payload}`])
      }
      await server.server.scaleNow()
      clock.advance(SECOND)
    }
    const shards = (await server.client.listShards({ streamName })).shards
    expect(shards.filter((s) => s.sequenceNumberRange.endingSequenceNumber !== undefined).map((s) => s.shardId)).toEqual(['shardId-000000000000'])
    expect(await openShards(server, streamName)).toBe(5)
    await expectEverythingBack(server, clock, streamName, load)
  })

  it('keeps the warm throughput through a quiet period', async () => {
    const clock = new ManualClock()
    const server = await start(clock)
    const streamName = uniqueName('od')
    await server.client.updateAccountSettings({ minimumThroughputBillingCommitment: { status: 'ENABLED' } })
    await server.client.createStream({ streamName, streamModeDetails: { streamMode: 'ON_DEMAND' }, warmThroughputMiBps: 6 })
    await server.client.updateStreamWarmThroughput({ streamName, warmThroughputMiBps: 16 })
    await server.client.updateStreamWarmThroughput({ streamName, warmThroughputMiBps: 8 })
    expect(await openShards(server, streamName)).toBe(16)
    for (let s = 0; s < 4 * SCALE_DOWN_MS / SECOND; s++) {
      await server.server.scaleNow()
      clock.advance(SECOND)
    }
    // 16 -> 8 equal halves; 8 is the floor.
    expect(await openShards(server, streamName)).toBe(8)
    expectRealLineage((await server.client.listShards({ streamName, maxResults: 10_000 })).shards)
  })

  it('lets the warm throughput lapse with the commitment: not shown, and no floor, once the commitment has ended', async () => {
    const clock = new ManualClock()
    const server = await start(clock)
    const streamName = uniqueName('od')
    await server.client.updateAccountSettings({ minimumThroughputBillingCommitment: { status: 'ENABLED' } })
    await server.client.createStream({ streamName, streamModeDetails: { streamMode: 'ON_DEMAND' }, warmThroughputMiBps: 8 })
    expect(await openShards(server, streamName)).toBe(8)
    await server.client.updateAccountSettings({ minimumThroughputBillingCommitment: { status: 'DISABLED' } })
    clock.advance(24 * 3_600_000 + SECOND)
    expect((await server.client.describeStreamSummary({ streamName })).streamDescriptionSummary.warmThroughput).toBeUndefined()
    for (let s = 0; s < 4 * SCALE_DOWN_MS / SECOND; s++) {
      await server.server.scaleNow()
      clock.advance(SECOND)
    }
    // Without the commitment there is no warm throughput: 8 -> 4, the on-demand floor.
    expect(await openShards(server, streamName)).toBe(4)
  })

  it('counts the bytes of records over 1 MiB: a shard kept busy by large records is hot and splits', async () => {
    const clock = new ManualClock()
    const server = await start(clock)
    const streamName = uniqueName('od-large')
    await server.client.createStream({ streamName, streamModeDetails: { streamMode: 'ON_DEMAND' } })
    const { streamArn } = (await server.client.describeStreamSummary({ streamName })).streamDescriptionSummary
    await server.client.updateMaxRecordSize({ streamArn, maxRecordSizeInKiB: 2048 })
    // A 2 MiB record every 2 s into shard 0: 1 MiB/s, its whole write limit, in 1 record/2 s.
    const big = Buffer.alloc(2 * 1024 * 1024 - 1, 7)
    for (let s = 0; s <= SCALE_UP_MS / SECOND + 2; s++) {
      if (s % 2 === 0) {
        const { records } = await server.client.putRecords({ streamName, records: [{ partitionKey: 'p', explicitHashKey: '0', data: big }] })
        expect(records[0]!.sequenceNumber).toBeDefined()
      }
      await server.server.scaleNow()
      clock.advance(SECOND)
    }
    // Shard 0 split once its scale-up time was over; the idle three did not.
    expect(await openShards(server, streamName)).toBe(5)
    const { shards } = await server.client.listShards({ streamName })
    expect(shards.find((s) => s.shardId === 'shardId-000000000000')!.sequenceNumberRange.endingSequenceNumber).toBeDefined()
  })

  it('scales nothing with limits off: shards then take any load', async () => {
    const clock = new ManualClock()
    const server = await start(clock, { limits: 'off' })
    const onDemand = uniqueName('od')
    await server.client.createStream({ streamName: onDemand, streamModeDetails: { streamMode: 'ON_DEMAND' } })
    const load = new Load(server, onDemand, 6000)
    for (let s = 0; s <= SCALE_UP_MS / SECOND; s++) {
      await load.second(s)
      await server.server.scaleNow()
      clock.advance(SECOND)
    }
    expect(load.throttled).toBe(0)
    expect(await openShards(server, onDemand)).toBe(4)
  })

  it('does not split a PROVISIONED stream however hot', async () => {
    const clock = new ManualClock()
    const server = await start(clock)
    const streamName = uniqueName('prov')
    await server.client.createStream({ streamName, shardCount: 1 })
    const load = new Load(server, streamName, 1500)
    for (let s = 0; s <= 2 * SCALE_UP_MS / SECOND; s++) {
      await load.second(s)
      await server.server.scaleNow()
      clock.advance(SECOND)
    }
    expect(load.throttled).toBeGreaterThan(0)
    expect(await openShards(server, streamName)).toBe(1)
  })

  it('is not held to the account shard quota, which AWS applies to PROVISIONED streams only', async () => {
    const clock = new ManualClock()
    const server = await start(clock, { shardLimit: 6 })
    const streamName = uniqueName('od')
    await server.client.createStream({ streamName, streamModeDetails: { streamMode: 'ON_DEMAND' } })
    // 750 records/s a shard: hot, and not throttled. All four split, past the quota of 6.
    const load = new Load(server, streamName, 3000)
    for (let s = 0; s <= 2 * SCALE_UP_MS / SECOND + 2; s++) {
      await load.second(s)
      await server.server.scaleNow()
      clock.advance(SECOND)
    }
    expect(await openShards(server, streamName)).toBe(8)
    expect((await server.client.describeLimits()).openShardCount).toBe(0)
  })
})
