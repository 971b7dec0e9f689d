/**
 * One lease table: its leases in memory (loaded from the store on first use), writes as
 * compare-and-set on lease_counter, change notifications in commit order, and expiry
 * detection for watchers.
 *
 * Writes to a table run one at a time, each finished (durable) before the next reads the
 * counter, so concurrent writers with the same expected counter cannot both win. Memory
 * changes and notifications happen only after the store has acknowledged the write: a
 * watcher or reader never sees a lease that a crash could take back.
 */
import type { Clock } from '../clock.js'
import { ServiceError } from '../errors.js'
import type { Store } from '../storage/store.js'
import { applyUpdate, newLease, type Lease, type LeaseUpdate, type NewLease } from './lease-model.js'

export type LeaseChangeType = 'CREATED' | 'UPDATED' | 'DELETED' | 'EXPIRED'

export interface LeaseChange {
  readonly type: LeaseChangeType
  /** The lease after the change (before it, for DELETED). */
  readonly lease: Lease
  readonly serverTimeMs: number
}

export type LeaseListener = (change: LeaseChange) => void

/**
 * The expiry timer never sleeps longer than this, so a clock that jumps (an injected test
 * clock, an NTP step) is noticed within this long.
 */
const EXPIRY_RECHECK_MS = 250

/** A LEASE_COUNTER_MISMATCH that carries the lease as it is now. */
export class LeaseCounterMismatch extends ServiceError {
  constructor (readonly current: Lease, expected: number) {
    super('LEASE_COUNTER_MISMATCH', `Lease ${current.key} in table ${current.table} has lease_counter ${current.counter}, not the expected ${expected}; read the current lease (it travels with this error) and retry with its counter.`)
  }
}

function notFound (table: string, key: string): ServiceError {
  return new ServiceError('LEASE_NOT_FOUND', `Lease table ${table} has no lease with key ${key}.`)
}

export class LeaseTable {
  private leases: Map<string, Lease> | undefined
  private loading: Promise<Map<string, Lease>> | undefined
  /** The tail of the queue of writes; see `exclusive`. */
  private tail: Promise<unknown> = Promise.resolve()
  private readonly listeners = new Set<LeaseListener>()
  /** The expires_at already reported as EXPIRED, per lease key: each expiry is reported once. */
  private readonly reported = new Map<string, number>()
  private timer: NodeJS.Timeout | undefined
  private closed = false

  /**
   * `name` is the table's name as clients give it; `storageName` the scoped name its
   * leases are stored under (lease-registry.ts).
   */
  constructor (readonly name: string, private readonly storageName: string, private readonly store: Store, private readonly clock: Clock) {}

  async createIfAbsent (input: NewLease): Promise<{ lease: Lease, created: boolean }> {
    return await this.exclusive(async (leases) => {
      const existing = leases.get(input.key)
      if (existing !== undefined) return { lease: existing, created: false }
      const lease = newLease(this.name, input, this.clock())
      await this.write(lease.key, 0, lease)
      leases.set(lease.key, lease)
      this.emit('CREATED', lease)
      return { lease, created: true }
    })
  }

  async update (key: string, expectedCounter: number, update: LeaseUpdate): Promise<Lease> {
    return await this.exclusive(async (leases) => {
      const current = this.expect(leases, key, expectedCounter)
      const lease = applyUpdate(current, update, this.clock())
      await this.write(key, current.counter, lease)
      leases.set(key, lease)
      this.emit('UPDATED', lease)
      return lease
    })
  }

  async delete (key: string, expectedCounter: number): Promise<Lease> {
    return await this.exclusive(async (leases) => {
      const current = this.expect(leases, key, expectedCounter)
      await this.write(key, current.counter, null)
      leases.delete(key)
      this.reported.delete(key)
      this.emit('DELETED', current)
      return current
    })
  }

  /** Leases in lease_key order; with `owner`, only those it holds ('' selects unowned ones). */
  async list (owner?: string): Promise<Lease[]> {
    const leases = [...(await this.load()).values()]
    return sortByKey(owner === undefined ? leases : leases.filter((l) => l.owner === owner))
  }

  /**
   * Starts listening. The snapshot and the listener are taken in the same synchronous step,
   * so every change after the snapshot reaches the listener and none before it does.
   */
  async watch (listener: LeaseListener): Promise<{ snapshot: Lease[], stop: () => void }> {
    const leases = await this.load()
    if (this.closed) throw shuttingDown()
    this.listeners.add(listener)
    this.rearm()
    return {
      snapshot: sortByKey([...leases.values()]),
      stop: () => {
        this.listeners.delete(listener)
        this.rearm()
      }
    }
  }

  /** Stops the expiry timer; listeners are ended by their owners. */
  close (): void {
    this.closed = true
    if (this.timer !== undefined) clearTimeout(this.timer)
    this.timer = undefined
  }

  private expect (leases: Map<string, Lease>, key: string, expectedCounter: number): Lease {
    const current = leases.get(key)
    if (current === undefined) throw notFound(this.name, key)
    if (current.counter !== expectedCounter) throw new LeaseCounterMismatch(current, expectedCounter)
    return current
  }

  private async write (key: string, expectedRevision: number, next: Lease | null): Promise<void> {
    const outcome = await this.store.compareAndSetLease<Lease>(this.storageName, key, expectedRevision, next === null ? null : { revision: next.counter, value: next })
    // Only this table writes these keys, one write at a time, so the store always agrees
    // with memory; a backend shared by several servers would not, and this is where the
    // disagreement would show.
    if (!outcome.ok) throw new Error(`lease ${key} in table ${this.name} changed in storage behind this server's back (stored revision ${outcome.current?.revision ?? 0}, expected ${expectedRevision})`)
  }

  private emit (type: LeaseChangeType, lease: Lease): void {
    const change: LeaseChange = { type, lease, serverTimeMs: this.clock() }
    for (const listener of this.listeners) listener(change)
    this.rearm()
  }

  /**
   * Runs `fn` after every earlier write of this table has finished. A failed write does not
   * block later ones (the store refuses writes after a failed one anyway).
   */
  private exclusive<R> (fn: (leases: Map<string, Lease>) => Promise<R>): Promise<R> {
    if (this.closed) return Promise.reject(shuttingDown())
    const run = this.tail.then(async () => fn(await this.load()))
    this.tail = run.catch(() => {})
    return run
  }

  /** The leases as last loaded, without reading storage; none before the table is first used. */
  cached (): Iterable<Lease> {
    return this.leases?.values() ?? []
  }

  private load (): Promise<Map<string, Lease>> {
    if (this.leases !== undefined) return Promise.resolve(this.leases)
    this.loading ??= this.store.listLeases<Lease>(this.storageName).then((entries) => {
      this.leases = new Map(entries.map((e) => [e.value.key, e.value]))
      return this.leases
    }, (err: unknown) => {
      this.loading = undefined
      throw err
    })
    return this.loading
  }

  /** One timer per table, on the earliest expiry not yet reported, while anyone watches. */
  private rearm (): void {
    if (this.timer !== undefined) clearTimeout(this.timer)
    this.timer = undefined
    if (this.closed || this.listeners.size === 0 || this.leases === undefined) return
    let earliest = Infinity
    for (const lease of this.leases.values()) {
      if (this.expiryPending(lease) && lease.expiresAt < earliest) earliest = lease.expiresAt
    }
    if (earliest === Infinity) return
    const delay = Math.min(Math.max(0, earliest - this.clock()), EXPIRY_RECHECK_MS)
    this.timer = setTimeout(() => this.reportExpired(), delay)
    this.timer.unref()
  }

  private expiryPending (lease: Lease): boolean {
    return lease.owner !== '' && lease.expiresAt > 0 && this.reported.get(lease.key) !== lease.expiresAt
  }

  private reportExpired (): void {
    this.timer = undefined
    const now = this.clock()
    const expired: Lease[] = []
    for (const lease of this.leases?.values() ?? []) {
      if (this.expiryPending(lease) && lease.expiresAt <= now) expired.push(lease)
    }
    for (const lease of sortByKey(expired)) {
      this.reported.set(lease.key, lease.expiresAt)
      const change: LeaseChange = { type: 'EXPIRED', lease, serverTimeMs: now }
      for (const listener of this.listeners) listener(change)
    }
    this.rearm()
  }
}

function sortByKey (leases: Lease[]): Lease[] {
  return leases.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
}

export function shuttingDown (): ServiceError {
  return new ServiceError('SHUTTING_DOWN', 'The server is shutting down; watch again once it is back.')
}
