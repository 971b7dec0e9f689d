/**
 * The HTTP side of push deliveries: one POST with AWS's timeout and verdict, an abortable
 * sleep between retries, and the throttle a DeliveryPolicy's `maxReceivesPerSecond` sets.
 */

import { request as httpRequest } from 'node:http'
import { request as httpsRequest } from 'node:https'

const HTTP_TIMEOUT_MS = 15_000

export const sleep = (ms: number, signal: AbortSignal): Promise<void> => new Promise((resolve) => {
  if (signal.aborted) return resolve()
  const timer = setTimeout(resolve, ms)
  signal.addEventListener('abort', () => { clearTimeout(timer); resolve() }, { once: true })
})

/** The outcome of one attempt at an endpoint. */
export type Attempt = { ok: true } | { ok: false, code: string, message: string }

/**
 * AWS's headers on every push: its agent name and the encodings it accepts, and nothing
 * else beside the caller's (fetch would add accept, accept-language and sec-fetch-mode,
 * which AWS does not send and subscribers comparing headers see).
 */
const AGENT_HEADERS = { 'user-agent': 'Amazon Simple Notification Service Agent', 'accept-encoding': 'gzip,deflate' }

export function post (url: string, body: string, headers: Record<string, string>, signal: AbortSignal): Promise<Attempt> {
  return new Promise((resolve) => {
    const failed = (err: unknown): void => resolve({ ok: false, code: 'ConnectionFailure', message: err instanceof Error ? err.message : String(err) })
    let target: URL
    try {
      target = new URL(url)
    } catch (err) {
      failed(err)
      return
    }
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest
    const req = send(target, {
      method: 'POST',
      headers: { ...AGENT_HEADERS, ...headers, 'content-length': String(Buffer.byteLength(body)) },
      signal: AbortSignal.any([signal, AbortSignal.timeout(HTTP_TIMEOUT_MS)])
    }, (res) => {
      res.resume()
      const status = res.statusCode ?? 0
      // AWS: any status below 500 is a delivery (4xx are the endpoint's problem, not retried).
      // The status decides, once the answer is read or its connection ends.
      const verdict = (): void => resolve(status < 500 ? { ok: true } : { ok: false, code: `HTTP ${status}`, message: `The endpoint answered ${status}.` })
      res.on('end', verdict)
      res.on('close', verdict)
      res.on('error', failed)
    })
    req.on('error', failed)
    req.end(body)
  })
}

/**
 * At most `perSecond` POSTs in any second: the start times of the last `perSecond`
 * attempts are kept, and the next one waits until the oldest is a second old. Retries
 * count, as they reach the endpoint too.
 */
export class Throttle {
  private readonly starts: number[] = []

  constructor (readonly perSecond: number) {}

  async take (signal: AbortSignal): Promise<void> {
    if (this.starts.length >= this.perSecond) {
      const wait = this.starts[0]! + 1000 - Date.now()
      if (wait > 0) await sleep(wait, signal)
      this.starts.shift()
    }
    this.starts.push(Date.now())
  }
}
