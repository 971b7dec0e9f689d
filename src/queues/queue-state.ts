/**
 * A queue's projection: the state of its messages, rebuilt from its snapshot and state
 * log, kept only for the unsettled window (as a Kafka share-partition keeps its in-flight
 * records): the counter below which every message is settled (`start`), the messages
 * settled out of order above it, the tracked ones (delayed, in flight, or visible again
 * after a receive), and a bounded read-ahead of never-received messages. Messages past
 * the read-ahead cursor live only in LevelDB, so memory does not grow with the backlog.
 *
 * Counters are dense (each record of the message stream numbers the next), so the counts
 * are exact without per-message memory: the unsettled messages are the counters in
 * (start, tail] less those settled out of order; of them, the tracked ones in flight and
 * delayed are counted, and the rest are visible.
 *
 * Time is lazy: nothing here runs on a timer. Every operation first settles the state at
 * `now` (visibility deadlines and delays that passed, messages past retention).
 *
 * Every change goes through the apply* methods, which replaying the state log calls in
 * the same order, so the live state and a rebuilt one cannot differ.
 */
import { CounterRanges } from './counter-ranges.js'
import { FifoGroups } from './fifo-groups.js'
import { bufferedCandidate, trackedCandidate, Tracked, type Buffered, type Candidate } from './message-entry.js'
import type { ReceivedItem } from './queue-events.js'
import { MinHeap } from './min-heap.js'

export interface Counts {
  readonly visible: number
  readonly notVisible: number
  readonly delayed: number
}

/** Read-ahead bounds. A FIFO queue's window also holds the messages of blocked groups. */
export interface WindowLimits {
  readonly messages: number
  readonly bytes: number
}

export class QueueState {
  /** Every counter <= start is settled. */
  start = 0
  /** A lower bound of the arrival time of the message at `start + 1` (a seek position). */
  startTs = 0
  /** The last committed counter and its arrival time. */
  tail = 0
  tailTs = 0
  /** Every counter <= cursor has been read ahead (buffered, tracked, or settled). */
  cursor = 0
  cursorTs = 0
  /** The last receive sequence issued. */
  seq = 0
  lastPurge: { readonly at: number, readonly upTo: number } | undefined

  readonly tracked = new Map<number, Tracked>()
  /** Counters above `start` settled out of order. */
  done = new CounterRanges()
  /** Counters taken by a receive still reading them back (they count as not visible). */
  readonly reserved = new Map<number, Candidate>()

  private readonly inflight = new Set<Tracked>()
  private readonly delayed = new Set<Tracked>()
  private readonly visibility = new MinHeap<{ readonly at: number, readonly entry: Tracked, readonly seq: number }>((a, b) => a.at < b.at)
  private readonly delays = new MinHeap<Tracked>((a, b) => a.visibleAt < b.visibleAt)
  private readonly byCounter = new MinHeap<Tracked>((a, b) => a.counter < b.counter)

  /** Standard queues: tracked messages visible again (in any order), and the read-ahead. */
  private readonly returned: Tracked[] = []
  private returnedHead = 0
  private readonly buffer: Buffered[] = []
  private bufferHead = 0
  private bufferBytes = 0
  /** FIFO queues hold both in groups instead. */
  readonly groups: FifoGroups | undefined

  constructor (readonly fifo: boolean, private readonly window: WindowLimits) {
    this.groups = fifo ? new FifoGroups() : undefined
  }

  isDone (c: number): boolean {
    return c <= this.start || this.done.has(c)
  }

  /** Whether the read-ahead has room for more. */
  get windowHasRoom (): boolean {
    const buffered = this.groups !== undefined ? this.groups.buffered : this.buffer.length - this.bufferHead
    return buffered < this.window.messages && this.bufferBytes < this.window.bytes
  }

  /** Whether the read-ahead has used up less than half of its room (time to read more). */
  get windowLow (): boolean {
    const buffered = this.groups !== undefined ? this.groups.buffered : this.buffer.length - this.bufferHead
    return buffered < this.window.messages / 2 && this.bufferBytes < this.window.bytes / 2
  }

  get inflightCount (): number {
    return this.inflight.size + this.reserved.size
  }

  /** Messages sent but not yet read ahead. */
  get unread (): boolean {
    return this.cursor < this.tail
  }

  /** The earliest time at which a tracked message changes state by itself (for long-poll timers). */
  nextChange (): number | undefined {
    const v = this.visibility.peek()?.at
    const d = this.delays.peek()?.visibleAt
    if (v === undefined) return d
    return d === undefined ? v : Math.min(v, d)
  }

  // ---- settling at a time -------------------------------------------------------------

  /**
   * Applies what time did: visibility deadlines and delays that passed make messages
   * receivable; messages older than `horizon` (the retention) are settled.
   */
  settle (now: number, horizon: number): void {
    // Deleted messages leave their deadlines behind until they come due; a consumer that
    // keeps up would let them pile up for a whole visibility timeout.
    if (this.visibility.size > 4 * (this.inflight.size + 1024)) {
      this.visibility.retain((v) => this.tracked.get(v.entry.counter) === v.entry && v.entry.state === 'inflight' && v.entry.seq === v.seq && v.entry.deadline === v.at)
    }
    // Likewise the settled messages behind one that stays in flight for long.
    if (this.byCounter.size > 4 * (this.tracked.size + 1024)) this.byCounter.retain((e) => this.tracked.get(e.counter) === e)
    for (let top = this.visibility.peek(); top !== undefined && top.at <= now; top = this.visibility.peek()) {
      this.visibility.pop()
      const entry = top.entry
      if (this.tracked.get(entry.counter) !== entry || entry.state !== 'inflight' || entry.pending || entry.seq !== top.seq || entry.deadline !== top.at) continue
      this.inflight.delete(entry)
      this.groups?.unblock(entry.group, entry.counter)
      this.makeVisible(entry)
    }
    for (let top = this.delays.peek(); top !== undefined && top.visibleAt <= now; top = this.delays.peek()) {
      this.delays.pop()
      if (this.tracked.get(top.counter) !== top || top.state !== 'delayed') continue
      this.delayed.delete(top)
      if (top.counter > this.cursor) {
        // Not read ahead yet: the read-ahead finds it as an ordinary message.
        this.tracked.delete(top.counter)
      } else {
        this.makeVisible(top)
      }
    }
    this.expireBefore(horizon)
  }

  /** Settles tracked and buffered messages that arrived before `horizon` (ms). */
  expireBefore (horizon: number): void {
    for (let top = this.byCounter.peek(); top !== undefined; top = this.byCounter.peek()) {
      if (this.tracked.get(top.counter) !== top) {
        this.byCounter.pop()
        continue
      }
      if (top.ts >= horizon) break
      this.byCounter.pop()
      this.settleCounter(top.counter, top.ts)
    }
    if (this.groups === undefined) {
      while (this.bufferHead < this.buffer.length && this.buffer[this.bufferHead]!.ts < horizon) {
        const m = this.takeBuffered()!
        this.settleCounter(m.counter, m.ts)
      }
    }
  }

  /**
   * Every counter up to `last` is settled: a backlog older than the retention, found by a
   * seek, that was never read ahead. `lastTs` bounds the arrival time of `last + 1` from below.
   */
  expireThrough (last: number, lastTs: number): void {
    if (last <= this.start) return
    for (let top = this.byCounter.peek(); top !== undefined && top.counter <= last; top = this.byCounter.peek()) {
      this.byCounter.pop()
      if (this.tracked.get(top.counter) === top) this.untrack(top)
    }
    for (const c of [...this.reserved.keys()]) if (c <= last) this.reserved.delete(c)
    this.done.dropThrough(last)
    this.start = this.done.advance(last)
    this.startTs = Math.max(this.startTs, lastTs)
    if (this.cursor < this.start) {
      this.cursor = this.start
      this.cursorTs = this.startTs
    }
  }

  private makeVisible (entry: Tracked): void {
    entry.state = 'visible'
    if (this.groups !== undefined) this.groups.add(trackedCandidate(entry))
    else this.returned.push(entry)
  }

  private track (entry: Tracked): void {
    this.tracked.set(entry.counter, entry)
    this.byCounter.push(entry)
  }

  private untrack (entry: Tracked): void {
    this.tracked.delete(entry.counter)
    this.inflight.delete(entry)
    this.delayed.delete(entry)
    if (this.groups !== undefined) {
      if (entry.state === 'inflight' || entry.pending) this.groups.unblock(entry.group, entry.counter)
      else if (entry.state === 'visible') this.groups.remove(entry.group, entry.counter)
    }
  }

  /** Settles counters lo..hi (records retention trimmed from storage before they were read). */
  settleRange (lo: number, hi: number, hiTs: number): void {
    if (hi < lo) return
    if (lo <= this.start + 1) {
      this.expireThrough(hi, hiTs)
      return
    }
    for (let c = lo; c <= hi; c++) this.settleCounter(c)
  }

  /** Settles one message: deleted, moved, or expired. */
  settleCounter (c: number, ts?: number): void {
    const entry = this.tracked.get(c)
    if (entry !== undefined) this.untrack(entry)
    const reserved = this.reserved.get(c)
    if (reserved !== undefined) {
      this.reserved.delete(c)
      if (reserved.kind === 'buffered') this.groups?.unblock(reserved.group, c)
    }
    if (c <= this.start) return
    this.done.add(c)
    const start = this.done.advance(this.start)
    if (start !== this.start) {
      this.start = start
      if (ts !== undefined && c <= start) this.startTs = Math.max(this.startTs, ts)
    }
  }

  // ---- messages arriving ---------------------------------------------------------------

  /** A message committed to the stream (sent, or moved in); `readAhead` is false while a read is running. */
  acceptSent (counter: number, ts: number, group: string | undefined, visibleAt: number, data: Buffer, now: number, readAhead: boolean): boolean {
    this.tail = counter
    this.tailTs = ts
    if (visibleAt > now) {
      this.trackDelayed(counter, ts, group, visibleAt)
      if (this.cursor === counter - 1 && readAhead) {
        this.cursor = counter
        this.cursorTs = ts
      }
      return false
    }
    if (this.cursor !== counter - 1 || !readAhead || !this.windowHasRoom) return false
    this.cursor = counter
    this.cursorTs = ts
    this.addBuffered({ counter, ts, group, data })
    return true
  }

  trackDelayed (counter: number, ts: number, group: string | undefined, visibleAt: number): void {
    if (this.tracked.has(counter) || this.isDone(counter)) return
    const entry = new Tracked(counter, ts, group)
    entry.visibleAt = visibleAt
    entry.state = 'delayed'
    this.track(entry)
    this.delayed.add(entry)
    this.delays.push(entry)
  }

  /**
   * A record read ahead from the stream (in counter order). `owned`: the data is the
   * caller's copy; otherwise it is a view of a LevelDB segment, copied here so it does not
   * keep the whole segment alive.
   */
  acceptRead (counter: number, ts: number, group: string | undefined, visibleAt: number, data: Buffer, now: number, horizon: number, owned = false): void {
    if (counter <= this.cursor) return
    this.cursor = counter
    this.cursorTs = ts
    if (this.isDone(counter) || this.tracked.has(counter) || this.reserved.has(counter)) return
    if (ts < horizon) {
      this.settleCounter(counter, ts)
      return
    }
    if (visibleAt > now) {
      this.trackDelayed(counter, ts, group, visibleAt)
      return
    }
    let copy = data
    if (!owned) {
      copy = Buffer.allocUnsafe(data.byteLength)
      data.copy(copy)
    }
    this.addBuffered({ counter, ts, group, data: copy })
  }

  private addBuffered (m: Buffered): void {
    this.bufferBytes += m.data.byteLength
    if (this.groups !== undefined) this.groups.add(bufferedCandidate(m))
    else this.buffer.push(m)
  }

  private takeBuffered (): Buffered | undefined {
    const m = this.buffer[this.bufferHead]
    if (m === undefined) return undefined
    this.buffer[this.bufferHead++] = undefined as unknown as Buffered
    if (this.bufferHead > 1024 && this.bufferHead * 2 > this.buffer.length) {
      this.buffer.splice(0, this.bufferHead)
      this.bufferHead = 0
    }
    this.bufferBytes -= m.data.byteLength
    return m
  }

  // ---- receiving -----------------------------------------------------------------------

  /**
   * Takes up to `max` receivable messages and reserves them: no other receive gets them
   * until this one applies its `received` event (applyReceived) or they settle.
   */
  reserve (max: number, horizon: number): Candidate[] {
    const out: Candidate[] = []
    const usable = (item: Candidate): boolean => {
      if (item.kind === 'tracked') {
        const entry = item.entry
        return this.tracked.get(entry.counter) === entry && entry.state === 'visible' && !entry.pending
      }
      if (this.isDone(item.counter)) return false
      if (item.ts < horizon) {
        this.settleCounter(item.counter, item.ts)
        return false
      }
      return true
    }
    if (this.groups !== undefined) {
      const usableInGroup = (item: Candidate): boolean => {
        if (usable(item)) return true
        if (item.kind === 'buffered') this.bufferBytes -= item.message.data.byteLength
        return false
      }
      for (const item of this.groups.take(max, usableInGroup)) {
        if (item.kind === 'buffered') this.bufferBytes -= item.message.data.byteLength
        out.push(item)
      }
    } else {
      while (out.length < max && this.returnedHead < this.returned.length) {
        const entry = this.returned[this.returnedHead]!
        this.returned[this.returnedHead++] = undefined as unknown as Tracked
        const item = trackedCandidate(entry)
        if (usable(item)) out.push(item)
      }
      if (this.returnedHead === this.returned.length) {
        this.returned.length = 0
        this.returnedHead = 0
      }
      while (out.length < max) {
        const m = this.takeBuffered()
        if (m === undefined) break
        const item = bufferedCandidate(m)
        if (usable(item)) out.push(item)
      }
    }
    for (const item of out) {
      this.reserved.set(item.counter, item)
      if (item.kind === 'tracked') item.entry.pending = true
    }
    return out
  }

  /** Whether a reservation still holds (nothing settled the message meanwhile). */
  stillReserved (item: Candidate): boolean {
    return this.reserved.get(item.counter) === item
  }

  /** Gives a reservation back: the message is receivable again. */
  release (item: Candidate): void {
    if (this.reserved.get(item.counter) !== item) return
    this.reserved.delete(item.counter)
    if (item.kind === 'tracked') {
      item.entry.pending = false
      this.groups?.unblock(item.group, item.counter)
      this.makeVisible(item.entry)
    } else {
      this.groups?.unblock(item.group, item.counter)
      this.bufferBytes += item.message.data.byteLength
      if (this.groups !== undefined) this.groups.add(item)
      else this.buffer.splice(this.bufferHead, 0, item.message)
    }
  }

  // ---- events ----------------------------------------------------------------------------

  applyReceived (items: readonly ReceivedItem[], at: number): void {
    for (const item of items) {
      const [counter, ts, seq, deadline, count, firstTs] = item
      const group = item[6]
      if (seq > this.seq) this.seq = seq
      const reserved = this.reserved.get(counter)
      if (reserved !== undefined) this.reserved.delete(counter)
      if (this.isDone(counter)) continue
      let entry = this.tracked.get(counter)
      if (entry === undefined) {
        entry = new Tracked(counter, ts, group)
        this.track(entry)
      } else if (!entry.pending) {
        // Replay: the entry was visible or in flight under an older handle.
        if (entry.state === 'inflight') this.groups?.unblock(entry.group, counter)
        else if (entry.state === 'visible') this.groups?.remove(entry.group, counter)
        this.delayed.delete(entry)
      }
      entry.pending = false
      if (entry.seq !== seq) entry.handle = undefined
      entry.seq = seq
      entry.deadline = deadline
      entry.receivedAt = at
      entry.receiveCount = count
      entry.firstReceiveTs = firstTs
      entry.state = 'inflight'
      this.inflight.add(entry)
      // A reserved message already blocks its group.
      if (reserved === undefined) this.groups?.block(group, counter)
      this.visibility.push({ at: deadline, entry, seq })
    }
  }

  applyVisibility (items: ReadonlyArray<readonly [number, number, number]>): void {
    for (const [counter, seq, deadline] of items) {
      const entry = this.tracked.get(counter)
      if (entry === undefined || entry.seq !== seq) continue
      if (entry.state === 'visible') {
        // Replay of a change made while in flight, after its deadline was settled here.
        this.groups?.remove(entry.group, counter)
        this.groups?.block(entry.group, counter)
        entry.state = 'inflight'
        this.inflight.add(entry)
      }
      entry.deadline = deadline
      this.visibility.push({ at: deadline, entry, seq })
    }
  }

  applySettled (counters: readonly number[]): void {
    for (const c of counters) this.settleCounter(c, this.tracked.get(c)?.ts)
  }

  applyPurged (upTo: number, at: number): void {
    this.lastPurge = { at, upTo }
    if (upTo <= this.start) return
    for (const entry of [...this.tracked.values()]) {
      if (entry.counter <= upTo) this.untrack(entry)
    }
    for (const c of [...this.reserved.keys()]) if (c <= upTo) this.reserved.delete(c)
    this.done.dropThrough(upTo)
    this.start = this.done.advance(upTo)
    this.startTs = Math.max(this.startTs, this.tailTs)
    if (this.cursor <= upTo) {
      // Everything read ahead was sent before the purge.
      this.buffer.length = 0
      this.bufferHead = 0
      this.bufferBytes = 0
      this.returned.length = 0
      this.returnedHead = 0
      this.groups?.clear()
      this.cursor = this.start
      this.cursorTs = this.startTs
    }
  }

  // ---- counting --------------------------------------------------------------------------

  /** Exact counts; the caller settled the state and expired what retention passed first. */
  counts (): Counts {
    const unsettled = this.tail - this.start - this.done.size
    const notVisible = this.inflight.size + this.reserved.size
    const delayed = this.delayed.size
    return { visible: Math.max(0, unsettled - notVisible - delayed), notVisible, delayed }
  }

  /** The tracked messages, for snapshots. */
  trackedEntries (): IterableIterator<Tracked> {
    return this.tracked.values()
  }

  /** Restores a tracked message from a snapshot (in flight, delayed, or visible by its fields). */
  restore (entry: Tracked, now: number): void {
    if (this.isDone(entry.counter)) return
    this.track(entry)
    if (entry.receiveCount === 0 && entry.visibleAt > now) {
      entry.state = 'delayed'
      this.delayed.add(entry)
      this.delays.push(entry)
    } else if (entry.seq > 0) {
      entry.state = 'inflight'
      this.inflight.add(entry)
      this.groups?.block(entry.group, entry.counter)
      this.visibility.push({ at: entry.deadline, entry, seq: entry.seq })
    } else {
      this.tracked.delete(entry.counter)
    }
  }
}
