/**
 * A server killed with SIGKILL while it splits and merges under write load restarts with
 * every stream either as before or as after each reshard, never in between, and with
 * every acknowledged record and reshard in place.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { afterAll, expect, it } from 'vitest'
import { StreamClient, isShardlineError, type Shard } from '../client/index.js'
import { startChildServer } from './helpers/child-server.js'
import { startServer } from './helpers/server.js'

const STREAM = 'reshard-crash'
const HASH_MAX = (1n << 128n) - 1n

let dataDir: string
afterAll(async () => { await rm(dataDir, { recursive: true, force: true }) })

function range (shard: Shard): [bigint, bigint] {
  return [BigInt(shard.hashKeyRange.startingHashKey), BigInt(shard.hashKeyRange.endingHashKey)]
}

it('restarts after SIGKILL mid-resharding with a whole lineage and every acknowledged record', async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'shardline-reshard-crash-'))
  const child = await startChildServer(['--data', dataDir, '--limits', 'off'])
  const client = new StreamClient({ endpoint: child.endpoint, deadlineMs: 5000 })
  await client.createStream({ streamName: STREAM, shardCount: 2 })
  const acked = new Set<string>()
  const closedByAck = new Set<string>()
  const run = { going: true }

  const writers = Array.from({ length: 6 }, async (_, w) => {
    for (let n = 0; run.going; n++) {
      const records = Array.from({ length: 20 }, (_, i) => ({ partitionKey: `k${w}-${i}`, data: `${w}:${n}:${i}` }))
      try {
        const result = await client.putRecords({ streamName: STREAM, records })
        result.records.forEach((r, i) => { if (r.sequenceNumber !== undefined) acked.add(records[i]!.data) })
      } catch {
        return
      }
    }
  })
  // Reshards back to back: split the widest open shard, then merge the first adjacent pair.
  const resharder = (async () => {
    for (let i = 0; run.going; i++) {
      try {
        const { shards: listed } = await client.listShards({ streamName: STREAM, shardFilter: { type: 'AT_LATEST' } })
        const shards = listed.sort((a, b) => (range(a)[0] < range(b)[0] ? -1 : 1))
        if (i % 2 === 0 || shards.length < 2) {
          const widest = shards.reduce((a, b) => (range(b)[1] - range(b)[0] > range(a)[1] - range(a)[0] ? b : a))
          const [start, end] = range(widest)
          await client.splitShard({ streamName: STREAM, shardToSplit: widest.shardId, newStartingHashKey: ((start + end) / 2n).toString() })
          closedByAck.add(widest.shardId)
        } else {
          await client.mergeShards({ streamName: STREAM, shardToMerge: shards[0]!.shardId, adjacentShardToMerge: shards[1]!.shardId })
          closedByAck.add(shards[0]!.shardId)
          closedByAck.add(shards[1]!.shardId)
        }
      } catch (err) {
        // Only the kill may stop the resharder.
        if (!isShardlineError(err) || err.code !== 'UNAVAILABLE') throw err
        return
      }
    }
  })()
  await sleep(1200)
  child.process.kill('SIGKILL')
  await child.exited
  run.going = false
  await Promise.all([...writers, resharder])
  client.close()
  expect(closedByAck.size).toBeGreaterThan(3)

  const t = await startServer({ dataDir, limits: 'off' })
  try {
    const { shards } = await t.client.listShards({ streamName: STREAM })
    const byId = new Map(shards.map((s) => [s.shardId, s]))
    // Every acknowledged reshard happened: its parents are closed.
    for (const id of closedByAck) expect(byId.get(id)?.sequenceNumberRange.endingSequenceNumber, `${id} should be closed`).toBeDefined()
    // The open shards tile the whole hash space, with no gap and no overlap.
    const open = shards.filter((s) => s.sequenceNumberRange.endingSequenceNumber === undefined).map(range).sort((a, b) => (a[0] < b[0] ? -1 : 1))
    expect(open[0]![0]).toBe(0n)
    expect(open[open.length - 1]![1]).toBe(HASH_MAX)
    for (let i = 1; i < open.length; i++) expect(open[i]![0]).toBe(open[i - 1]![1] + 1n)
    // Every closed shard's children exist and cover exactly its range.
    for (const shard of shards.filter((s) => s.sequenceNumberRange.endingSequenceNumber !== undefined)) {
      const kids = shards.filter((s) => s.parentShardId === shard.shardId || s.adjacentParentShardId === shard.shardId)
      expect(kids.length, `children of ${shard.shardId}`).toBeGreaterThan(0)
      const [start, end] = range(shard)
      const covered = kids.map(range)
      if (kids.length === 2) {
        expect(covered.map((r) => r[0]).sort()[0]).toBe(start)
        expect(covered.reduce((sum, r) => sum + (r[1] - r[0] + 1n), 0n)).toBe(end - start + 1n)
      } else {
        // A merge child covers its parent and the adjacent one.
        expect(covered[0]![0] <= start && covered[0]![1] >= end).toBe(true)
      }
    }
    // Every acknowledged record is readable exactly once.
    const seen = new Map<string, number>()
    for (const shard of shards) {
      let { shardIterator } = await t.client.getShardIterator({ streamName: STREAM, shardId: shard.shardId, shardIteratorType: 'TRIM_HORIZON' })
      for (;;) {
        const page = await t.client.getRecords({ shardIterator })
        for (const r of page.records) seen.set(r.data.toString(), (seen.get(r.data.toString()) ?? 0) + 1)
        if (page.nextShardIterator === undefined || page.records.length === 0) break
        shardIterator = page.nextShardIterator
      }
    }
    for (const record of acked) expect(seen.get(record), record).toBe(1)
    for (const count of seen.values()) expect(count).toBe(1)
  } finally {
    await t.close()
  }
}, 60_000)
