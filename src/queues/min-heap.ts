/**
 * A binary min-heap. Entries are never removed from the middle: callers push a new entry
 * when a key changes and skip stale ones when they reach the top (lazy deletion), which
 * keeps every operation O(log n).
 */
export class MinHeap<T> {
  private readonly items: T[] = []

  constructor (private readonly less: (a: T, b: T) => boolean) {}

  get size (): number {
    return this.items.length
  }

  peek (): T | undefined {
    return this.items[0]
  }

  push (item: T): void {
    const items = this.items
    items.push(item)
    let i = items.length - 1
    while (i > 0) {
      const parent = (i - 1) >> 1
      if (!this.less(items[i]!, items[parent]!)) break
      const swap = items[i]!
      items[i] = items[parent]!
      items[parent] = swap
      i = parent
    }
  }

  pop (): T | undefined {
    const items = this.items
    const top = items[0]
    const last = items.pop()
    if (items.length > 0 && last !== undefined) {
      items[0] = last
      let i = 0
      for (;;) {
        const l = 2 * i + 1
        const r = l + 1
        let m = i
        if (l < items.length && this.less(items[l]!, items[m]!)) m = l
        if (r < items.length && this.less(items[r]!, items[m]!)) m = r
        if (m === i) break
        const swap = items[i]!
        items[i] = items[m]!
        items[m] = swap
        i = m
      }
    }
    return top
  }

  clear (): void {
    this.items.length = 0
  }

  /** Keeps only the entries `keep` accepts (drops stale ones in bulk), in heap order again. */
  retain (keep: (item: T) => boolean): void {
    const kept = this.items.filter(keep)
    this.items.length = 0
    for (const item of kept) this.push(item)
  }
}
