/**
 * The Producer's buffer, grouped by partition key, and the one rule that keeps each key's
 * records in order: a key never has records in two PutRecords calls at once.
 *
 * Why that suffices. Every record of a key goes to the same shard (absent resharding, where
 * a child's sequence numbers still follow its parent's; records of one key given different
 * explicit hash keys may go to different shards, and a shard is the unit of order). Within one call the server stores
 * a key's records in call order, and once a shard refuses a record it refuses the rest of
 * that call's records for that shard, so what a call stores of a key is a prefix of what it
 * carried and what must be retried is the suffix. The suffix goes back to the head of the
 * key's queue, ahead of records sent later, and the key stays out of every other call
 * until the retry is settled. Two calls in flight could otherwise reorder a key: the later
 * call may be stored while the earlier one is being throttled or retried.
 *
 * Throughput comes from many keys: while one key's records are in flight, calls carry the
 * other keys' records. A call takes whole runs of each key's queue (up to the batch
 * bounds), so with a backlog the keys spread over the calls in flight. A stream with one
 * busy key gets one call in flight, as ordering on one shard demands.
 *
 * Not used: PutRecord's sequence_number_for_ordering also orders a key, but one record per
 * call would cost a round trip per record; PutRecords has no such field.
 */
import type { ShardlineError } from './errors.js'
import type { CheckedRecord } from './producer-records.js'

export interface ProducerResult {
  shardId: string
  sequenceNumber: string
}

export interface QueuedRecord {
  readonly record: CheckedRecord
  /** The send's number, in call order. */
  readonly id: number
  /** When it entered the buffer (Date.now()): linger and the retry deadline count from here. */
  queuedAt: number
  attempts: number
  lastError: ShardlineError | undefined
  readonly resolve: (result: ProducerResult) => void
  readonly reject: (err: unknown) => void
}

type GroupState = 'ready' | 'busy' | 'waiting'

class KeyGroup {
  /** FIFO from `head`; while busy, the `inFlight` records from `head` are in a call. */
  items: Array<QueuedRecord | undefined> = []
  head = 0
  bytes = 0
  inFlight = 0
  state: GroupState = 'ready'

  constructor (readonly key: string) {}

  get size (): number {
    return this.items.length - this.head
  }

  at (i: number): QueuedRecord {
    return this.items[this.head + i]!
  }

  /**
   * The call is over: the in-flight records `keep` picks stay at the head, in their order,
   * ahead of the records that never left; the others leave. O(records in the call), however
   * long the key's backlog.
   */
  release (keep: (queued: QueuedRecord) => boolean): number {
    const end = this.head + this.inFlight
    let write = end
    for (let i = end - 1; i >= this.head; i--) {
      const queued = this.items[i]!
      if (keep(queued)) this.items[--write] = queued
      else this.bytes -= queued.record.bytes
    }
    for (let i = this.head; i < write; i++) this.items[i] = undefined
    const kept = end - write
    this.head = write
    this.inFlight = 0
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head)
      this.head = 0
    }
    return kept
  }
}

export interface Batch {
  readonly records: QueuedRecord[]
  readonly bytes: number
  /** The groups the batch took records from, each marked busy. */
  readonly groups: KeyGroup[]
}

export type { KeyGroup }

export class KeyQueue {
  readonly #groups = new Map<string, KeyGroup>()
  /** Insertion order is the order groups get into calls, so a group back from a call queues behind the others. */
  readonly #ready = new Set<KeyGroup>()
  #readyRecords = 0
  #readyBytes = 0

  /** Records that could go into a call now. */
  get readyRecords (): number {
    return this.#readyRecords
  }

  get readyBytes (): number {
    return this.#readyBytes
  }

  push (queued: QueuedRecord): void {
    const key = queued.record.partitionKey
    let group = this.#groups.get(key)
    if (group === undefined) {
      group = new KeyGroup(key)
      this.#groups.set(key, group)
      this.#ready.add(group)
    }
    group.items.push(queued)
    group.bytes += queued.record.bytes
    if (group.state === 'ready') {
      this.#readyRecords++
      this.#readyBytes += queued.record.bytes
    }
  }

  /** queuedAt of the oldest record that could go into a call now. */
  oldestReadyAt (): number | undefined {
    let oldest: number | undefined
    for (const group of this.#ready) {
      const at = group.at(0).queuedAt
      if (oldest === undefined || at < oldest) oldest = at
    }
    return oldest
  }

  /**
   * The next call's records: whole runs from the head of each ready group, groups in ready
   * order, within the bounds (at least one record, even one over maxBytes). Every group
   * touched turns busy, including one cut short by the bounds.
   */
  take (maxRecords: number, maxBytes: number): Batch | undefined {
    const records: QueuedRecord[] = []
    const groups: KeyGroup[] = []
    let bytes = 0
    for (const group of this.#ready) {
      let n = 0
      while (n < group.size && records.length < maxRecords) {
        const queued = group.at(n)
        if (records.length > 0 && bytes + queued.record.bytes > maxBytes) break
        records.push(queued)
        bytes += queued.record.bytes
        n++
      }
      if (n === 0) break
      this.#leaveReady(group)
      group.state = 'busy'
      group.inFlight = n
      groups.push(group)
      if (records.length >= maxRecords || n < group.size) break
    }
    return records.length === 0 ? undefined : { records, bytes, groups }
  }

  /**
   * A call is over. `keep` picks the in-flight records to send again; they stay at the
   * head of their group, in their order. A group with records to retry waits for `wake`
   * when `backoff` is set; otherwise it is ready at once (or dropped when empty).
   */
  release (batch: Batch, keep: (queued: QueuedRecord) => boolean, backoff: boolean): KeyGroup[] {
    const waiting: KeyGroup[] = []
    for (const group of batch.groups) {
      const kept = group.release(keep)
      if (backoff && kept > 0) {
        group.state = 'waiting'
        waiting.push(group)
      } else {
        this.#settle(group)
      }
    }
    return waiting
  }

  /** A waiting group's backoff is over. */
  wake (group: KeyGroup): void {
    if (group.state === 'waiting') this.#settle(group)
  }

  #settle (group: KeyGroup): void {
    if (group.size === 0) {
      this.#groups.delete(group.key)
      return
    }
    group.state = 'ready'
    this.#ready.add(group)
    this.#readyRecords += group.size
    this.#readyBytes += group.bytes
  }

  #leaveReady (group: KeyGroup): void {
    this.#ready.delete(group)
    this.#readyRecords -= group.size
    this.#readyBytes -= group.bytes
  }
}

/** A FIFO whose shift is O(1): sends may pile up by the million when callers do not await. */
export class Fifo<T> {
  #items: Array<T | undefined> = []
  #head = 0

  get length (): number {
    return this.#items.length - this.#head
  }

  peek (): T | undefined {
    return this.#items[this.#head]
  }

  push (item: T): void {
    this.#items.push(item)
  }

  shift (): T | undefined {
    if (this.#head >= this.#items.length) return undefined
    const item = this.#items[this.#head]
    this.#items[this.#head++] = undefined
    // Drop the consumed prefix once it is most of the array, so memory follows the length.
    if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
      this.#items = this.#items.slice(this.#head)
      this.#head = 0
    }
    return item
  }
}
