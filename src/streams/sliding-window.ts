/**
 * A sliding one-second window counted in ten 100 ms slots: an amount is admitted only if
 * the slots of the trailing second plus the amount stay within the limit.
 *
 * Why not a token bucket: a bucket that starts full lets a producer at three times the
 * limit through at +10% over ten seconds (one extra second of burst). The window never
 * admits more than the limit in any trailing second, which is what "1,000 records/s"
 * means to a user measuring it.
 */
import type { Clock } from '../clock.js'

const SLOTS = 10
const SLOT_MS = 100

export class SlidingWindow {
  private readonly slots = new Float64Array(SLOTS)
  /** Absolute slot number (ms / SLOT_MS) of the newest slot written. */
  private head = 0
  private total = 0

  constructor (private readonly limit: number, private readonly clock: Clock) {}

  /** Counts the amount and returns true if it fits the trailing second, else changes nothing. */
  tryAdd (amount: number): boolean {
    this.advance()
    if (this.total + amount > this.limit) return false
    this.slots[this.head % SLOTS]! += amount
    this.total += amount
    return true
  }

  /** Whether `amount` would fit now, without counting it. */
  fits (amount: number): boolean {
    this.advance()
    return this.total + amount <= this.limit
  }

  /** The amount counted over the trailing second. */
  current (): number {
    this.advance()
    return this.total
  }

  private advance (): void {
    const now = Math.floor(this.clock() / SLOT_MS)
    if (now <= this.head) return
    const expired = Math.min(now - this.head, SLOTS)
    for (let i = 1; i <= expired; i++) {
      const index = (this.head + i) % SLOTS
      this.total -= this.slots[index]!
      this.slots[index] = 0
    }
    this.head = now
    // Guard against float drift when slots are emptied out of order.
    if (this.total < 1e-9) this.total = 0
  }
}
