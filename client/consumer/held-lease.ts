/**
 * A lease this worker holds. Every write to it (renewal, checkpoint, release) goes through one
 * queue, so this worker never races itself on the lease counter; a counter mismatch then can
 * only mean another worker wrote the lease, i.e. took it.
 *
 * Fencing: a lease is valid only while the server clock is before its expires_at. Processing
 * checks that before delivering each batch, so a worker cut off from the server stops
 * delivering within one lease duration, and its late checkpoints fail the compare-and-set.
 */
import { errorCode, isRetriable, leaseCounterMismatch, sleep, type Lease, type LeaseApi, type ServerClock } from './lease-api.js'

export type LostReason = 'expired' | 'taken' | 'deleted'

export class LeaseLostError extends Error {
  readonly code = 'LEASE_LOST'
  readonly retriable = false
  constructor (readonly shardId: string, readonly reason: LostReason) {
    super(`the lease on ${shardId} is no longer held by this worker (${reason})`)
    this.name = 'LeaseLostError'
  }
}

export interface HeldLeaseOptions {
  api: LeaseApi
  clock: ServerClock
  workerId: string
  leaseDurationMs: number
  /** Sees every lease version this worker wrote. */
  onWrite: (lease: Lease) => void
  /** Called once, when the lease is found lost. */
  onLost: (reason: LostReason, current: Lease | undefined) => void
}

const WRITE_ATTEMPTS = 4

export class HeldLease {
  #lease: Lease
  #lost: LostReason | undefined
  #released = false
  #queue: Promise<unknown> = Promise.resolve()
  #lastRenewal = performance.now()
  readonly #options: HeldLeaseOptions

  constructor (lease: Lease, options: HeldLeaseOptions) {
    this.#lease = lease
    this.#options = options
  }

  get lease (): Lease { return this.#lease }
  get shardId (): string { return this.#lease.leaseKey }
  get lost (): LostReason | undefined { return this.#lost }

  /** Held and not expired by the server's clock. */
  isValid (): boolean {
    if (this.#lost !== undefined || this.#released) return false
    if (this.#options.clock.now() >= this.#lease.expiresAt) {
      this.markLost('expired', undefined)
      return false
    }
    return true
  }

  /** Stops treating the lease as held; reported once. */
  markLost (reason: LostReason, current: Lease | undefined): void {
    if (this.#lost !== undefined || this.#released) return
    this.#lost = reason
    this.#options.onLost(reason, current)
  }

  /** Called when the table shows another owner: no write is needed to know it is gone. */
  observe (lease: Lease): void {
    if (lease.leaseCounter <= this.#lease.leaseCounter) return
    if (lease.leaseOwner === this.#options.workerId) {
      this.#lease = lease
      return
    }
    this.markLost('taken', lease)
  }

  renewDue (): boolean {
    return performance.now() - this.#lastRenewal >= this.#options.leaseDurationMs / 3
  }

  renew (): Promise<void> {
    return this.#write({ leaseDurationMs: this.#options.leaseDurationMs }, false)
  }

  checkpoint (checkpoint: string, extra: { childShardIds?: string[] } = {}): Promise<void> {
    return this.#write({ leaseDurationMs: this.#options.leaseDurationMs, checkpoint, checkpointSubSequenceNumber: 0, ...extra }, true)
  }

  /** Gives the lease up (owner ''), with a last checkpoint if given, so another worker can take it at once. */
  async release (checkpoint?: string): Promise<void> {
    if (this.#lost !== undefined || this.#released) return
    try {
      await this.#write({ leaseOwner: '', ...(checkpoint === undefined ? {} : { checkpoint, checkpointSubSequenceNumber: 0 }) }, true)
    } finally {
      this.#released = true
    }
  }

  #write (fields: Record<string, unknown>, mustSucceed: boolean): Promise<void> {
    const run = async (): Promise<void> => {
      for (let attempt = 1; ; attempt++) {
        if (this.#lost !== undefined || this.#released) throw new LeaseLostError(this.shardId, this.#lost ?? 'taken')
        try {
          const { lease, serverTimeMs } = await this.#options.api.updateLease({
            leaseTable: this.#lease.leaseTable,
            leaseKey: this.#lease.leaseKey,
            expectedLeaseCounter: this.#lease.leaseCounter,
            ...fields
          })
          this.#options.clock.observe(serverTimeMs)
          this.#lease = lease
          this.#lastRenewal = performance.now()
          this.#options.onWrite(lease)
          return
        } catch (err) {
          const mismatch = leaseCounterMismatch(err)
          if (mismatch !== undefined) {
            const current = mismatch.currentLease
            // Our own owner on a newer counter (a write whose answer was lost): carry on from it.
            if (current !== undefined && current.leaseOwner === this.#options.workerId && attempt < WRITE_ATTEMPTS) {
              this.#lease = current
              continue
            }
            this.markLost('taken', current)
            throw new LeaseLostError(this.shardId, 'taken')
          }
          if (errorCode(err) === 'LEASE_NOT_FOUND') {
            this.markLost('deleted', undefined)
            throw new LeaseLostError(this.shardId, 'deleted')
          }
          // A renewal is retried by the next tick; a checkpoint is worth a few quick retries.
          if (!mustSucceed || !isRetriable(err) || attempt >= WRITE_ATTEMPTS) throw err
          await sleep(50 * 2 ** attempt)
        }
      }
    }
    const result = this.#queue.then(run, run)
    this.#queue = result.catch(() => {})
    return result
  }
}
