/**
 * What the SNS measures share: the servers they drive (shardline, then moto's server in a
 * process of its own where `moto_server` is installed: one server serves both its SNS and
 * its SQS), counting deliveries where they arrive (the subscribed queues), and an HTTP
 * subscriber in this process that confirms through SubscribeURL.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import type { RunResult } from './measures.js'
import type { ServerProcess } from './server-process.js'
import { SnsQuery } from './sns-lean.js'
import { SqsJson } from './sqs-lean.js'
import { MOTO } from './sqs-peers.js'

/**
 * SHARDLINE_BENCH_SMALL=1 shrinks every SNS load (durations, counts, subscriptions) to
 * check the measures work; its figures mean nothing.
 */
export const SMALL = process.env.SHARDLINE_BENCH_SMALL === '1'

export interface SnsTarget {
  readonly name: 'shardline' | 'moto'
  readonly sns: SnsQuery
  readonly sqs: SqsJson
  readonly pid: number
}

/** A run's figures on one target, keyed by row. */
export interface TargetResult {
  readonly values: Record<string, number>
  readonly detail: string
}

/**
 * Runs `body` on shardline, then (when `motoKeys` is given and moto is installed) on a
 * fresh moto server. A moto failure or absence is logged and its rows are NaN; a
 * shardline failure fails the run.
 */
export async function onTargets (server: ServerProcess, sockets: number, motoKeys: readonly string[] | undefined, body: (target: SnsTarget) => Promise<TargetResult>): Promise<RunResult> {
  const values: Record<string, number> = {}
  const details: string[] = []
  const shardline: SnsTarget = { name: 'shardline', sns: new SnsQuery(server.httpEndpoint, sockets), sqs: new SqsJson(server.httpEndpoint, sockets), pid: server.pid }
  try {
    const result = await body(shardline)
    Object.assign(values, result.values)
    details.push(`shardline ${result.detail}`)
  } finally {
    shardline.sns.close()
    shardline.sqs.close()
  }
  if (motoKeys !== undefined) {
    const failed = (why: string): void => {
      for (const key of motoKeys) values[key] = Number.NaN
      details.push(`moto ${why}`)
    }
    const why = MOTO.unavailable()
    if (why !== undefined) failed(`skipped: ${why}`)
    else {
      const peer = await MOTO.start()
      const moto: SnsTarget = { name: 'moto', sns: new SnsQuery(peer.endpoint, sockets), sqs: new SqsJson(peer.endpoint, sockets), pid: peer.pid }
      try {
        const result = await body(moto)
        Object.assign(values, result.values)
        details.push(`moto ${result.detail}`)
      } catch (err) {
        failed(`FAILED: ${(err as Error).message.slice(0, 300)}`)
      } finally {
        moto.sns.close()
        moto.sqs.close()
        await peer.stop()
      }
    }
  }
  return { values, detail: details.join('\n    ') }
}

export interface BenchQueue {
  readonly url: string
  readonly arn: string
}

export async function makeQueue (target: SnsTarget, name: string): Promise<BenchQueue> {
  const url = await target.sqs.createQueue(name, {})
  const { QueueArn: arn } = await target.sqs.attributes(url, ['QueueArn'])
  if (arn === undefined) throw new Error(`GetQueueAttributes gave ${name} no QueueArn`)
  return { url, arn }
}

/** Runs `make` for 0..n-1, `parallel` at a time, in order of the results. */
export async function inParallel<T> (n: number, parallel: number, make: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = new Array<T>(n)
  let next = 0
  await Promise.all(Array.from({ length: Math.min(parallel, n) }, async () => {
    while (next < n) {
      const i = next++
      out[i] = await make(i)
    }
  }))
  return out
}

export interface Arrival {
  /** Messages counted in the queues (at most what was expected of each). */
  readonly arrived: number
  /** performance.now() when the last queue reached its expected count, or when the wait gave up. */
  readonly at: number
  readonly complete: boolean
}

/**
 * Waits until each queue holds `expected` visible messages (ApproximateNumberOfMessages;
 * nothing receives from them), re-reading only the queues not full yet, up to
 * `timeoutMs`. More than expected is a duplicate delivery and fails the run.
 */
export async function awaitArrivals (target: SnsTarget, queues: ReadonlyArray<{ readonly url: string, readonly expected: number }>, timeoutMs: number): Promise<Arrival> {
  const deadline = performance.now() + timeoutMs
  let pending = [...queues]
  let arrived = 0
  let at = performance.now()
  for (;;) {
    const counts = await inParallel(pending.length, 8, async (i) => Number((await target.sqs.attributes(pending[i]!.url, ['ApproximateNumberOfMessages'])).ApproximateNumberOfMessages ?? 0))
    const now = performance.now()
    const still: typeof pending = []
    let partial = 0
    pending.forEach((q, i) => {
      const count = counts[i]!
      if (count > q.expected) throw new Error(`${q.url} holds ${count} messages, ${q.expected} were published to it: a duplicate delivery`)
      if (count === q.expected) {
        arrived += count
        at = now
      } else {
        still.push(q)
        partial += count
      }
    })
    pending = still
    if (pending.length === 0) return { arrived, at, complete: true }
    if (now > deadline) return { arrived: arrived + partial, at: now, complete: false }
    // Each sweep is a request per queue still short: rarer sweeps when many are, so counting does not load the server it waits for.
    await sleep(pending.length > 16 ? 100 : 5)
  }
}

export interface HttpSubscriber {
  readonly url: string
  /** Resolves with the next Notification POSTed (not yet taken), and when it arrived. */
  next (): Promise<{ body: string, headers: IncomingHttpHeaders, at: number }>
  close (): Promise<void>
}

/**
 * An HTTP endpoint in this process: it answers every POST 200, confirms a subscription by
 * a GET on the SubscriptionConfirmation's SubscribeURL, and queues Notifications for `next`.
 */
export async function httpSubscriber (): Promise<HttpSubscriber> {
  const arrived: Array<{ body: string, headers: IncomingHttpHeaders, at: number }> = []
  const waiting: Array<(n: { body: string, headers: IncomingHttpHeaders, at: number }) => void> = []
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const at = performance.now()
      res.end()
      const body = Buffer.concat(chunks).toString('utf8')
      const parsed = JSON.parse(body) as { Type?: string, SubscribeURL?: string }
      if (parsed.Type === 'SubscriptionConfirmation') {
        void fetch(parsed.SubscribeURL!).then(async (r) => { await r.arrayBuffer() }, () => {})
        return
      }
      const note = { body, headers: req.headers, at }
      const resolve = waiting.shift()
      if (resolve !== undefined) resolve(note)
      else arrived.push(note)
    })
  })
  server.keepAliveTimeout = 60_000
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/bench`,
    next: () => {
      const ready = arrived.shift()
      return ready !== undefined ? Promise.resolve(ready) : new Promise((resolve) => waiting.push(resolve))
    },
    close: () => new Promise((resolve) => {
      server.closeAllConnections()
      server.close(() => resolve())
    })
  }
}

/** Waits until the subscription is confirmed (moto confirms at once; shardline once the subscriber's GET arrived). */
export async function awaitConfirmed (target: SnsTarget, subscriptionArn: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while ((await target.sns.subscriptionAttributes(subscriptionArn)).PendingConfirmation === 'true') {
    if (Date.now() > deadline) throw new Error(`${subscriptionArn} was not confirmed within ${timeoutMs} ms`)
    await sleep(10)
  }
}
