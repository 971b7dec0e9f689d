/**
 * The average of load samples over a trailing period, kept in ten buckets of a tenth of the
 * period each, so that one quiet or busy sample (a producer's pause, a burst) does not decide
 * on its own whether a shard is hot or cold: its load over the whole period does.
 */
const BUCKETS = 10

export class LoadAverage {
  private readonly sums = new Float64Array(BUCKETS)
  private readonly counts = new Uint32Array(BUCKETS)
  /** Bucket number (time since `since`, in bucket lengths) of the newest sample. */
  private head = 0
  private readonly bucketMs: number
  /** With a zero period, the newest sample is the average. */
  private last = 0

  /** `since`: when sampling began; nothing is averaged until a whole period has been sampled. */
  constructor (private readonly periodMs: number, private readonly since: number) {
    this.bucketMs = periodMs / BUCKETS
  }

  add (now: number, value: number): void {
    this.last = value
    if (this.bucketMs <= 0) return
    const bucket = this.bucketOf(now)
    this.advance(bucket)
    this.sums[bucket % BUCKETS]! += value
    this.counts[bucket % BUCKETS]! += 1
  }

  /** The average over the trailing period (to a tenth of it), or undefined until a whole period has been sampled. */
  average (now: number): number | undefined {
    if (now - this.since < this.periodMs) return undefined
    if (this.bucketMs <= 0) return this.last
    this.advance(this.bucketOf(now))
    let sum = 0
    let count = 0
    for (let i = 0; i < BUCKETS; i++) {
      sum += this.sums[i]!
      count += this.counts[i]!
    }
    return count === 0 ? 0 : sum / count
  }

  private bucketOf (now: number): number {
    return Math.max(0, Math.floor((now - this.since) / this.bucketMs))
  }

  /** Empties the buckets that fell out of the period since the newest sample. */
  private advance (bucket: number): void {
    if (bucket <= this.head) return
    const stale = Math.min(bucket - this.head, BUCKETS)
    for (let i = 1; i <= stale; i++) {
      this.sums[(this.head + i) % BUCKETS] = 0
      this.counts[(this.head + i) % BUCKETS] = 0
    }
    this.head = bucket
  }
}
