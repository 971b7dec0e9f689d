/**
 * One WatchLeases call: the table's snapshot (when asked for), SYNCED, then every change
 * as it commits, and a heartbeat when nothing else was sent for a while. Independent of
 * the transport, which passes a `send` that resolves once its flow control took the event.
 *
 * Memory stays bounded however slow the watcher: changes waiting to be sent are kept per
 * lease, a later change of a lease replacing the earlier one, so at most one change per
 * lease of the table waits. A watcher that falls behind therefore sees the latest state of
 * each lease rather than every intermediate write, which is all a lease holder acts on.
 */
import type { Clock } from '../clock.js'
import type { ServiceError } from '../errors.js'
import { StopLatch } from '../stop-latch.js'
import type { Lease } from './lease-model.js'
import type { LeaseChange, LeaseTable } from './lease-table.js'

export type WatchEventType = 'SNAPSHOT' | 'SYNCED' | 'CREATED' | 'UPDATED' | 'DELETED' | 'EXPIRED' | 'HEARTBEAT'

export interface WatchEvent {
  readonly type: WatchEventType
  readonly lease?: Lease | undefined
  readonly serverTimeMs: number
}

export interface WatchOptions {
  readonly sendInitial: boolean
  readonly heartbeatMs: number
  readonly clock: Clock
}

export class LeaseWatch {
  private readonly latch = new StopLatch()
  /** Changes not yet sent, by lease key, in the order their latest change arrived. */
  private pending = new Map<string, LeaseChange>()

  constructor (private readonly table: LeaseTable, private readonly options: WatchOptions, private readonly send: (event: WatchEvent) => Promise<void>) {}

  /** Ends the watch: with `reason` as its error, or quietly (the client left). */
  stop (reason?: ServiceError): void {
    this.latch.stop(reason)
  }

  /** Runs until stopped; rejects with the stop reason, if any. */
  async run (): Promise<void> {
    const { snapshot, stop } = await this.table.watch((change) => this.enqueue(change))
    try {
      if (this.options.sendInitial) {
        for (const lease of snapshot) {
          if (!await this.deliver({ type: 'SNAPSHOT', lease, serverTimeMs: this.options.clock() })) break
        }
        await this.deliver({ type: 'SYNCED', serverTimeMs: this.options.clock() })
      }
      let lastSent = performance.now()
      while (!this.latch.stopped) {
        const change = this.take()
        if (change !== undefined) {
          if (!await this.deliver(change)) break
          lastSent = performance.now()
          continue
        }
        // The heartbeat is about the connection, so it runs on real time, not the server clock.
        const idle = performance.now() - lastSent
        if (idle >= this.options.heartbeatMs) {
          if (!await this.deliver({ type: 'HEARTBEAT', serverTimeMs: this.options.clock() })) break
          lastSent = performance.now()
          continue
        }
        await this.latch.sleep(this.options.heartbeatMs - idle)
      }
    } finally {
      stop()
    }
    if (this.latch.reason !== undefined) throw this.latch.reason
  }

  /** Sends unless stopped first; false when the watch is over. */
  private async deliver (event: WatchEvent): Promise<boolean> {
    if (this.latch.stopped) return false
    await this.latch.race(this.send(event))
    return !this.latch.stopped
  }

  private enqueue (change: LeaseChange): void {
    const key = change.lease.key
    const earlier = this.pending.get(key)
    this.pending.delete(key)
    if (earlier?.type === 'CREATED') {
      // The watcher never saw the lease: it was created and is gone, or created and changed.
      if (change.type === 'DELETED') return
      if (change.type === 'UPDATED') change = { ...change, type: 'CREATED' }
    }
    this.pending.set(key, change)
    this.latch.wake()
  }

  private take (): WatchEvent | undefined {
    const first = this.pending.entries().next()
    if (first.done === true) return undefined
    const [key, change] = first.value
    this.pending.delete(key)
    return change
  }
}
