/**
 * The HTTP side of push deliveries: one POST with AWS's timeout and verdict, an abortable
 * sleep between retries, and the throttle a DeliveryPolicy's `maxReceivesPerSecond` sets.
 */

const HTTP_TIMEOUT_MS = 15_000

export const sleep = (ms: number, signal: AbortSignal): Promise<void> => new Promise((resolve) => {
  if (signal.aborted) return resolve()
  const timer = setTimeout(resolve, ms)
  signal.addEventListener('abort', () => { clearTimeout(timer); resolve() }, { once: true })
})

/** The outcome of one attempt at an endpoint. */
export type Attempt = { ok: true } | { ok: false, code: string, message: string }

export async function post (url: string, body: string, headers: Record<string, string>, signal: AbortSignal): Promise<Attempt> {
  try {
    const response = await fetch(url, { method: 'POST', body, headers, signal: AbortSignal.any([signal, AbortSignal.timeout(HTTP_TIMEOUT_MS)]) })
    await response.arrayBuffer().catch(() => undefined)
    // AWS: any status below 500 is a delivery (4xx are the endpoint's problem, not retried).
    if (response.status < 500) return { ok: true }
    return { ok: false, code: `HTTP ${response.status}`, message: `The endpoint answered ${response.status}.` }
  } catch (err) {
    return { ok: false, code: 'ConnectionFailure', message: err instanceof Error ? err.message : String(err) }
  }
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
