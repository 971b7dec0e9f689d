/**
 * A token bucket that may go into debt. Reads use it because one GetRecords call may
 * return up to 10 MiB while a shard serves 2 MiB/s: as in Kinesis, the call succeeds and
 * the shard then refuses reads until the debt has been paid back at the refill rate.
 */
import type { Clock } from '../clock.js'

export class TokenBucket {
  private tokens: number
  private last: number

  constructor (private readonly ratePerSecond: number, private readonly capacity: number, private readonly clock: Clock) {
    this.tokens = capacity
    this.last = clock()
  }

  /** True while the bucket is not in debt. */
  available (): boolean {
    this.refill()
    return this.tokens > 0
  }

  /** How long until the bucket holds `amount` tokens (0 when it does now; capped at capacity). */
  msUntil (amount: number): number {
    this.refill()
    const needed = Math.min(amount, this.capacity) - this.tokens
    return needed <= 0 ? 0 : Math.ceil((needed / this.ratePerSecond) * 1000)
  }

  /** Takes tokens unconditionally; the balance may go negative. */
  take (amount: number): void {
    this.refill()
    this.tokens -= amount
  }

  private refill (): void {
    const now = this.clock()
    const elapsed = now - this.last
    if (elapsed <= 0) return
    this.last = now
    this.tokens = Math.min(this.capacity, this.tokens + (elapsed / 1000) * this.ratePerSecond)
  }
}
