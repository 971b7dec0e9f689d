/**
 * Consumer failover with workers in real child processes: a SIGKILLed worker's shards are
 * taken over within a lease duration (plus margin) with duplicates bounded by what it handled
 * since its last checkpoint; a gracefully stopped worker hands over in under 2 s with no
 * duplicate at all.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { LeaseClient } from '../client/index.js'
import { Worker, type WorkerMessage } from './helpers/consumer-group.js'
import { allHandled, duplicates, SteadyWriter, shardOwners, waitForAll, waitForBalance } from './helpers/consumer-load.js'
import { startServer, uniqueName, type TestServer } from './helpers/server.js'

const LEASE_MS = 3000

let srv: TestServer
let leases: LeaseClient
const workers: Worker[] = []

beforeAll(async () => {
  srv = await startServer()
  leases = new LeaseClient({ endpoint: srv.endpoint })
})

afterAll(async () => {
  for (const w of workers) w.kill()
  leases.close()
  await srv.close()
})

function startWorkers (ids: string[], stream: string, application: string): Worker[] {
  const started = ids.map((id) => new Worker(id, {
    endpoint: srv.endpoint, stream, application, leaseDurationMs: LEASE_MS, checkpoint: { everyRecords: 40, everyMs: 500 }
  }))
  workers.push(...started)
  return started
}

/** The first batch any of `workers` handled on one of `shards` after `after`. */
function firstBatchAfter (group: Worker[], shards: Set<string>, after: number): Promise<WorkerMessage> {
  return Promise.any(group.map((w) => w.waitFor(`a batch on ${[...shards].join(',')}`, (m) => m.t === 'batch' && shards.has(m.shard!) && m.at > after, 30_000)))
}

describe('Consumer failover', () => {
  it('takes over a SIGKILLed worker\'s shards within a lease duration + 2 s; every record is handled, duplicates only past its last checkpoint', async () => {
    const stream = uniqueName('crash')
    const application = uniqueName('app')
    await srv.client.createStream({ streamName: stream, shardCount: 8 })
    const group = startWorkers(['c0', 'c1', 'c2', 'c3'], stream, application)
    await Promise.all(group.map((w) => w.ready()))
    await waitForBalance(leases, application, group.map((w) => w.id), 8, 4 * LEASE_MS)

    const writer = new SteadyWriter(srv.client, stream)
    writer.start(100, 16)
    await sleep(2000)
    const victim = group[1]!
    const owners = await shardOwners(leases, application)
    const victimShards = new Set([...owners].filter(([, o]) => o === victim.id).map(([s]) => s))
    expect(victimShards.size).toBe(2)
    const killedAt = victim.kill()
    const survivors = group.filter((w) => w !== victim)
    // Each of its shards, not just the first one, has a new owner handling records in time.
    const firsts = await Promise.all([...victimShards].map((shard) => firstBatchAfter(survivors, new Set([shard]), killedAt)))
    const failoverMs = Math.max(...firsts.map((m) => m.at - killedAt))
    expect(failoverMs).toBeLessThanOrEqual(LEASE_MS + 2000)

    await sleep(1000)
    await writer.stop()
    expect(writer.failures).toBe(0)
    await waitForAll(group, writer.written, 30_000)

    // The new owners resume at the victim's last checkpoint: only records it handled after
    // that may come twice.
    const lastCheckpoint = new Map<string, string>()
    for (const e of victim.events('checkpoint')) lastCheckpoint.set(e.shardId as string, e.sequenceNumber as string)
    const victimAfterCheckpoint = new Set(victim.records().filter((r) => {
      const cp = lastCheckpoint.get(r.shard)
      return cp === undefined || r.seq > cp
    }).map((r) => r.data))
    const dups = duplicates(allHandled(group))
    for (const [data, handlings] of dups) {
      expect(victimAfterCheckpoint.has(data), `${data} handled ${handlings.length} times`).toBe(true)
      expect(handlings.length).toBe(2)
    }
    expect(dups.size).toBeLessThanOrEqual(victimAfterCheckpoint.size)
    await Promise.all(survivors.map((w) => w.stop()))
  }, 90_000)

  it('hands a gracefully stopped worker\'s shards over within 2 s, with no duplicate', async () => {
    const stream = uniqueName('graceful')
    const application = uniqueName('app')
    await srv.client.createStream({ streamName: stream, shardCount: 4 })
    const group = startWorkers(['g0', 'g1'], stream, application)
    await Promise.all(group.map((w) => w.ready()))
    await waitForBalance(leases, application, group.map((w) => w.id), 4, 4 * LEASE_MS)

    const writer = new SteadyWriter(srv.client, stream)
    writer.start(100, 16)
    await sleep(1500)
    const leaving = group[0]!
    const staying = group[1]!
    const owners = await shardOwners(leases, application)
    const leavingShards = new Set([...owners].filter(([, o]) => o === leaving.id).map(([s]) => s))
    expect(leavingShards.size).toBe(2)
    const handoff = firstBatchAfter([staying], leavingShards, performance.timeOrigin + performance.now())
    const askedAt = await leaving.stop()
    const first = await handoff
    expect(first.at - askedAt).toBeLessThanOrEqual(2000)
    expect(leaving.events('lease.lost')).toEqual([])

    await sleep(500)
    await writer.stop()
    expect(writer.failures).toBe(0)
    await waitForAll(group, writer.written, 20_000)
    const dups = duplicates(allHandled(group))
    expect([...dups.keys()]).toEqual([])
    await staying.stop()
  }, 60_000)

  it('fences a frozen worker: once its leases are taken it delivers nothing from those shards until it takes them again', async () => {
    const stream = uniqueName('frozen')
    const application = uniqueName('app')
    await srv.client.createStream({ streamName: stream, shardCount: 4 })
    const group = startWorkers(['f0', 'f1'], stream, application)
    await Promise.all(group.map((w) => w.ready()))
    await waitForBalance(leases, application, group.map((w) => w.id), 4, 4 * LEASE_MS)
    const writer = new SteadyWriter(srv.client, stream)
    writer.start(100, 16)
    await sleep(1000)
    const [frozen, other] = group as [Worker, Worker]
    const owners = await shardOwners(leases, application)
    const frozenShards = new Set([...owners].filter(([, o]) => o === frozen.id).map(([s]) => s))
    const pausedAt = frozen.pause()
    // Frozen until the other worker has taken over every one of its shards.
    await Promise.all([...frozenShards].map((shard) => firstBatchAfter([other], new Set([shard]), pausedAt)))
    const resumedAt = frozen.resume()
    await sleep(1500)
    await writer.stop()
    await waitForAll(group, writer.written, 20_000)

    const retaken = new Set<string>()
    const late: string[] = []
    for (const m of frozen.messages) {
      if (m.at < resumedAt) continue
      if (m.t === 'event' && m.name === 'lease.acquired') retaken.add(m.shardId as string)
      if (m.t === 'batch' && frozenShards.has(m.shard!) && !retaken.has(m.shard!)) late.push(m.shard!)
    }
    expect(late).toEqual([])
    expect(frozen.events('lease.lost').length + frozen.events('lease.stolen').length).toBeGreaterThanOrEqual(frozenShards.size)
    await Promise.all(group.map((w) => w.stop()))
  }, 60_000)
})
