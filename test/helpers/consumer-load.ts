/**
 * Steady writes for the consumer tests, and the checks made on what the workers handled:
 * records missed, records handled more than once, per-key order.
 */
import type { LeaseClient, StreamClient } from '../../client/index.js'
import type { Worker } from './consumer-group.js'

/** Writes `perTick` records every `intervalMs`, over `keys` partition keys, data `key:n`. */
export class SteadyWriter {
  readonly written: string[] = []
  #next = new Map<string, number>()
  #timer: NodeJS.Timeout | undefined
  #inFlight: Promise<void> = Promise.resolve()
  failures = 0

  constructor (private readonly client: StreamClient, private readonly stream: string, private readonly keys = 64) {}

  start (intervalMs = 100, perTick = 16): void {
    let round = 0
    this.#timer = setInterval(() => {
      const records = Array.from({ length: perTick }, (_, i) => {
        const key = `k${(round * perTick + i) % this.keys}`
        const n = this.#next.get(key) ?? 0
        this.#next.set(key, n + 1)
        return { partitionKey: key, data: `${key}:${n}` }
      })
      round++
      // One call at a time keeps each key's records in write order.
      this.#inFlight = this.#inFlight.then(async () => {
        const answer = await this.client.putRecords({ streamName: this.stream, records })
        // Well under the per-shard write limits: a failed record is a test failure, not a retry.
        if (answer.failedRecordCount > 0) throw new Error(`${answer.failedRecordCount} records failed`)
        this.written.push(...records.map((r) => r.data))
      }).catch(() => { this.failures++ })
    }, intervalMs)
  }

  async stop (): Promise<void> {
    clearInterval(this.#timer)
    await this.#inFlight
  }
}

export interface Handled { worker: string, shard: string, seq: string, key: string, data: string, at: number }

export function allHandled (workers: Worker[]): Handled[] {
  return workers.flatMap((w) => w.records().map((r) => ({ worker: w.id, ...r })))
}

/** Resolves once every written record was handled by some worker. */
export async function waitForAll (workers: Worker[], written: string[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const seen = new Set(allHandled(workers).map((h) => h.data))
    const missing = written.filter((d) => !seen.has(d))
    if (missing.length === 0) return
    if (Date.now() > deadline) throw new Error(`${missing.length} of ${written.length} records never handled, e.g. ${missing.slice(0, 5).join(', ')}`)
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
}

/** Records handled more than once, with every handling. */
export function duplicates (handled: Handled[]): Map<string, Handled[]> {
  const byData = new Map<string, Handled[]>()
  for (const h of handled) {
    const list = byData.get(h.data)
    if (list === undefined) byData.set(h.data, [h])
    else list.push(h)
  }
  for (const [data, list] of byData) if (list.length < 2) byData.delete(data)
  return byData
}

/**
 * Keys whose records were first handled out of write order (n before n-1), judged by the
 * handling time of each record's first delivery: across shards of a reshard too.
 */
export function orderViolations (handled: Handled[]): string[] {
  const first = new Map<string, number>()
  for (const h of handled) {
    const at = first.get(h.data)
    if (at === undefined || h.at < at) first.set(h.data, h.at)
  }
  const byKey = new Map<string, Array<{ n: number, at: number }>>()
  for (const [data, at] of first) {
    const [key, n] = data.split(':') as [string, string]
    const list = byKey.get(key) ?? []
    list.push({ n: Number(n), at })
    byKey.set(key, list)
  }
  const violations: string[] = []
  for (const [key, list] of byKey) {
    list.sort((a, b) => a.n - b.n)
    for (let i = 1; i < list.length; i++) {
      if (list[i]!.at < list[i - 1]!.at) violations.push(`${key}:${list[i]!.n} handled before ${key}:${list[i - 1]!.n}`)
    }
  }
  return violations
}

/** Shard id -> owner ('' when free or expired) of the processable shard leases, read from the server. */
export async function shardOwners (leases: LeaseClient, application: string): Promise<Map<string, string>> {
  const { leases: all, serverTimeMs } = await leases.listLeases({ leaseTable: application })
  const owners = new Map<string, string>()
  for (const lease of all) {
    if (lease.leaseKey.startsWith('__worker__.') || lease.checkpoint === 'SHARD_END') continue
    owners.set(lease.leaseKey, lease.leaseOwner !== '' && lease.expiresAt > serverTimeMs ? lease.leaseOwner : '')
  }
  return owners
}

export function countsOf (owners: Map<string, string>): Map<string, number> {
  const counts = new Map<string, number>()
  for (const owner of owners.values()) counts.set(owner, (counts.get(owner) ?? 0) + 1)
  return counts
}

/** Resolves (with the owners) once each of `workers` holds ⌊n/w⌋ or ⌈n/w⌉ of the n shards and none is free. */
export async function waitForBalance (leases: LeaseClient, application: string, workers: string[], shards: number, timeoutMs: number): Promise<Map<string, string>> {
  const deadline = Date.now() + timeoutMs
  const min = Math.floor(shards / workers.length)
  const max = Math.ceil(shards / workers.length)
  let last = new Map<string, string>()
  for (;;) {
    last = await shardOwners(leases, application)
    const counts = countsOf(last)
    const balanced = last.size === shards && [...counts.keys()].every((o) => workers.includes(o)) &&
      workers.every((w) => { const c = counts.get(w) ?? 0; return c >= min && c <= max })
    if (balanced) return last
    if (Date.now() > deadline) throw new Error(`not balanced within ${timeoutMs} ms: ${JSON.stringify([...countsOf(last)])}`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}
