/**
 * When to checkpoint automatically: after the handler returned, once `everyRecords` records
 * or `everyMs` milliseconds have gone by since the last checkpoint. Checkpoints only move
 * forward, whether the application or the policy writes them.
 *
 * A shard that goes quiet right after a batch gets no further batch to trigger the policy, so
 * a timer writes what was handled once `everyMs` has passed; otherwise the last records before
 * a pause would stay uncheckpointed, and be delivered again after a crash, for as long as the
 * shard stays quiet.
 */
import type { HeldLease } from './held-lease.js'

export class Checkpointer {
  /** The last sequence number handled, and the last one written. */
  #handled: string | undefined
  #written: string | undefined
  #sinceRecords = 0
  #sinceAt = performance.now()
  #timer: NodeJS.Timeout | undefined
  #closed = false

  constructor (
    private readonly held: HeldLease,
    private readonly everyRecords: number,
    private readonly everyMs: number,
    private readonly onWritten: (sequenceNumber: string) => void,
    /** A timed write failed for another reason than the lease being gone. */
    private readonly onTimedError: (error: Error) => void
  ) {
    const start = held.lease.checkpoint
    if (/^\d+$/.test(start)) this.#written = start
  }

  handled (sequenceNumber: string, records: number): void {
    this.#handled = sequenceNumber
    this.#sinceRecords += records
  }

  /** After a crashed handler: what was handled past the checkpoint will be delivered again. */
  reset (): void {
    this.#handled = this.#written
    this.#sinceRecords = 0
    this.#clearTimer()
  }

  /**
   * No timed write from here on: the shard ended, was fenced, or is being stopped (and then
   * writes its last checkpoint itself). The application's own checkpoint() still goes through,
   * and fails with LEASE_LOST if the lease is gone.
   */
  close (): void {
    this.#closed = true
    this.#clearTimer()
  }

  get pending (): string | undefined {
    return this.#handled !== undefined && (this.#written === undefined || compareSeq(this.#handled, this.#written) > 0) ? this.#handled : undefined
  }

  due (): boolean {
    if (this.pending === undefined) return false
    return this.#sinceRecords >= this.everyRecords || performance.now() - this.#sinceAt >= this.everyMs
  }

  /** Arms the timer that writes what is pending once `everyMs` has passed, if no batch does it first. */
  armTimer (): void {
    if (this.#closed || this.#timer !== undefined || this.pending === undefined) return
    const wait = Math.max(1, Math.ceil(this.#sinceAt + this.everyMs - performance.now()))
    this.#timer = setTimeout(() => {
      this.#timer = undefined
      if (this.#closed || this.pending === undefined) return
      // Timers may fire a fraction of a millisecond before performance.now() says they are due.
      if (!this.due()) {
        this.armTimer()
        return
      }
      this.write().catch((error: unknown) => {
        if ((error as { code?: unknown }).code === 'LEASE_LOST') return
        this.onTimedError(error instanceof Error ? error : new Error(String(error)))
      })
    }, wait)
  }

  /** Writes `sequenceNumber` (default: the last handled) unless an equal or later one is written. */
  async write (sequenceNumber: string | undefined = this.#handled): Promise<void> {
    if (sequenceNumber === undefined) return
    if (this.#written !== undefined && compareSeq(sequenceNumber, this.#written) <= 0) return
    await this.held.checkpoint(sequenceNumber)
    // Writes are queued in call order; one that finished late must not move the mark back.
    if (this.#written === undefined || compareSeq(sequenceNumber, this.#written) > 0) this.#written = sequenceNumber
    this.#sinceRecords = 0
    this.#sinceAt = performance.now()
    this.#clearTimer()
    this.onWritten(sequenceNumber)
  }

  #clearTimer (): void {
    clearTimeout(this.#timer)
    this.#timer = undefined
  }
}

/** Sequence numbers are decimal strings; constant width within shardline, but compare safely anyway. */
export function compareSeq (a: string, b: string): number {
  if (a.length !== b.length) return a.length - b.length
  return a < b ? -1 : a > b ? 1 : 0
}
