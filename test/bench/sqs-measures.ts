/**
 * SQS over the HTTP API, side by side with sqslite and moto's server: each run drives
 * shardline (JSON 1.0, then Query, on separate queues of one fresh server), then each peer
 * in a fresh process of its own, with the same lean client code and load, and reports every
 * rate and shardline's ratio to the faster peer. Peers answer in the protocol they serve
 * best: moto JSON 1.0, sqslite Query (its only one). The AWS SDK v3's own figure against
 * shardline is reported beside the lean client's.
 */
import { randomBytes } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import { SQSClient, SendMessageBatchCommand } from '@aws-sdk/client-sqs'
import { NodeHttpHandler } from '@smithy/node-http-handler'
import { cpuText, withCpuUse } from './cpu.js'
import { perSecond, runLoad } from './load.js'
import type { Measure, RowSpec, RunResult } from './measures.js'
import { procStatusMb, startServerProcess, type ServerProcess } from './server-process.js'
import { PEERS, MOTO, SQSLITE, type Peer } from './sqs-peers.js'
import { SqsJson, SqsQuery, type BatchEntry, type SqsLean } from './sqs-lean.js'
import { percentile } from './stats.js'

const MESSAGE_BYTES = 1024
const LOAD_MS = 5_000
/**
 * Each load runs this long untimed first, on the same queue and connections, for shardline
 * and each peer alike. A fresh server here takes 2-3 s of load to reach its steady rate
 * (measured in 1 s windows of SendMessage: about 1,400, 3,100, then 6,000-11,000 a second):
 * V8 compiles the hot path in tiers as calls come in. A warm-up of a fixed 500 or 1,000
 * messages was over in a fraction of a second, so the timed 5 s mostly measured compilation.
 */
const WARM_MS = 2_500
const BATCH = 10
const BATCHES_IN_FLIGHT = 16
const SENDS_IN_FLIGHT = 32
const CONSUMERS = 8
const PRODUCER_BATCHES_IN_FLIGHT = 8
const BACKLOG_MAX_MS = 3_000
/**
 * The backlog (sent, not yet deleted) consumers start with, and the most producers let it
 * grow to: the load measures the rate a pipeline sustains, as the OpenMessaging Benchmark's does,
 * not how far sends can outrun receives. Unbounded, 8 producers sent 2.7 messages for each
 * one consumed and the backlog grew without end, so the figure mostly measured the share of
 * the server's CPU that sends took. Deep enough that consumers never find the queue empty
 * (at most 160 messages are in flight); the same cap holds for the peers.
 */
const BACKLOG_CAP = 5_000
const FIFO_GROUPS = 100
const WAKES = 200
/** Wakes before the timed ones, so the fresh server's JIT has compiled the path, as a running server's has. */
const WARMUP_WAKES = 50
const BIG_BACKLOG = 1_000_000
const BIG_IN_FLIGHT = 10_000

/** 256 distinct 1 KiB bodies of printable ASCII, drawn once. */
const BODIES = Array.from({ length: 256 }, () => randomBytes(MESSAGE_BYTES).toString('base64').slice(0, MESSAGE_BYTES))
const body = (n: number): string => BODIES[n % BODIES.length]!

function entries (n: number, fifo?: { run: string }): BatchEntry[] {
  return Array.from({ length: BATCH }, (_, i) => {
    const m = n * BATCH + i
    return {
      id: `m${i}`,
      body: body(m),
      // Unique deduplication ids: every FIFO message counts, none is dropped as a duplicate.
      ...(fifo === undefined ? {} : { groupId: `g${m % FIFO_GROUPS}`, deduplicationId: `${fifo.run}-${m}` })
    }
  })
}

interface Rate {
  readonly rate: number
  readonly detail: string
}

type Timed = <T extends { items: number }>(body: () => Promise<T>) => Promise<T & { cpu: string }>

function timedFor (pid: number): Timed {
  return async (body) => {
    const [result, cpu] = await withCpuUse(pid, body)
    return { ...result, cpu: cpuText(cpu, result.items).replace('/record', '/message') }
  }
}

/** One load against one server; `queue` names the queue it creates, so loads on one server do not share one. */
type Load = (client: SqsLean, timed: Timed, queue: string) => Promise<Rate>

const sendBatchLoad: Load = async (client, timed, queue) => {
  const url = await client.createQueue(queue, {})
  const bodies = Array.from({ length: 16 }, (_, b) => client.sendBatchBody(url, entries(b)))
  const call = (n: number): Promise<number> => client.sendBatch(bodies[n % bodies.length]!)
  await runLoad({ concurrency: BATCHES_IN_FLIGHT, itemsPerCall: BATCH, durationMs: WARM_MS, call })
  const result = await timed(() => runLoad({ concurrency: BATCHES_IN_FLIGHT, itemsPerCall: BATCH, durationMs: LOAD_MS, call }))
  return { rate: perSecond(result), detail: `${result.items} messages in ${Math.round(result.elapsedMs)} ms, ${result.cpu}` }
}

const sendLoad: Load = async (client, timed, queue) => {
  const url = await client.createQueue(queue, {})
  const bodies = Array.from({ length: 256 }, (_, n) => client.sendBody(url, body(n)))
  const call = async (n: number): Promise<number> => { await client.send(bodies[n % bodies.length]!); return 1 }
  await runLoad({ concurrency: SENDS_IN_FLIGHT, itemsPerCall: 1, durationMs: WARM_MS, call })
  const result = await timed(() => runLoad({ concurrency: SENDS_IN_FLIGHT, itemsPerCall: 1, durationMs: LOAD_MS, call }))
  return { rate: perSecond(result), detail: `${result.items} messages in ${Math.round(result.elapsedMs)} ms, ${result.cpu}` }
}

/**
 * Producers and CONSUMERS consumers together for LOAD_MS, after a backlog so consumers
 * start busy: each consumer long-polls ReceiveMessage(10) and deletes what it got with
 * DeleteMessageBatch. The rate is of messages deleted: received and settled, end to end.
 */
function consumeLoad (fifo: boolean): Load {
  return async (client, timed, queue) => {
    const run = randomBytes(4).toString('hex')
    const name = fifo ? `${queue}.fifo` : queue
    const url = await client.createQueue(name, fifo ? { FifoQueue: 'true' } : {})
    const sendCall = (n: number): Promise<number> => client.sendBatch(client.sendBatchBody(url, entries(n, fifo ? { run } : undefined)))
    let next = 0
    let sent = 0
    let deletedInAll = 0
    // Producers wait here while the backlog is full; each delete wakes them.
    let roomWaiters: Array<() => void> = []
    const wakeProducers = (): void => {
      const waiters = roomWaiters
      roomWaiters = []
      for (const wake of waiters) wake()
    }
    /** Tops the backlog up to BACKLOG_CAP. Bounded in time too: moto stores about 30 messages/s, and would take minutes to fill it. */
    const fill = async (): Promise<void> => {
      const room = BACKLOG_CAP - (sent - deletedInAll)
      if (room <= 0) return
      const backlog = await runLoad({ concurrency: PRODUCER_BATCHES_IN_FLIGHT, itemsPerCall: BATCH, durationMs: BACKLOG_MAX_MS, maxItems: room, call: (n) => sendCall(next + n) })
      next += backlog.calls
      sent += backlog.items
    }
    const receiveBody = client.receiveBody(url, 10, 1, 60)
    /** Producers and consumers together for `ms`; resolves with the messages deleted. */
    const consumeFor = async (ms: number): Promise<{ items: number, elapsedMs: number }> => {
      const started = performance.now()
      const deadline = started + ms
      const deletedBefore = deletedInAll
      // Each count is awaited into a local first: `sent += await ...` would read `sent`
      // before the await and drop the other workers' counts (see load.ts).
      const producer = async (): Promise<void> => {
        while (performance.now() < deadline) {
          if (sent - deletedInAll >= BACKLOG_CAP) {
            await new Promise<void>((resolve) => roomWaiters.push(resolve))
            continue
          }
          const n = await sendCall(next++)
          sent += n
        }
      }
      const consumer = async (): Promise<void> => {
        while (performance.now() < deadline) {
          const got = await client.receive(receiveBody)
          if (got.length > 0) {
            const n = await client.deleteBatch(url, got)
            deletedInAll += n
            wakeProducers()
          }
        }
      }
      // A producer still parked when the time is up has nothing more to do.
      const timeUp = setTimeout(wakeProducers, ms)
      await Promise.all([
        ...Array.from({ length: PRODUCER_BATCHES_IN_FLIGHT }, producer),
        ...Array.from({ length: CONSUMERS }, consumer)
      ])
      clearTimeout(timeUp)
      return { items: deletedInAll - deletedBefore, elapsedMs: performance.now() - started }
    }
    await fill()
    await consumeFor(WARM_MS)
    // A slow peer's warm-up may have left the backlog short of the cap.
    await fill()
    const result = await timed(() => consumeFor(LOAD_MS))
    return { rate: result.items / (result.elapsedMs / 1000), detail: `${result.items} received and deleted in ${Math.round(result.elapsedMs)} ms while ${sent} were sent in all, ${result.cpu}` }
  }
}

interface Target {
  readonly name: string
  readonly client: SqsLean
  readonly pid: number
  stop (): Promise<void>
}

/** Runs `load` on shardline over JSON and Query, then on each available peer; a peer's failure is logged, not fatal. */
async function sideBySide (server: ServerProcess, sockets: number, load: Load, peers: readonly Peer[]): Promise<RunResult> {
  const values: Record<string, number> = {}
  const details: string[] = []
  const measure = async (target: Target, queue: string): Promise<void> => {
    try {
      const { rate, detail } = await load(target.client, timedFor(target.pid), queue)
      values[target.name] = rate
      details.push(`${target.name} ${detail}`)
    } catch (err) {
      values[target.name] = Number.NaN
      details.push(`${target.name} FAILED: ${(err as Error).message.slice(0, 300)}`)
    } finally {
      target.client.close()
      await target.stop()
    }
  }
  const none = async (): Promise<void> => {}
  await measure({ name: 'json', client: new SqsJson(server.httpEndpoint, sockets), pid: server.pid, stop: none }, 'bench-json')
  await measure({ name: 'query', client: new SqsQuery(server.httpEndpoint, sockets), pid: server.pid, stop: none }, 'bench-query')
  for (const peer of peers) {
    const why = peer.unavailable()
    if (why !== undefined) {
      values[peer.name] = Number.NaN
      details.push(`${peer.name} skipped: ${why}`)
      continue
    }
    const started = await peer.start()
    await measure({ name: peer.name, client: started.client(sockets), pid: started.pid, stop: () => started.stop() }, 'bench')
  }
  const fastestPeer = Math.max(...peers.map((p) => values[p.name]!).filter((v) => !Number.isNaN(v)), 0)
  values.ratio = fastestPeer > 0 ? values.json! / fastestPeer : Number.NaN
  return { values, detail: details.join('\n    ') }
}

function sideBySideRows (label: string, peers: readonly Peer[], target?: number, ratio?: number): RowSpec[] {
  return [
    { key: 'json', label: `SQS: ${label}, shardline (JSON 1.0)`, unit: 'messages/s', ...(target === undefined ? {} : { target: { op: '>=', value: target } }) },
    { key: 'query', label: `SQS: ${label}, shardline (Query)`, unit: 'messages/s' },
    ...peers.map((p): RowSpec => ({ key: p.name, label: `SQS: ${label}, ${p.name} (${p === SQSLITE ? 'Query' : 'JSON 1.0'})`, unit: 'messages/s' })),
    { key: 'ratio', label: `SQS: ${label}, shardline (JSON) / the faster peer`, unit: 'x', ...(ratio === undefined ? {} : { target: { op: '>=', value: ratio } }) }
  ]
}

/** The AWS SDK v3 client's own SendMessageBatch rate against shardline, for comparison with the lean client's. */
async function sdkSendBatch (server: ServerProcess): Promise<Rate> {
  const sqs = new SQSClient({
    endpoint: server.httpEndpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDBENCH', secretAccessKey: 'bench' },
    requestHandler: new NodeHttpHandler({ httpAgent: { keepAlive: true, maxSockets: BATCHES_IN_FLIGHT } })
  })
  try {
    const lean = new SqsJson(server.httpEndpoint, 1)
    const url = await lean.createQueue('bench-sdk', {})
    lean.close()
    const batches = Array.from({ length: 16 }, (_, b) => entries(b).map((e) => ({ Id: e.id, MessageBody: e.body })))
    const call = async (n: number): Promise<number> => {
      const res = await sqs.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: batches[n % batches.length] }))
      if ((res.Failed ?? []).length > 0) throw new Error(`SendMessageBatch failed ${res.Failed!.length} entries`)
      return res.Successful?.length ?? 0
    }
    await runLoad({ concurrency: BATCHES_IN_FLIGHT, itemsPerCall: BATCH, durationMs: WARM_MS, call })
    const result = await timedFor(server.pid)(() => runLoad({ concurrency: BATCHES_IN_FLIGHT, itemsPerCall: BATCH, durationMs: LOAD_MS, call }))
    return { rate: perSecond(result), detail: `${result.items} messages in ${Math.round(result.elapsedMs)} ms, ${result.cpu}` }
  } finally {
    sqs.destroy()
  }
}

/** Send → a ReceiveMessage already waiting on an idle queue answers: WAKES times, one at a time. */
async function wakeLatency (server: ServerProcess): Promise<RunResult> {
  const client = new SqsJson(server.httpEndpoint, 2)
  try {
    const url = await client.createQueue('bench-wake', {})
    const receiveBody = client.receiveBody(url, 1, 20)
    const sendBody = client.sendBody(url, body(0))
    const latencies: number[] = []
    for (let i = 0; i < WARMUP_WAKES + WAKES; i++) {
      const waiting = client.receive(receiveBody)
      // Long enough for the receive to reach the server and start waiting before the send.
      await sleep(5)
      const sent = performance.now()
      await client.send(sendBody)
      const got = await waiting
      if (i >= WARMUP_WAKES) latencies.push(performance.now() - sent)
      if (got.length !== 1) throw new Error(`the waiting receive returned ${got.length} messages`)
      await client.deleteBatch(url, got)
    }
    return { values: { p50: percentile(latencies, 50), p99: percentile(latencies, 99) }, detail: `${WAKES} wakes after ${WARMUP_WAKES} untimed, max ${Math.max(...latencies).toFixed(2)} ms (from the send's start, its own round trip included)` }
  } finally {
    client.close()
  }
}

/**
 * A queue of BIG_BACKLOG ready messages with BIG_IN_FLIGHT in flight: the server's RSS, then
 * the time from starting a new server on the same data directory until a ReceiveMessage is
 * answered with a message, after a clean stop (SIGTERM) and again after `kill -9`.
 */
async function bigBacklog (server: ServerProcess): Promise<RunResult> {
  let client = new SqsJson(server.httpEndpoint, BATCHES_IN_FLIGHT)
  const url = await client.createQueue('bench-big', {})
  const path = new URL(url).pathname
  const bodies = Array.from({ length: 16 }, (_, b) => client.sendBatchBody(url, entries(b)))
  const filled = performance.now()
  await runLoad({ concurrency: BATCHES_IN_FLIGHT, itemsPerCall: BATCH, durationMs: Infinity, maxItems: BIG_BACKLOG + BIG_IN_FLIGHT, call: (n) => client.sendBatch(bodies[n % bodies.length]!) })
  const fillMs = performance.now() - filled
  const hold = client.receiveBody(url, 10, 0, 3600)
  let inFlight = 0
  while (inFlight < BIG_IN_FLIGHT) inFlight += (await client.receive(hold)).length
  client.close()
  await sleep(1_000)
  const rss = await procStatusMb(server.pid, 'VmRSS')

  const restartOnce = async (stop: () => Promise<void>): Promise<[number, ServerProcess]> => {
    await stop()
    const started = performance.now()
    const next = await startServerProcess({ dataDir: server.dataDir })
    client = new SqsJson(next.httpEndpoint, 1)
    // The queue URL names the new server's port; the path (account and name) is the same.
    const receive = client.receiveBody(`${next.httpEndpoint}${path}`, 1, 0, 3600)
    for (;;) {
      const got = await client.receive(receive)
      if (got.length > 0) break
    }
    const ms = performance.now() - started
    client.close()
    return [ms, next]
  }
  const [clean, second] = await restartOnce(() => server.stop({ keepData: true }))
  const [killed, third] = await restartOnce(() => second.stop({ keepData: true, signal: 'SIGKILL' }))
  await third.stop()
  return {
    values: { rss, clean, killed },
    detail: `filled ${BIG_BACKLOG + BIG_IN_FLIGHT} in ${Math.round(fillMs)} ms (${Math.round((BIG_BACKLOG + BIG_IN_FLIGHT) / (fillMs / 1000))} messages/s), ${inFlight} in flight`
  }
}

const CONSUME_LABEL = `${CONSUMERS} consumers (long-poll ReceiveMessage(10) + DeleteMessageBatch) while producers send, 1 KiB`

export const SQS_MEASURES: readonly Measure[] = [
  {
    id: 'sqsSendBatch',
    rows: [
      ...sideBySideRows(`SendMessageBatch ${BATCH} x 1 KiB, ${BATCHES_IN_FLIGHT} in flight`, PEERS, 40_000, 3),
      { key: 'sdk', label: `SQS: SendMessageBatch ${BATCH} x 1 KiB, ${BATCHES_IN_FLIGHT} in flight, shardline through the AWS SDK v3 client`, unit: 'messages/s' }
    ],
    async run (server) {
      const result = await sideBySide(server, BATCHES_IN_FLIGHT, sendBatchLoad, PEERS)
      // The SDK runs last on the same server: a fresh queue, after the lean loads warmed the server.
      const sdk = await sdkSendBatch(server)
      return { values: { ...result.values, sdk: sdk.rate }, detail: `${result.detail ?? ''}\n    sdk ${sdk.detail}` }
    }
  },
  {
    id: 'sqsSend',
    rows: sideBySideRows(`SendMessage 1 KiB, ${SENDS_IN_FLIGHT} in flight`, PEERS, 12_000),
    run: (server) => sideBySide(server, SENDS_IN_FLIGHT, sendLoad, PEERS)
  },
  {
    id: 'sqsConsume',
    rows: sideBySideRows(`${CONSUME_LABEL}, standard queue`, PEERS, 15_000, 5),
    run: (server) => sideBySide(server, CONSUMERS + PRODUCER_BATCHES_IN_FLIGHT, consumeLoad(false), PEERS)
  },
  {
    id: 'sqsFifo',
    rows: sideBySideRows(`${CONSUME_LABEL}, FIFO queue, ${FIFO_GROUPS} message groups`, [MOTO], 10_000),
    run: (server) => sideBySide(server, CONSUMERS + PRODUCER_BATCHES_IN_FLIGHT, consumeLoad(true), [MOTO])
  },
  {
    id: 'sqsWake',
    rows: [
      { key: 'p50', label: 'SQS: long-poll wake-up, send → a waiting ReceiveMessage returns, idle queue, p50', unit: 'ms', target: { op: '<=', value: 2 } },
      { key: 'p99', label: 'SQS: long-poll wake-up, p99', unit: 'ms', target: { op: '<=', value: 10 } }
    ],
    run: wakeLatency
  },
  {
    id: 'sqsBacklog',
    rows: [
      { key: 'rss', label: `SQS: server RSS with ${BIG_BACKLOG.toLocaleString('en-US')} ready 1 KiB messages (and ${BIG_IN_FLIGHT.toLocaleString('en-US')} in flight) in one queue, on disk`, unit: 'MB', target: { op: '<', value: 300 } },
      { key: 'clean', label: 'SQS: restart after a clean stop, until the first ReceiveMessage is answered', unit: 'ms', target: { op: '<', value: 5_000 } },
      { key: 'killed', label: 'SQS: restart after kill -9, until the first ReceiveMessage is answered', unit: 'ms', target: { op: '<', value: 5_000 } }
    ],
    run: bigBacklog
  }
]
