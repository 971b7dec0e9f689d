/**
 * The lease protocol of one worker: presence in the group, renewals, taking and stealing
 * leases, and one ShardProcessor per held shard.
 *
 * Balancing runs on every change the lease table reports (so a released or expired lease is
 * taken at once) and on a timer a third of a lease duration long, which is also when leases
 * are renewed and checked for expiry.
 */
import type { StreamClient } from '../stream-client.js'
import type { ChildShard } from '../types.js'
import { planBalance } from './balancer.js'
import type { EachBatch } from './batch.js'
import type { ConsumerEmitter } from './events.js'
import { HeldLease, type LostReason } from './held-lease.js'
import { isOwned, isPresenceKey, leaseCounterMismatch, PRESENCE_PREFIX, ServerClock, type Lease, type LeaseApi } from './lease-api.js'
import { LeaseTableView } from './lease-table.js'
import type { ResolvedOptions } from './options.js'
import type { RecordSource } from './record-sources.js'
import { createChildLeases, syncShardLeases } from './shard-syncer.js'
import { ShardProcessor } from './shard-processor.js'

/** Shards appear by resharding; their parents' processors create their leases, this is the safety net. */
const SYNC_INTERVAL_MS = 30_000
/** Coalesces the burst of changes one event causes into one balancing pass. */
const REBALANCE_DEBOUNCE_MS = 10
/**
 * Stealing waits until the group's membership has been steady this long (at most a third of
 * a lease duration), so workers started together all count each other first: a lease then
 * moves once, not first to the earliest joiner and again to a later one.
 */
const SETTLE_MS = 1000

export interface CoordinatorOptions {
  options: ResolvedOptions
  streams: StreamClient
  api: LeaseApi
  emitter: ConsumerEmitter
  handler: EachBatch
  sourceFor: (shardId: string) => RecordSource
}

interface Running {
  held: HeldLease
  processor: ShardProcessor
}

export class LeaseCoordinator {
  readonly #o: CoordinatorOptions
  readonly #clock = new ServerClock()
  readonly #view: LeaseTableView
  readonly #running = new Map<string, Running>()
  #presence: HeldLease | undefined
  #timer: NodeJS.Timeout | undefined
  #stopping = false
  #balancing = false
  #again = false
  #debounce: NodeJS.Timeout | undefined
  #lastSync = 0
  /** The live workers as last seen, and since when. */
  #membership = ''
  #membershipSince = 0
  #started: Promise<void> | undefined
  #synced = false
  /** Leases with a take in flight, so overlapping passes do not race themselves. */
  readonly #taking = new Set<string>()
  #graceTimer: NodeJS.Timeout | undefined

  constructor (o: CoordinatorOptions) {
    this.#o = o
    this.#view = new LeaseTableView({
      api: o.api,
      table: o.options.application,
      clock: this.#clock,
      onChange: (change) => {
        const lease = change?.lease
        if (lease !== undefined) this.#running.get(lease.leaseKey)?.held.observe(lease)
        this.#schedule()
      },
      onError: (error) => o.emitter.emit('error', { error })
    })
  }

  get workerId (): string { return this.#o.options.workerId }

  /** Shards this worker processes now. */
  heldShards (): string[] {
    return [...this.#running.keys()].sort()
  }

  start (): Promise<void> {
    this.#started ??= this.#start()
    return this.#started
  }

  async #start (): Promise<void> {
    await this.#view.start()
    this.#synced = true
    if (this.#stopping) return
    await this.#joinGroup()
    if (this.#stopping) return
    await this.#sync()
    if (this.#stopping) return
    const interval = Math.max(50, Math.floor(this.#o.options.leaseDurationMs / 3))
    this.#timer = setInterval(() => this.#tick(), interval)
    this.#schedule()
  }

  /** Finishes the batches in hand, checkpoints, releases every lease, and leaves the group. */
  async stop (): Promise<void> {
    if (this.#stopping) return
    this.#stopping = true
    // Synchronously, so that no processor takes another batch from here on (the async
    // iterator relies on it to drop the batches it has queued).
    const running = [...this.#running.values()]
    for (const { processor } of running) processor.halt()
    // A start still waiting for the table's snapshot gives up; one further on is let finish,
    // so that what it created (the presence lease) is cleaned up below.
    if (!this.#synced) await this.#view.stop()
    await this.#started?.catch(() => {})
    clearInterval(this.#timer)
    clearTimeout(this.#debounce)
    clearTimeout(this.#graceTimer)
    // Leaving the group first makes the others count one worker less, so they take the
    // released leases at once instead of waiting for a share that would include this worker.
    const presence = this.#presence
    await Promise.allSettled([
      presence?.release().then(() => this.#o.api.deleteLease({ leaseTable: this.#o.options.application, leaseKey: presence.shardId, expectedLeaseCounter: presence.lease.leaseCounter })),
      ...running.map(({ processor }) => processor.stop().catch((error: unknown) => {
        this.#o.emitter.emit('error', { error: error instanceof Error ? error : new Error(String(error)), shardId: processor.shardId })
      }))
    ])
    await this.#view.stop()
  }

  #presenceKey (): string {
    return PRESENCE_PREFIX + this.workerId
  }

  #heldOptions () {
    const { options } = this.#o
    return {
      api: this.#o.api,
      clock: this.#clock,
      workerId: options.workerId,
      leaseDurationMs: options.leaseDurationMs,
      onWrite: (lease: Lease) => this.#view.apply(lease)
    }
  }

  async #joinGroup (): Promise<void> {
    const { options, api } = this.#o
    const key = this.#presenceKey()
    const { lease, created, serverTimeMs } = await api.createLeaseIfAbsent({
      leaseTable: options.application, leaseKey: key, leaseOwner: options.workerId, leaseDurationMs: options.leaseDurationMs
    })
    this.#clock.observe(serverTimeMs)
    this.#view.apply(lease)
    let current = lease
    if (!created) {
      // A restarted worker with the same id finds its old presence lease: take it back.
      const taken = await api.updateLease({
        leaseTable: options.application, leaseKey: key, expectedLeaseCounter: lease.leaseCounter, leaseOwner: options.workerId, leaseDurationMs: options.leaseDurationMs
      })
      this.#clock.observe(taken.serverTimeMs)
      this.#view.apply(taken.lease)
      current = taken.lease
    }
    this.#presence = new HeldLease(current, {
      ...this.#heldOptions(),
      onLost: () => {
        this.#presence = undefined
        if (!this.#stopping) void this.#joinGroup().catch((error: unknown) => this.#reportError(error))
      }
    })
  }

  async #sync (): Promise<void> {
    this.#lastSync = performance.now()
    const { options } = this.#o
    await syncShardLeases({
      streams: this.#o.streams,
      api: this.#o.api,
      clock: this.#clock,
      stream: options.stream,
      table: options.application,
      initialPosition: options.initialPosition,
      known: this.#view.leases,
      onCreated: (lease) => this.#view.apply(lease)
    })
  }

  #tick (): void {
    if (this.#stopping) return
    const renewals: Array<Promise<void>> = []
    if (this.#presence !== undefined && this.#presence.isValid()) renewals.push(this.#presence.renew())
    for (const { held } of this.#running.values()) {
      // isValid fences a lease whose renewals failed for a whole lease duration.
      if (held.isValid()) renewals.push(held.renew())
    }
    for (const renewal of renewals) {
      renewal.catch((error: unknown) => {
        if ((error as { code?: unknown }).code !== 'LEASE_LOST') this.#reportError(error)
      })
    }
    this.#forgetDeparted()
    if (performance.now() - this.#lastSync >= SYNC_INTERVAL_MS) {
      void this.#sync().catch((error: unknown) => this.#reportError(error))
    }
    this.#schedule()
  }

  /**
   * Presence leases of workers that crashed stay in the table; once dead for a lease duration
   * they are deleted (compare-and-set, so a worker that came back in the meantime keeps its own).
   */
  #forgetDeparted (): void {
    const { options, api } = this.#o
    const deadBefore = this.#clock.now() - options.leaseDurationMs
    for (const lease of this.#view.leases.values()) {
      if (!isPresenceKey(lease.leaseKey) || lease.leaseKey === this.#presenceKey()) continue
      if (lease.leaseOwner !== '' && lease.expiresAt >= deadBefore) continue
      void api.deleteLease({ leaseTable: options.application, leaseKey: lease.leaseKey, expectedLeaseCounter: lease.leaseCounter }).catch(() => {})
    }
  }

  #liveWorkers (now: number): string {
    const live: string[] = []
    for (const lease of this.#view.leases.values()) {
      if (isPresenceKey(lease.leaseKey) && isOwned(lease, now)) live.push(lease.leaseOwner)
    }
    return live.sort().join('\n')
  }

  #reportError (error: unknown): void {
    this.#o.emitter.emit('error', { error: error instanceof Error ? error : new Error(String(error)) })
  }

  #schedule (): void {
    if (this.#stopping || this.#debounce !== undefined) return
    this.#debounce = setTimeout(() => {
      this.#debounce = undefined
      void this.#balance()
    }, REBALANCE_DEBOUNCE_MS)
  }

  async #balance (): Promise<void> {
    if (this.#balancing) {
      this.#again = true
      return
    }
    this.#balancing = true
    try {
      do {
        this.#again = false
        await this.#balanceOnce()
      } while (this.#again && !this.#stopping)
    } catch (error) {
      this.#reportError(error)
    } finally {
      this.#balancing = false
    }
  }

  async #balanceOnce (): Promise<void> {
    if (this.#stopping || this.#presence === undefined) return
    const { options } = this.#o
    const now = this.#clock.now()
    const plan = planBalance({
      me: options.workerId,
      leases: this.#view.leases.values(),
      now,
      maxLeases: options.maxLeasesForWorker,
      ownerSince: (key) => this.#view.ownerSince(key),
      running: new Set(this.#running.keys())
    })
    const membership = this.#liveWorkers(now)
    if (membership !== this.#membership) {
      this.#membership = membership
      this.#membershipSince = performance.now()
    }
    const grace = Math.min(SETTLE_MS, options.leaseDurationMs / 3) - (performance.now() - this.#membershipSince)
    if (plan.steal.length > 0 && grace > 0) {
      plan.steal = []
      clearTimeout(this.#graceTimer)
      this.#graceTimer = setTimeout(() => this.#schedule(), grace + 5)
    }
    if (plan.recover.length + plan.take.length + plan.steal.length === 0) return
    for (const lease of plan.recover) void this.#take(lease, 'recovered', now)
    const attempts = [
      ...plan.take.map((lease) => this.#take(lease, lease.leaseOwner === '' ? 'free' : 'expired', now)),
      ...plan.steal.map((lease) => this.#take(lease, 'steal', now))
    ]
    const results = await Promise.all(attempts)
    const took = plan.take.filter((_, i) => results[i] === true).map((l) => l.leaseKey)
    const stole = plan.steal.filter((_, i) => results[plan.take.length + i] === true).map((l) => l.leaseKey)
    if (took.length + stole.length > 0) {
      this.#o.emitter.emit('rebalance', {
        workers: plan.workers, leases: plan.leases, held: this.#running.size, target: plan.target, took, stole
      })
    }
  }

  async #take (lease: Lease, reason: 'free' | 'expired' | 'steal' | 'recovered', now: number): Promise<boolean> {
    const { options } = this.#o
    if (this.#running.has(lease.leaseKey) || this.#taking.has(lease.leaseKey) || isPresenceKey(lease.leaseKey)) return false
    // The view may have moved on while the plan was made.
    if (reason !== 'steal' && isOwned(lease, now) && lease.leaseOwner !== options.workerId) return false
    this.#taking.add(lease.leaseKey)
    try {
      return await this.#takeLease(lease, reason)
    } finally {
      this.#taking.delete(lease.leaseKey)
    }
  }

  async #takeLease (lease: Lease, reason: 'free' | 'expired' | 'steal' | 'recovered'): Promise<boolean> {
    const { options, api } = this.#o
    let taken: Lease
    try {
      const answer = await api.updateLease({
        leaseTable: options.application,
        leaseKey: lease.leaseKey,
        expectedLeaseCounter: lease.leaseCounter,
        leaseOwner: options.workerId,
        leaseDurationMs: options.leaseDurationMs
      })
      this.#clock.observe(answer.serverTimeMs)
      taken = answer.lease
    } catch (err) {
      const mismatch = leaseCounterMismatch(err)
      // Another worker was quicker; the next pass sees the table as it is now.
      if (mismatch !== undefined) {
        if (mismatch.currentLease !== undefined) this.#view.apply(mismatch.currentLease)
        this.#again = true
        return false
      }
      this.#reportError(err)
      return false
    }
    this.#view.apply(taken)
    if (this.#stopping) {
      // stop() began while this take was in flight: hand it straight back.
      await api.updateLease({ leaseTable: options.application, leaseKey: taken.leaseKey, expectedLeaseCounter: taken.leaseCounter, leaseOwner: '' }).catch(() => {})
      return false
    }
    this.#startProcessing(taken)
    this.#o.emitter.emit('lease.acquired', { shardId: taken.leaseKey, checkpoint: taken.checkpoint, previousOwner: lease.leaseOwner, reason })
    return true
  }

  #startProcessing (lease: Lease): void {
    const { options, emitter } = this.#o
    const shardId = lease.leaseKey
    const held: HeldLease = new HeldLease(lease, {
      ...this.#heldOptions(),
      onLost: (reason: LostReason, current: Lease | undefined) => {
        const entry = this.#running.get(shardId)
        entry?.processor.fence()
        if (this.#running.get(shardId)?.held === held) this.#running.delete(shardId)
        if (reason === 'taken' && current !== undefined && current.leaseOwner !== '') {
          emitter.emit('lease.stolen', { shardId, by: current.leaseOwner })
        } else {
          emitter.emit('lease.lost', { shardId, reason })
        }
        this.#schedule()
      }
    })
    const processor: ShardProcessor = new ShardProcessor({
      held,
      source: this.#o.sourceFor(shardId),
      handler: this.#o.handler,
      everyRecords: options.everyRecords,
      everyMs: options.everyMs,
      emitter,
      createChildren: (children: ChildShard[]) => createChildLeases({
        api: this.#o.api, clock: this.#clock, table: options.application, onCreated: (created) => this.#view.apply(created)
      }, children),
      onExit: () => {
        if (this.#running.get(shardId)?.processor === processor) this.#running.delete(shardId)
        this.#schedule()
      }
    })
    this.#running.set(shardId, { held, processor })
    processor.start()
  }
}
