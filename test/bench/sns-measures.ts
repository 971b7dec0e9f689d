/**
 * SNS over the HTTP API (Query), with the lean client of sns-lean.ts, on shardline and
 * then on moto's server where it is installed (a fresh process per run). Throughputs are
 * counted where the messages arrive: a run's rate is what was published over the time
 * from its first publish until every subscribed queue holds all it should (read with
 * GetQueueAttributes; a duplicate fails the run), so delivery that lags behind the
 * acknowledgements shows. moto delivers inside the Publish call at some tens of messages
 * a second, so its loads are short and bounded in time.
 */
import { randomBytes } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import { cpuText, withCpuUse } from './cpu.js'
import { runLoad, type LoadResult } from './load.js'
import type { Measure } from './measures.js'
import type { PublishEntry } from './sns-lean.js'
import { SMALL, awaitArrivals, awaitConfirmed, httpSubscriber, inParallel, makeQueue, onTargets, type Arrival, type SnsTarget, type TargetResult } from './sns-targets.js'
import { percentile } from './stats.js'

const MESSAGE_BYTES = 1024
const LOAD_MS = SMALL ? 500 : 5_000
const MOTO_LOAD_MS = SMALL ? 500 : 3_000
/** Untimed load first, as for SQS (sqs-measures.ts): a fresh server takes 2-3 s of load to compile its hot path. */
const WARM_MS = SMALL ? 200 : 2_500
const DELIVERY_TIMEOUT_MS = SMALL ? 20_000 : 60_000
const PUBLISHES_IN_FLIGHT = 32
const BATCH = 10
const BATCHES_IN_FLIGHT = 16
const FANOUT_QUEUES = 5
const LATENCY_SAMPLES = SMALL ? 20 : 200
const MOTO_LATENCY_SAMPLES = SMALL ? 5 : 50
const MOTO_LATENCY_MS = SMALL ? 3_000 : 15_000
const FILTER_SUBSCRIPTIONS = SMALL ? 50 : 1_000

/** 256 distinct 1 KiB messages of printable ASCII, drawn once. */
const BODIES = Array.from({ length: 256 }, () => randomBytes(MESSAGE_BYTES).toString('base64').slice(0, MESSAGE_BYTES))
const body = (n: number): string => BODIES[n % BODIES.length]!

const rate = (n: number, ms: number): number => n / (ms / 1000)
const fmt = (n: number): string => Math.round(n).toLocaleString('en-US')
const arrivalText = (a: Arrival, expected: number): string => a.complete ? '' : `; INCOMPLETE: ${a.arrived} of ${expected} deliveries arrived before the wait gave up`

/**
 * A warm-up (JIT, connections, the first memtable) whose deliveries are awaited, then the
 * timed load until `loadMs`, then the wait until `expected(total published)` arrived.
 * `call` resolves with the messages a call published.
 */
async function timedLoad (t: SnsTarget, queues: readonly string[], perQueue: (published: number, queue: number) => number, call: (n: number) => Promise<number>, shape: { concurrency: number, itemsPerCall: number }): Promise<{ load: LoadResult, arrival: Arrival, elapsedMs: number, delivered: number, expected: number, cpu: string }> {
  const moto = t.name === 'moto'
  const warm = await runLoad({ ...shape, durationMs: WARM_MS, maxItems: moto ? 20 : Infinity, call })
  const warmed = await awaitArrivals(t, queues.map((url, i) => ({ url, expected: perQueue(warm.items, i) })), DELIVERY_TIMEOUT_MS)
  if (!warmed.complete) throw new Error(`the warm-up's deliveries did not arrive: ${warmed.arrived}`)
  const [result, cpu] = await withCpuUse(t.pid, async () => {
    const started = performance.now()
    const load = await runLoad({ ...shape, durationMs: moto ? MOTO_LOAD_MS : LOAD_MS, call })
    const total = warm.items + load.items
    const arrival = await awaitArrivals(t, queues.map((url, i) => ({ url, expected: perQueue(total, i) })), DELIVERY_TIMEOUT_MS)
    return { load, arrival, elapsedMs: arrival.at - started, delivered: arrival.arrived - warmed.arrived, expected: queues.reduce((n, _, i) => n + perQueue(total, i), 0) - warmed.arrived }
  })
  return { ...result, cpu: cpuText(cpu, result.load.items).replace('/record', '/message published') }
}

/** Publish 1 KiB, 32 in flight, into a topic with one SQS subscription (`raw`: RawMessageDelivery). */
async function publishOne (t: SnsTarget, name: string, raw: boolean): Promise<{ acked: number, delivered: number, detail: string }> {
  const queue = await makeQueue(t, name)
  const topic = await t.sns.createTopic(name)
  await t.sns.subscribe(topic, 'sqs', queue.arn, raw ? { RawMessageDelivery: 'true' } : {})
  const bodies = Array.from({ length: BODIES.length }, (_, n) => t.sns.publishBody(topic, body(n)))
  const call = async (n: number): Promise<number> => { await t.sns.publish(bodies[n % bodies.length]!); return 1 }
  const r = await timedLoad(t, [queue.url], (published) => published, call, { concurrency: PUBLISHES_IN_FLIGHT, itemsPerCall: 1 })
  const acked = rate(r.load.items, r.load.elapsedMs)
  const delivered = rate(r.delivered, r.elapsedMs)
  return { acked, delivered, detail: `${raw ? 'raw' : 'envelope'}: ${r.load.items} published in ${Math.round(r.load.elapsedMs)} ms (${fmt(acked)}/s acknowledged), all in the queue after ${Math.round(r.elapsedMs)} ms, ${r.cpu}${arrivalText(r.arrival, r.expected)}` }
}

const publishMeasure: Measure = {
  id: 'snsPublish',
  rows: [
    { key: 'delivered', label: `SNS: Publish 1 KiB, ${PUBLISHES_IN_FLIGHT} in flight, one SQS subscription, published and in the queue, shardline`, unit: 'messages/s', target: { op: '>=', value: 10_000 } },
    { key: 'acked', label: 'SNS: the same, acknowledged (delivery may lag), shardline', unit: 'messages/s', target: { op: '>=', value: 10_000 } },
    { key: 'raw', label: 'SNS: the same with RawMessageDelivery (no envelope to sign), in the queue, shardline', unit: 'messages/s' },
    { key: 'moto', label: 'SNS: Publish 1 KiB, one SQS subscription, in the queue, moto', unit: 'messages/s' }
  ],
  run: (server) => onTargets(server, PUBLISHES_IN_FLIGHT, ['moto'], async (t): Promise<TargetResult> => {
    const envelope = await publishOne(t, 'bench-publish', false)
    if (t.name === 'moto') return { values: { moto: envelope.delivered }, detail: envelope.detail }
    const raw = await publishOne(t, 'bench-publish-raw', true)
    return { values: { delivered: envelope.delivered, acked: envelope.acked, raw: raw.delivered }, detail: `${envelope.detail}\n      ${raw.detail}` }
  })
}

function batchEntries (b: number): PublishEntry[] {
  return Array.from({ length: BATCH }, (_, i) => ({ id: `m${i}`, message: body(b * BATCH + i) }))
}

const publishBatchMeasure: Measure = {
  id: 'snsPublishBatch',
  rows: [
    { key: 'shardline', label: `SNS: PublishBatch ${BATCH} x 1 KiB, ${BATCHES_IN_FLIGHT} in flight, fan-out to ${FANOUT_QUEUES} SQS queues, deliveries in the queues, shardline`, unit: 'deliveries/s', target: { op: '>=', value: 50_000 } },
    { key: 'moto', label: `SNS: PublishBatch ${BATCH} x 1 KiB, fan-out to ${FANOUT_QUEUES} SQS queues, moto`, unit: 'deliveries/s' }
  ],
  run: (server) => onTargets(server, BATCHES_IN_FLIGHT, ['moto'], async (t): Promise<TargetResult> => {
    const topic = await t.sns.createTopic('bench-fanout')
    const queues = await inParallel(FANOUT_QUEUES, FANOUT_QUEUES, (i) => makeQueue(t, `bench-fanout-${i}`))
    for (const q of queues) await t.sns.subscribe(topic, 'sqs', q.arn)
    const bodies = Array.from({ length: 16 }, (_, b) => t.sns.publishBatchBody(topic, batchEntries(b)))
    const call = (n: number): Promise<number> => t.sns.publishBatch(bodies[n % bodies.length]!)
    const r = await timedLoad(t, queues.map((q) => q.url), (published) => published, call, { concurrency: BATCHES_IN_FLIGHT, itemsPerCall: BATCH })
    const deliveries = rate(r.delivered, r.elapsedMs)
    return {
      values: { [t.name]: deliveries },
      detail: `${r.load.items} published in ${Math.round(r.load.elapsedMs)} ms (${fmt(rate(r.load.items, r.load.elapsedMs))} messages/s acknowledged), ${r.delivered} deliveries in the queues after ${Math.round(r.elapsedMs)} ms, ${r.cpu}${arrivalText(r.arrival, r.expected)}`
    }
  })
}

/** `samples` timings of `once`, one at a time, stopping early after `maxMs`. */
async function timings (samples: number, maxMs: number, once: () => Promise<number>): Promise<number[]> {
  const out: number[] = []
  const deadline = performance.now() + maxMs
  while (out.length < samples && performance.now() < deadline) out.push(await once())
  return out
}

function latencyValues (t: SnsTarget, latencies: number[]): TargetResult {
  const p50 = percentile(latencies, 50)
  const p99 = percentile(latencies, 99)
  const values: Record<string, number> = t.name === 'moto' ? { motoP50: p50, motoP99: p99 } : { p50, p99 }
  return { values, detail: `${latencies.length} samples, max ${Math.max(...latencies).toFixed(2)} ms (from the Publish's start, its own round trip included)` }
}

const queueLatencyMeasure: Measure = {
  id: 'snsQueueLatency',
  rows: [
    { key: 'p50', label: 'SNS: publish → a long-polling ReceiveMessage on a subscribed queue returns, p50, shardline', unit: 'ms', target: { op: '<=', value: 3 } },
    { key: 'p99', label: 'SNS: publish → long-poll ReceiveMessage returns, p99, shardline', unit: 'ms', target: { op: '<=', value: 15 } },
    { key: 'motoP50', label: 'SNS: publish → long-poll ReceiveMessage returns, p50, moto', unit: 'ms' },
    { key: 'motoP99', label: 'SNS: publish → long-poll ReceiveMessage returns, p99, moto', unit: 'ms' }
  ],
  run: (server) => onTargets(server, 2, ['motoP50', 'motoP99'], async (t): Promise<TargetResult> => {
    const queue = await makeQueue(t, 'bench-wake')
    const topic = await t.sns.createTopic('bench-wake')
    await t.sns.subscribe(topic, 'sqs', queue.arn)
    const receiveBody = t.sqs.receiveBody(queue.url, 1, 20)
    const publishBody = t.sns.publishBody(topic, body(0))
    const moto = t.name === 'moto'
    const latencies = await timings(moto ? MOTO_LATENCY_SAMPLES : LATENCY_SAMPLES, moto ? MOTO_LATENCY_MS : Infinity, async () => {
      const waiting = t.sqs.receive(receiveBody)
      // Long enough for the receive to reach the server and start waiting before the publish.
      await sleep(5)
      const started = performance.now()
      const [, got] = await Promise.all([t.sns.publish(publishBody), waiting.then((g) => ({ g, at: performance.now() }))])
      if (got.g.length !== 1) throw new Error(`the waiting receive returned ${got.g.length} messages`)
      await t.sqs.deleteBatch(queue.url, got.g)
      return got.at - started
    })
    return latencyValues(t, latencies)
  })
}

const httpLatencyMeasure: Measure = {
  id: 'snsHttpLatency',
  rows: [
    { key: 'p50', label: 'SNS: publish → an HTTP subscriber (in the bench process) receives the POST, p50, shardline', unit: 'ms', target: { op: '<=', value: 3 } },
    { key: 'p99', label: 'SNS: publish → the HTTP subscriber receives the POST, p99, shardline', unit: 'ms' },
    { key: 'motoP50', label: 'SNS: publish → the HTTP subscriber receives the POST, p50, moto', unit: 'ms' },
    { key: 'motoP99', label: 'SNS: publish → the HTTP subscriber receives the POST, p99, moto', unit: 'ms' }
  ],
  run: (server) => onTargets(server, 2, ['motoP50', 'motoP99'], async (t): Promise<TargetResult> => {
    const hook = await httpSubscriber()
    try {
      const topic = await t.sns.createTopic('bench-http')
      const subscription = await t.sns.subscribe(topic, 'http', hook.url)
      await awaitConfirmed(t, subscription)
      const publishBody = t.sns.publishBody(topic, body(0))
      const moto = t.name === 'moto'
      const latencies = await timings(moto ? MOTO_LATENCY_SAMPLES : LATENCY_SAMPLES, moto ? MOTO_LATENCY_MS : Infinity, async () => {
        const started = performance.now()
        // moto POSTs inside the Publish call, shardline after answering it: wait for both.
        const [id, note] = await Promise.all([t.sns.publish(publishBody), hook.next()])
        if ((JSON.parse(note.body) as { MessageId?: string }).MessageId !== id) throw new Error('the subscriber received another message than the one published')
        return note.at - started
      })
      return latencyValues(t, latencies)
    } finally {
      await hook.close()
    }
  })
}

/** Subscription k's filter: three keys and three operators, matching the messages for customer k. */
function filterPolicy (k: number): string {
  return JSON.stringify({ customer: [`c${k}`], kind: [{ prefix: 'ord' }], amount: [{ numeric: ['>=', 0, '<', 1e9] }] })
}

const filterMeasure: Measure = {
  id: 'snsFilter',
  rows: [
    { key: 'delivered', label: `SNS: ${FILTER_SUBSCRIPTIONS.toLocaleString('en-US')} SQS subscriptions with filter policies on one topic (raw), Publish 1 KiB x ${PUBLISHES_IN_FLIGHT} in flight, each message matching one: published and in its queue, shardline`, unit: 'messages/s', target: { op: '>=', value: 5_000 } },
    { key: 'acked', label: 'SNS: the same, acknowledged (delivery may lag), shardline', unit: 'messages/s' }
  ],
  // Not run on moto: making 1,000 queues and subscriptions there, and a load through them, would take minutes a run.
  run: (server) => onTargets(server, PUBLISHES_IN_FLIGHT, undefined, async (t): Promise<TargetResult> => {
    const topic = await t.sns.createTopic('bench-filter')
    const queues = await inParallel(FILTER_SUBSCRIPTIONS, 16, async (k) => {
      const q = await makeQueue(t, `bench-filter-${k}`)
      await t.sns.subscribe(topic, 'sqs', q.arn, { RawMessageDelivery: 'true', FilterPolicy: filterPolicy(k) })
      return q
    })
    const bodies = Array.from({ length: FILTER_SUBSCRIPTIONS }, (_, k) => t.sns.publishBody(topic, body(k), {
      customer: { type: 'String', value: `c${k}` },
      kind: { type: 'String', value: 'order' },
      amount: { type: 'Number', value: String(k * 7) }
    }))
    // Publish n is for customer n mod N: queue k gets every N-th message, starting with the k-th.
    const perQueue = (published: number, k: number): number => Math.floor(published / FILTER_SUBSCRIPTIONS) + (k < published % FILTER_SUBSCRIPTIONS ? 1 : 0)
    let next = 0
    const call = async (): Promise<number> => { await t.sns.publish(bodies[next++ % FILTER_SUBSCRIPTIONS]!); return 1 }
    const r = await timedLoad(t, queues.map((q) => q.url), perQueue, call, { concurrency: PUBLISHES_IN_FLIGHT, itemsPerCall: 1 })
    const acked = rate(r.load.items, r.load.elapsedMs)
    return {
      values: { delivered: rate(r.delivered, r.elapsedMs), acked },
      detail: `${r.load.items} published in ${Math.round(r.load.elapsedMs)} ms (${fmt(acked)}/s acknowledged), each in its queue (and none in the other ${FILTER_SUBSCRIPTIONS - 1}) after ${Math.round(r.elapsedMs)} ms, ${r.cpu}${arrivalText(r.arrival, r.expected)}`
    }
  })
}

export const SNS_MEASURES: readonly Measure[] = [publishMeasure, publishBatchMeasure, queueLatencyMeasure, httpLatencyMeasure, filterMeasure]
