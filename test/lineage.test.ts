/**
 * Resharding under load: writers put continuously (1,000 partition keys, each carrying a
 * counter) while the stream goes 2 -> 4 (splits) -> 3 (merge) -> 6 -> 3 (UpdateShardCount),
 * and the server restarts in the middle. A reader walks the shards in lineage order (a
 * child only after all its parents are read to their end) and must see every acknowledged
 * record exactly once, with each key's counters strictly increasing.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { StreamClient, isShardlineError, type Shard } from '../client/index.js'
import { createServer, type ShardlineServer } from '../src/index.js'

const STREAM = 'lineage'
const KEYS = 1000
const WRITERS = 10

let dataDir: string
let server: ShardlineServer
let client: StreamClient

async function start (): Promise<void> {
  server = await createServer({ dataDir, grpcPort: 0, httpPort: 0, limits: 'off', logLevel: 'silent' })
  client = new StreamClient({ endpoint: `127.0.0.1:${server.grpcPort}`, deadlineMs: 5000 })
}

const retired: StreamClient[] = []

async function restart (): Promise<void> {
  // The old client stays open: calls already made with it fail as UNAVAILABLE, which the
  // writers and the reader treat as a restart, rather than as a closed client.
  retired.push(client)
  await server.close()
  await start()
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'shardline-lineage-'))
  await start()
})
afterAll(async () => {
  for (const old of [...retired, client]) old.close()
  await server.close()
  await rm(dataDir, { recursive: true, force: true })
})

/** A retriable failure while the server restarts; anything else is a real error. */
function transient (err: unknown): boolean {
  return isShardlineError(err) && err.retriable
}

async function openShards (): Promise<Shard[]> {
  const { shards } = await client.listShards({ streamName: STREAM, shardFilter: { type: 'AT_LATEST' } })
  return shards
}

function middle (shard: Shard): string {
  return ((BigInt(shard.hashKeyRange.startingHashKey) + BigInt(shard.hashKeyRange.endingHashKey) + 1n) / 2n).toString()
}

it('keeps every acknowledged record exactly once and in key order through splits, merges, scaling and a restart', async () => {
  await client.createStream({ streamName: STREAM, shardCount: 2 })
  const acked = new Set<string>()
  const run = { writing: true }

  // Each key has one writer, which sends its next counter only after the previous call
  // returned. A call that failed may or may not have stored its records, so the counter
  // moves on either way: counters stay strictly increasing, and no acknowledged record is
  // ever sent twice.
  const writers = Array.from({ length: WRITERS }, async (_, w) => {
    const keys = Array.from({ length: KEYS / WRITERS }, (_, i) => `key-${i * WRITERS + w}`)
    for (let counter = 0; run.writing; counter++) {
      const records = keys.map((key) => ({ partitionKey: key, data: `${key}:${counter}` }))
      try {
        const result = await client.putRecords({ streamName: STREAM, records })
        result.records.forEach((r, i) => { if (r.sequenceNumber !== undefined) acked.add(records[i]!.data) })
      } catch (err) {
        if (!transient(err)) throw err
        await sleep(20)
      }
    }
  })

  // The reader: lineage order, polling open shards, iterators kept across the restart.
  const seen = new Map<string, number>()
  const countersByKey = new Map<string, number[]>()
  const finished = new Set<string>()
  const iterators = new Map<string, string>()
  let lastSequence = new Map<string, string>()
  const read = async (): Promise<void> => {
    const { shards } = await client.listShards({ streamName: STREAM })
    const known = new Set(shards.map((s) => s.shardId))
    for (const shard of shards) {
      if (finished.has(shard.shardId)) continue
      const parents = [shard.parentShardId, shard.adjacentParentShardId].filter((p): p is string => p !== undefined && known.has(p))
      if (!parents.every((p) => finished.has(p))) continue
      let iterator = iterators.get(shard.shardId) ??
        (await client.getShardIterator({ streamName: STREAM, shardId: shard.shardId, shardIteratorType: 'TRIM_HORIZON' })).shardIterator
      for (;;) {
        const page = await client.getRecords({ shardIterator: iterator, limit: 10_000 })
        for (const record of page.records) {
          const text = record.data.toString()
          seen.set(text, (seen.get(text) ?? 0) + 1)
          const [key, counter] = text.split(':')
          const list = countersByKey.get(key!) ?? []
          list.push(Number(counter))
          countersByKey.set(key!, list)
          expect(record.sequenceNumber > (lastSequence.get(shard.shardId) ?? '')).toBe(true)
          lastSequence.set(shard.shardId, record.sequenceNumber)
        }
        if (page.nextShardIterator === undefined) {
          finished.add(shard.shardId)
          // Every child the shard reports must be one ListShards knows.
          for (const child of page.childShards) expect(child.parentShards).toContain(shard.shardId)
          break
        }
        iterator = page.nextShardIterator
        iterators.set(shard.shardId, iterator)
        if (page.records.length === 0) break
      }
    }
  }
  const reading = (async () => {
    while (run.writing) {
      try {
        await read()
      } catch (err) {
        if (!transient(err)) throw err
      }
      await sleep(50)
    }
  })()

  await sleep(400)
  // 2 -> 4 by splitting each shard in the middle.
  for (const shard of await openShards()) {
    await client.splitShard({ streamName: STREAM, shardToSplit: shard.shardId, newStartingHashKey: middle(shard) })
    await sleep(150)
  }
  expect(await openShards()).toHaveLength(4)
  await sleep(300)
  // 4 -> 3 by merging the middle two.
  const four = await openShards()
  await client.mergeShards({ streamName: STREAM, shardToMerge: four[1]!.shardId, adjacentShardToMerge: four[2]!.shardId })
  expect(await openShards()).toHaveLength(3)
  await sleep(300)
  await restart()
  await sleep(300)
  await client.updateShardCount({ streamName: STREAM, targetShardCount: 6, scalingType: 'UNIFORM_SCALING' })
  expect(await openShards()).toHaveLength(6)
  await sleep(400)
  await client.updateShardCount({ streamName: STREAM, targetShardCount: 3, scalingType: 'UNIFORM_SCALING' })
  expect(await openShards()).toHaveLength(3)
  await sleep(400)
  run.writing = false
  await Promise.all(writers)
  await reading

  // Drain: everything is written, so reading until every shard is caught up sees it all.
  for (let pass = 0; pass < 3; pass++) await read()
  lastSequence = new Map()

  expect(acked.size).toBeGreaterThan(20_000)
  for (const record of acked) expect(seen.get(record), `acknowledged ${record}`).toBe(1)
  for (const [record, count] of seen) expect(count, `${record} seen ${count} times`).toBe(1)
  for (const [key, counters] of countersByKey) {
    for (let i = 1; i < counters.length; i++) expect(counters[i]!, `counters of ${key}`).toBeGreaterThan(counters[i - 1]!)
  }
  // The open shards at the end tile the hash space evenly, as UpdateShardCount promises where
  // the counts divide (6 -> 3), to the rounding of 2^128 / 6 against 2^128 / 3 (a key).
  const final = await openShards()
  const third = (1n << 128n) / 3n
  const starts = final.map((s) => BigInt(s.hashKeyRange.startingHashKey))
  expect(starts[0]).toBe(0n)
  for (const [i, start] of starts.slice(1).entries()) {
    const off = start - BigInt(i + 1) * third
    expect(off < 0n ? -off : off, `boundary ${start}`).toBeLessThanOrEqual(2n)
  }
  // Every shard was read, parents before children.
  const { shards } = await client.listShards({ streamName: STREAM })
  expect(shards.filter((s) => s.sequenceNumberRange.endingSequenceNumber !== undefined).every((s) => finished.has(s.shardId))).toBe(true)
}, 60_000)
