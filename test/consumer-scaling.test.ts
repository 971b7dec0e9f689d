/**
 * Consumer group scaling with workers in real child processes: 1 -> 4 -> 2 workers on 8
 * shards reach ⌊n/w⌋/⌈n/w⌉ within 2 lease durations of each change, and no lease changes
 * hands after that.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { LeaseClient } from '../client/index.js'
import { Worker } from './helpers/consumer-group.js'
import { SteadyWriter, shardOwners, waitForBalance } from './helpers/consumer-load.js'
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

/** Asserts that the owners stay exactly as they are for `ms`. */
async function expectStable (application: string, owners: Map<string, string>, ms: number): Promise<void> {
  const until = Date.now() + ms
  while (Date.now() < until) {
    expect(await shardOwners(leases, application)).toEqual(owners)
    await sleep(200)
  }
}

describe('Consumer scaling', () => {
  it('1 -> 4 -> 2 workers: balanced within 2 lease durations, then no ownership change', async () => {
    const stream = uniqueName('scale')
    const application = uniqueName('app')
    await srv.client.createStream({ streamName: stream, shardCount: 8 })
    const options = { endpoint: srv.endpoint, stream, application, leaseDurationMs: LEASE_MS, checkpoint: { everyRecords: 40, everyMs: 500 } }
    const writer = new SteadyWriter(srv.client, stream)
    writer.start(100, 16)

    const first = new Worker('s0', options)
    workers.push(first)
    await first.ready()
    await waitForBalance(leases, application, ['s0'], 8, 2 * LEASE_MS)

    const joining = ['s1', 's2', 's3'].map((id) => new Worker(id, options))
    workers.push(...joining)
    await Promise.all(joining.map((w) => w.ready()))
    const joinedAt = Date.now()
    const four = await waitForBalance(leases, application, ['s0', 's1', 's2', 's3'], 8, 2 * LEASE_MS)
    expect(Date.now() - joinedAt).toBeLessThanOrEqual(2 * LEASE_MS)
    await expectStable(application, four, LEASE_MS)
    // Every lease moved at most once on the way: each stolen lease was stolen from s0.
    for (const w of joining) {
      for (const e of w.events('lease.acquired')) expect(e.previousOwner === '' || e.previousOwner === 's0').toBe(true)
    }

    const stoppedAt = Date.now()
    await Promise.all([workers[1]!.stop(), workers[2]!.stop()])
    const two = await waitForBalance(leases, application, ['s0', 's3'], 8, 2 * LEASE_MS)
    expect(Date.now() - stoppedAt).toBeLessThanOrEqual(2 * LEASE_MS)
    await expectStable(application, two, LEASE_MS)

    await writer.stop()
    await Promise.all([workers[0]!.stop(), workers[3]!.stop()])
  }, 90_000)
})
