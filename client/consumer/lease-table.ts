/**
 * This worker's view of the lease table, kept current by WatchLeases: a snapshot first, then
 * every change as it commits, so takers react to a released or expired lease at once instead
 * of polling. The stream reconnects (with a fresh snapshot) after failures, and a stream that
 * stays silent past the server's heartbeat interval is taken for dead.
 */
import { ServerClock, sleep, type Lease, type LeaseApi, type LeaseChange } from './lease-api.js'

/** The server sends a heartbeat every 5 s on a quiet table. */
const SILENCE_LIMIT_MS = 15_000
const MAX_RECONNECT_DELAY_MS = 2000

export interface LeaseTableViewOptions {
  api: LeaseApi
  table: string
  clock: ServerClock
  /** Called after every applied change (and after each snapshot). */
  onChange: (change: LeaseChange | undefined) => void
  onError: (error: Error) => void
}

export class LeaseTableView {
  readonly leases = new Map<string, Lease>()
  readonly #options: LeaseTableViewOptions
  /** When each lease last changed hands, as far as this view saw: stealing prefers long-held leases. */
  readonly #ownerSince = new Map<string, number>()
  #stopped = false
  #cancel: (() => void) | undefined
  #loop: Promise<void> | undefined

  constructor (options: LeaseTableViewOptions) {
    this.#options = options
  }

  /** Resolves once the first snapshot is in. */
  start (): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#loop = this.#run(resolve, reject)
    })
  }

  async stop (): Promise<void> {
    this.#stopped = true
    this.#cancel?.()
    await this.#loop
  }

  ownerSince (leaseKey: string): number {
    return this.#ownerSince.get(leaseKey) ?? 0
  }

  /** Applies a lease this worker just wrote, so its view does not wait for the echo. */
  apply (lease: Lease): void {
    const known = this.leases.get(lease.leaseKey)
    if (known !== undefined && known.leaseCounter > lease.leaseCounter) return
    if (known === undefined || known.leaseOwner !== lease.leaseOwner) this.#ownerSince.set(lease.leaseKey, performance.now())
    this.leases.set(lease.leaseKey, lease)
  }

  #remove (lease: Lease): void {
    const known = this.leases.get(lease.leaseKey)
    if (known !== undefined && known.leaseCounter > lease.leaseCounter) return
    this.leases.delete(lease.leaseKey)
    this.#ownerSince.delete(lease.leaseKey)
  }

  async #run (ready: () => void, failed: (error: Error) => void): Promise<void> {
    let synced = false
    let delay = 100
    while (!this.#stopped) {
      const snapshot = new Map<string, Lease>()
      let inSnapshot = true
      const watch = this.#options.api.watchLeases({ leaseTable: this.#options.table, sendInitial: true })
      this.#cancel = () => watch.cancel()
      let lastMessage = performance.now()
      const watchdog = setInterval(() => {
        if (performance.now() - lastMessage > SILENCE_LIMIT_MS) watch.cancel()
      }, 1000)
      watchdog.unref()
      try {
        for await (const change of watch) {
          lastMessage = performance.now()
          delay = 100
          this.#options.clock.observe(change.serverTimeMs)
          if (change.type === 'SNAPSHOT') {
            if (change.lease !== undefined) snapshot.set(change.lease.leaseKey, change.lease)
            continue
          }
          if (change.type === 'SYNCED') {
            inSnapshot = false
            this.leases.clear()
            for (const lease of snapshot.values()) this.apply(lease)
            if (!synced) {
              synced = true
              ready()
            }
            this.#options.onChange(undefined)
            continue
          }
          if (inSnapshot) continue
          if (change.lease !== undefined) {
            if (change.type === 'DELETED') this.#remove(change.lease)
            else this.apply(change.lease)
          }
          this.#options.onChange(change)
        }
      } catch (err) {
        if (this.#stopped) break
        const error = err instanceof Error ? err : new Error(String(err))
        if (!synced && !isRetriableError(err)) {
          failed(error)
          return
        }
        this.#options.onError(error)
      } finally {
        clearInterval(watchdog)
      }
      if (this.#stopped) break
      await sleep(delay)
      delay = Math.min(delay * 2, MAX_RECONNECT_DELAY_MS)
    }
    if (!synced) failed(new Error(`stopped before the lease table ${this.#options.table} was read`))
  }
}

function isRetriableError (err: unknown): boolean {
  return err !== null && typeof err === 'object' && (err as { retriable?: unknown }).retriable === true
}
