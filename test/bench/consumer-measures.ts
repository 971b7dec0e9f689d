/**
 * Consumer measures, with workers in child processes (test/helpers/consumer-worker.ts) as in
 * production: throughput of a 2-worker group on 8 shards in both modes, crash failover time
 * at the default 10 s lease, graceful handoff time, and how long a joining worker takes to
 * reach its share.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { LeaseClient, StreamClient } from '../../client/index.js'
import { Worker, type WorkerMessage } from '../helpers/consumer-group.js'
import { shardOwners, SteadyWriter, waitForBalance } from '../helpers/consumer-load.js'
import type { Measure } from './measures.js'
import { batchOf } from './payload.js'
import type { ServerProcess } from './server-process.js'

const PREFILL_RECORDS = 100_000
const BATCH = 500

const epochNow = (): number => performance.timeOrigin + performance.now()

async function prefill (client: StreamClient, streamName: string, records: number): Promise<void> {
  const calls = Math.ceil(records / BATCH)
  let next = 0
  await Promise.all(Array.from({ length: 4 }, async () => {
    while (next < calls) {
      const i = next++
      const answer = await client.putRecords({ streamName, records: batchOf(BATCH, i) })
      if (answer.failedRecordCount > 0) throw new Error(`prefill: ${answer.failedRecordCount} records failed`)
    }
  }))
}

function handledCount (workers: Worker[]): number {
  let n = 0
  for (const w of workers) for (const m of w.messages) if (m.t === 'batch') n += m.n ?? 0
  return n
}

async function throughput (server: ServerProcess, mode: 'polling' | 'fanout'): Promise<number> {
  const client = new StreamClient({ endpoint: server.endpoint, deadlineMs: 60_000 })
  const workers: Worker[] = []
  try {
    const stream = `throughput-${mode}`
    await client.createStream({ streamName: stream, shardCount: 8 })
    const total = PREFILL_RECORDS - (PREFILL_RECORDS % BATCH)
    await prefill(client, stream, total)
    const options = { endpoint: server.endpoint, stream, application: `bench-${mode}`, mode, countOnly: true }
    workers.push(new Worker('t0', options), new Worker('t1', options))
    await Promise.all(workers.map((w) => w.ready()))
    const deadline = Date.now() + 120_000
    while (handledCount(workers) < total) {
      if (Date.now() > deadline) throw new Error(`only ${handledCount(workers)} of ${total} records handled`)
      await sleep(20)
    }
    // From the first delivery: process start-up is not consumer throughput.
    const first = Math.min(...workers.flatMap((w) => w.messages.filter((m) => m.t === 'batch').map((m) => m.at)), epochNow())
    const last = Math.max(...workers.flatMap((w) => w.messages.filter((m) => m.t === 'batch').map((m) => m.at)))
    return total / Math.max(0.001, (last - first) / 1000)
  } finally {
    await Promise.allSettled(workers.map((w) => w.stop()))
    client.close()
  }
}

/** The first batch any of `workers` handled on one of `shards` after `after`. */
function firstBatchAfter (workers: Worker[], shards: Set<string>, after: number, timeoutMs: number): Promise<WorkerMessage> {
  return Promise.any(workers.map((w) => w.waitFor('a batch', (m) => m.t === 'batch' && shards.has(m.shard!) && m.at > after, timeoutMs)))
}

async function handover (server: ServerProcess, how: 'crash' | 'graceful'): Promise<number> {
  const client = new StreamClient({ endpoint: server.endpoint })
  const leases = new LeaseClient({ endpoint: server.endpoint })
  const workers: Worker[] = []
  const writer = new SteadyWriter(client, `handover-${how}`)
  try {
    const stream = `handover-${how}`
    const application = `bench-${how}`
    await client.createStream({ streamName: stream, shardCount: 4 })
    const options = { endpoint: server.endpoint, stream, application, countOnly: true }
    workers.push(new Worker('h0', options), new Worker('h1', options))
    await Promise.all(workers.map((w) => w.ready()))
    await waitForBalance(leases, application, ['h0', 'h1'], 4, 60_000)
    writer.start(50, 16)
    await sleep(2000)
    const [leaving, staying] = workers as [Worker, Worker]
    const owners = await shardOwners(leases, application)
    const shards = new Set([...owners].filter(([, o]) => o === leaving.id).map(([s]) => s))
    const after = epochNow()
    const handed = firstBatchAfter([staying], shards, after, 60_000)
    const at = how === 'crash' ? leaving.kill() : await leaving.stop()
    return (await handed).at - at
  } finally {
    await writer.stop()
    await Promise.allSettled(workers.map((w) => w.stop()))
    for (const w of workers) w.kill()
    leases.close()
    client.close()
  }
}

async function joinShare (server: ServerProcess): Promise<number> {
  const client = new StreamClient({ endpoint: server.endpoint })
  const leases = new LeaseClient({ endpoint: server.endpoint })
  const workers: Worker[] = []
  try {
    const stream = 'join'
    const application = 'bench-join'
    await client.createStream({ streamName: stream, shardCount: 8 })
    const options = { endpoint: server.endpoint, stream, application, countOnly: true }
    workers.push(new Worker('j0', options))
    await workers[0]!.ready()
    await waitForBalance(leases, application, ['j0'], 8, 60_000)
    workers.push(new Worker('j1', options))
    const ready = await workers[1]!.ready()
    await waitForBalance(leases, application, ['j0', 'j1'], 8, 60_000)
    return epochNow() - ready.at
  } finally {
    await Promise.allSettled(workers.map((w) => w.stop()))
    leases.close()
    client.close()
  }
}

const consumerThroughput: Measure = {
  id: 'consumerThroughput',
  rows: [
    { key: 'polling', label: 'Consumer throughput, 8 shards, 2 workers, polling (1 KiB)', unit: 'records/s' },
    { key: 'fanout', label: 'Consumer throughput, 8 shards, 2 workers, fan-out (1 KiB)', unit: 'records/s' }
  ],
  async run (server) {
    return { values: { polling: await throughput(server, 'polling'), fanout: await throughput(server, 'fanout') } }
  }
}

const consumerFailover: Measure = {
  id: 'consumerFailover',
  rows: [
    { key: 'crash', label: 'Consumer crash failover, default 10 s lease (kill to first record)', unit: 'ms', target: { op: '<', value: 12_000 } },
    { key: 'graceful', label: 'Consumer graceful handoff (stop() to first record)', unit: 'ms' }
  ],
  async run (server) {
    return { values: { crash: await handover(server, 'crash'), graceful: await handover(server, 'graceful') } }
  }
}

const consumerJoin: Measure = {
  id: 'consumerJoin',
  rows: [{ key: 'join', label: 'Consumer: joining worker reaches its share (8 shards, 1 -> 2 workers)', unit: 'ms' }],
  async run (server) {
    return { values: { join: await joinShare(server) } }
  }
}

export const CONSUMER_MEASURES: readonly Measure[] = [consumerThroughput, consumerFailover, consumerJoin]
