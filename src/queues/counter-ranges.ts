/**
 * A set of message counters kept as sorted, disjoint, non-adjacent ranges. A queue keeps
 * the counters settled out of order above its start here: consumers delete in nearly the
 * order they receive, so even a million deletions behind one stuck message are one range,
 * and memory follows the number of holes, not of messages.
 */
export class CounterRanges {
  /** Flat pairs: [lo0, hi0, lo1, hi1, ...], inclusive, ascending. */
  private ranges: number[] = []
  private total = 0

  /** How many counters the set holds. */
  get size (): number {
    return this.total
  }

  /** The lowest counter, or undefined when empty. */
  get lowest (): number | undefined {
    return this.ranges[0]
  }

  /** Index of the first range whose hi >= c (in pairs). */
  private find (c: number): number {
    let lo = 0
    let hi = this.ranges.length / 2
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if (this.ranges[mid * 2 + 1]! < c) lo = mid + 1
      else hi = mid
    }
    return lo
  }

  has (c: number): boolean {
    const i = this.find(c)
    return i * 2 < this.ranges.length && this.ranges[i * 2]! <= c
  }

  /** Adds c; false when it was there already. */
  add (c: number): boolean {
    const r = this.ranges
    const i = this.find(c)
    if (i * 2 < r.length && r[i * 2]! <= c) return false
    this.total++
    const joinsNext = i * 2 < r.length && r[i * 2]! === c + 1
    const joinsPrevious = i > 0 && r[i * 2 - 1]! === c - 1
    if (joinsPrevious && joinsNext) {
      r[i * 2 - 1] = r[i * 2 + 1]!
      r.splice(i * 2, 2)
    } else if (joinsPrevious) {
      r[i * 2 - 1] = c
    } else if (joinsNext) {
      r[i * 2] = c
    } else {
      r.splice(i * 2, 0, c, c)
    }
    return true
  }

  /** Removes every counter <= c; returns how many were removed. */
  dropThrough (c: number): number {
    const r = this.ranges
    let removed = 0
    let cut = 0
    while (cut < r.length && r[cut + 1]! <= c) {
      removed += r[cut + 1]! - r[cut]! + 1
      cut += 2
    }
    if (cut < r.length && r[cut]! <= c) {
      removed += c - r[cut]! + 1
      r[cut] = c + 1
    }
    if (cut > 0) r.splice(0, cut)
    this.total -= removed
    return removed
  }

  /** How many counters are >= c. */
  countFrom (c: number): number {
    let n = 0
    for (let i = this.ranges.length - 2; i >= 0; i -= 2) {
      const lo = this.ranges[i]!
      const hi = this.ranges[i + 1]!
      if (hi < c) break
      n += hi - Math.max(lo, c) + 1
    }
    return n
  }

  /** If the set holds start+1 onward, takes that run out and returns its last counter; else start. */
  advance (start: number): number {
    const r = this.ranges
    if (r.length === 0 || r[0]! !== start + 1) return start
    const end = r[1]!
    this.total -= end - start
    r.splice(0, 2)
    return end
  }

  toArray (): number[] {
    return this.ranges.slice()
  }

  static fromArray (pairs: readonly number[]): CounterRanges {
    const set = new CounterRanges()
    set.ranges = pairs.slice()
    for (let i = 0; i < pairs.length; i += 2) set.total += pairs[i + 1]! - pairs[i]! + 1
    return set
  }
}
