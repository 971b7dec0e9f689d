/**
 * When to checkpoint automatically: after the handler returned, once `everyRecords` records
 * or `everyMs` milliseconds have gone by since the last checkpoint. Checkpoints only move
 * forward, whether the application or the policy writes them.
 */
import type { HeldLease } from './held-lease.js'

export class Checkpointer {
  /** The last sequence number handled, and the last one written. */
  #handled: string | undefined
  #written: string | undefined
  #sinceRecords = 0
  #sinceAt = performance.now()

  constructor (
    private readonly held: HeldLease,
    private readonly everyRecords: number,
    private readonly everyMs: number,
    private readonly onWritten: (sequenceNumber: string) => void
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
  }

  get pending (): string | undefined {
    return this.#handled !== undefined && (this.#written === undefined || compareSeq(this.#handled, this.#written) > 0) ? this.#handled : undefined
  }

  due (): boolean {
    if (this.pending === undefined) return false
    return this.#sinceRecords >= this.everyRecords || performance.now() - this.#sinceAt >= this.everyMs
  }

  /** Writes `sequenceNumber` (default: the last handled) unless an equal or later one is written. */
  async write (sequenceNumber: string | undefined = this.#handled): Promise<void> {
    if (sequenceNumber === undefined) return
    if (this.#written !== undefined && compareSeq(sequenceNumber, this.#written) <= 0) return
    await this.held.checkpoint(sequenceNumber)
    this.#written = sequenceNumber
    this.#sinceRecords = 0
    this.#sinceAt = performance.now()
    this.onWritten(sequenceNumber)
  }
}

/** Sequence numbers are decimal strings; constant width within shardline, but compare safely anyway. */
export function compareSeq (a: string, b: string): number {
  if (a.length !== b.length) return a.length - b.length
  return a < b ? -1 : a > b ? 1 : 0
}
