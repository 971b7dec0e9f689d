/**
 * FIFO message groups. Each group keeps its receivable messages in counter order (messages
 * that became visible again first, then read-ahead ones) and the counters of its messages
 * in flight. A group delivers the messages before its first one in flight, in order: so a
 * group with its oldest message in flight delivers nothing (AWS: the group is blocked),
 * and a group whose later messages came back while an earlier one is still in flight
 * delivers those before it, as AWS does. Receives take the groups in the order they became
 * receivable: a group that was blocked (a message in flight) and is receivable again goes
 * behind the groups already waiting, as AWS serves them (observed: after a visibility
 * timeout ends or is changed to 0, and after a delete).
 */
import type { Candidate } from './message-entry.js'
import { MinHeap } from './min-heap.js'

class Group {
  /** Receivable messages, by counter. */
  readonly items: Candidate[] = []
  /** Counters in flight (or being received), ascending. */
  readonly blockers: number[] = []
  /** When the group last became receivable (a sequence): its place in the order. */
  readySeq = 0
  /** Whether it was receivable when last looked at. */
  wasReady = false
  /** The readySeq this group was last queued in the heap under. */
  queuedAt: number | undefined

  constructor (readonly id: string) {}

  get ready (): boolean {
    const head = this.items[0]
    return head !== undefined && (this.blockers.length === 0 || head.counter < this.blockers[0]!)
  }
}

function insertSorted (list: number[], c: number): void {
  let i = list.length
  while (i > 0 && list[i - 1]! > c) i--
  if (list[i - 1] !== c) list.splice(i, 0, c)
}

export class FifoGroups {
  private readonly groups = new Map<string, Group>()
  private readonly heap = new MinHeap<{ readonly group: Group, readonly seq: number }>((a, b) => a.seq < b.seq)
  private nextSeq = 0
  /** Read-ahead messages held in groups (the window's size). */
  buffered = 0

  private group (id: string): Group {
    let g = this.groups.get(id)
    if (g === undefined) {
      g = new Group(id)
      this.groups.set(id, g)
    }
    return g
  }

  private touch (g: Group): void {
    if (g.items.length === 0 && g.blockers.length === 0) {
      this.groups.delete(g.id)
      return
    }
    const ready = g.ready
    if (ready && !g.wasReady) g.readySeq = ++this.nextSeq
    g.wasReady = ready
    if (ready && g.queuedAt !== g.readySeq) {
      g.queuedAt = g.readySeq
      this.heap.push({ group: g, seq: g.readySeq })
    }
  }

  /** Adds a receivable message to its group, in counter order. */
  add (item: Candidate): void {
    const g = this.group(item.group ?? '')
    let i = g.items.length
    while (i > 0 && g.items[i - 1]!.counter > item.counter) i--
    g.items.splice(i, 0, item)
    if (item.kind === 'buffered') this.buffered++
    this.touch(g)
  }

  /** Takes a message out of its group's receivable ones (it settled while waiting). */
  remove (group: string | undefined, counter: number): void {
    const g = this.groups.get(group ?? '')
    if (g === undefined) return
    const i = g.items.findIndex((item) => item.counter === counter)
    if (i < 0) return
    const [item] = g.items.splice(i, 1)
    if (item!.kind === 'buffered') this.buffered--
    this.touch(g)
  }

  block (group: string | undefined, counter: number): void {
    const g = this.group(group ?? '')
    insertSorted(g.blockers, counter)
  }

  unblock (group: string | undefined, counter: number): void {
    const g = this.groups.get(group ?? '')
    if (g === undefined) return
    const i = g.blockers.indexOf(counter)
    if (i >= 0) g.blockers.splice(i, 1)
    this.touch(g)
  }

  /**
   * Takes up to `max` receivable messages: all a group can give, in order, then the next
   * group's. `usable` drops messages that settled meanwhile (and tells whether to keep
   * going). Taken messages block their group.
   */
  take (max: number, usable: (item: Candidate) => boolean): Candidate[] {
    const out: Candidate[] = []
    while (out.length < max) {
      const top = this.heap.pop()
      if (top === undefined) break
      const g = top.group
      if (g.queuedAt === top.seq) g.queuedAt = undefined
      if (this.groups.get(g.id) !== g || !g.ready || g.readySeq !== top.seq) {
        this.touch(g)
        continue
      }
      // The messages taken block the group only once this receive has them all.
      const limit = g.blockers[0] ?? Infinity
      const taken: number[] = []
      while (out.length < max && g.items.length > 0 && g.items[0]!.counter < limit) {
        const item = g.items.shift()!
        if (item.kind === 'buffered') this.buffered--
        if (!usable(item)) continue
        taken.push(item.counter)
        out.push(item)
      }
      for (const c of taken) insertSorted(g.blockers, c)
      this.touch(g)
    }
    return out
  }

  clear (): void {
    this.groups.clear()
    this.heap.clear()
    this.nextSeq = 0
    this.buffered = 0
  }
}
