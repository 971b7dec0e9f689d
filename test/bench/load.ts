/**
 * Closed-loop load: a fixed number of calls in flight, each worker issuing its next call
 * as soon as the last one answers, until a time or item budget is spent.
 */

export interface LoadOptions {
  /** Calls in flight. */
  readonly concurrency: number
  /** Stop issuing new calls after this long. */
  readonly durationMs: number
  /** Stop issuing new calls once this many items were issued. */
  readonly maxItems?: number
  /** Items each call carries (1 for PutRecord, 500 for a full PutRecords). */
  readonly itemsPerCall: number
  /** Makes call number `n` on worker `worker`; resolves to the items it stored. */
  readonly call: (n: number, worker: number) => Promise<number>
}

export interface LoadResult {
  readonly calls: number
  readonly items: number
  /** From the first call to the last answer, calls still in flight at the deadline included. */
  readonly elapsedMs: number
}

export async function runLoad (options: LoadOptions): Promise<LoadResult> {
  const maxItems = options.maxItems ?? Infinity
  const started = performance.now()
  const deadline = started + options.durationMs
  let issued = 0
  let items = 0
  const worker = async (w: number): Promise<void> => {
    while (performance.now() < deadline && issued * options.itemsPerCall < maxItems) {
      const n = issued++
      // Not `items += await ...`: that reads `items` before the await and loses other workers' counts.
      const stored = await options.call(n, w)
      items += stored
    }
  }
  await Promise.all(Array.from({ length: options.concurrency }, (_, w) => worker(w)))
  return { calls: issued, items, elapsedMs: performance.now() - started }
}

export function perSecond (result: LoadResult): number {
  return result.items / (result.elapsedMs / 1000)
}
