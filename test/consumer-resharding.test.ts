/**
 * Consumers across a split and a merge while records keep coming, in both modes: no record
 * is skipped and each key's records are handled in write order, because a child shard is
 * handled only after all its parents were checkpointed at SHARD_END.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Worker } from './helpers/consumer-group.js'
import { allHandled, orderViolations, SteadyWriter, waitForAll } from './helpers/consumer-load.js'
import { startServer, uniqueName, type TestServer } from './helpers/server.js'

const LEASE_MS = 3000

let srv: TestServer
const workers: Worker[] = []

beforeAll(async () => {
  srv = await startServer()
})

afterAll(async () => {
  for (const w of workers) w.kill()
  await srv.close()
})

describe.each(['polling', 'fanout'] as const)('Consumer across resharding (%s)', (mode) => {
  it('split then merge while consuming: nothing skipped, per-key order kept, SHARD_END checkpointed', async () => {
    const stream = uniqueName(`reshard-${mode}`)
    const application = uniqueName('app')
    await srv.client.createStream({ streamName: stream, shardCount: 2 })
    // Slow handlers keep the workers behind the writes, so a child processed too early would overtake its parent.
    const options = { endpoint: srv.endpoint, stream, application, mode, leaseDurationMs: LEASE_MS, handlerDelayMs: 150, maxRecordsPerBatch: 25, checkpoint: { everyRecords: 40, everyMs: 500 } }
    const group = ['a', 'b'].map((id) => new Worker(`${mode}-${id}`, options))
    workers.push(...group)
    await Promise.all(group.map((w) => w.ready()))
    const writer = new SteadyWriter(srv.client, stream, 32)
    writer.start(100, 16)
    await sleep(1000)

    // shard 0 covers [0, 2^127): split it in half, then merge the halves back.
    await srv.client.splitShard({ streamName: stream, shardToSplit: 'shardId-000000000000', newStartingHashKey: (1n << 126n).toString() })
    await sleep(1500)
    await srv.client.mergeShards({ streamName: stream, shardToMerge: 'shardId-000000000002', adjacentShardToMerge: 'shardId-000000000003' })
    await sleep(1500)
    await writer.stop()
    expect(writer.failures).toBe(0)
    await waitForAll(group, writer.written, 30_000)

    const handled = allHandled(group)
    expect(orderViolations(handled)).toEqual([])
    const shardsSeen = new Set(handled.map((h) => h.shard))
    expect([...shardsSeen].sort()).toEqual(['shardId-000000000000', 'shardId-000000000001', 'shardId-000000000002', 'shardId-000000000003', 'shardId-000000000004'])
    const ended = group.flatMap((w) => w.events('shard.ended').map((e) => e.shardId as string)).sort()
    expect(ended).toEqual(['shardId-000000000000', 'shardId-000000000002', 'shardId-000000000003'])
    await Promise.all(group.map((w) => w.stop()))

    // A new application reads the whole history from TRIM_HORIZON: every lease exists from the
    // start, so only lineage keeps the children waiting for their parents.
    const replay = ['c', 'd'].map((id) => new Worker(`${mode}-${id}`, { ...options, application: uniqueName('replay') }))
    workers.push(...replay)
    await waitForAll(replay, writer.written, 30_000)
    expect(orderViolations(allHandled(replay))).toEqual([])
    await Promise.all(replay.map((w) => w.stop()))
  }, 90_000)
})
