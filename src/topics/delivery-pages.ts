/**
 * What a topic's subscription pumps share, so that a publish costs little more with a
 * thousand subscriptions than with one: a publish wakes every pump at once, and pumps at
 * the same cursor share one read of the next page of the topic's stream (and one decode
 * of each message in it, and one match of it against every filter policy: filter-index.ts).
 * A pump that moves past messages none of which it delivers (its filter matched nothing)
 * moves its cursor in memory only (Topic.movedQuietly), without a commit.
 */
import { comparePositions, positionAfter, type ShardPosition } from '../storage/record-key.js'
import type { StoredRecord } from '../storage/store.js'
import type { ShardCommit } from '../streams/stream-model.js'
import { FilterIndex } from './filter-index.js'
import { decodePublished } from './message-record.js'
import type { PublishedMessage, SubscriptionState } from './topic-model.js'
import { moveCursor } from './topic-state.js'
import type { Topic } from './topic.js'

const PAGE = { limit: 500, maxBytes: 4 * 1024 * 1024 }
/** How much of the topic's latest committed messages is kept in memory to serve pages from. */
const RECENT = { records: 2000, bytes: 8 * 1024 * 1024 }

/** A page of the topic's stream, each message decoded once for every pump that reads it. */
export class Page {
  private readonly decoded: Array<PublishedMessage | undefined>

  constructor (readonly records: readonly StoredRecord[]) {
    this.decoded = new Array<PublishedMessage | undefined>(records.length)
  }

  message (i: number): PublishedMessage {
    return (this.decoded[i] ??= decodePublished(this.records[i]!.data))
  }
}

export class DeliveryPages {
  /** The pumps' filter policies, indexed (rebuilt when subscriptions change). */
  filters = new FilterIndex([])
  /** Reads in flight (and just settled), by cursor, with the committed tail they were read at. */
  private readonly reads = new Map<string, { readonly committed: ShardPosition, readonly page: Promise<Page> }>()

  /**
   * The latest committed messages, in position order and without a gap (from index
   * `recentStart` on), as each commit reports them (Shard.onChange): the pumps mostly
   * read what was just published, and a page served from here costs no LevelDB read (a
   * thread-pool round trip on the way from a publish to its delivery).
   */
  private recent: StoredRecord[] = []
  private recentStart = 0
  private recentBytes = 0
  /** The position just before `recent[recentStart]`, when known. */
  private recentBefore: ShardPosition | undefined
  private readonly unlisten: () => void

  constructor (private readonly topic: Topic) {
    this.unlisten = topic.messageShard.onChange((commit) => { if (commit !== undefined) this.remember(commit) })
  }

  close (): void {
    this.unlisten()
    this.recent = []
    this.recentStart = 0
  }

  private remember (commit: ShardCommit): void {
    const last = this.recent.length > this.recentStart ? this.recent[this.recent.length - 1] : undefined
    if (last === undefined || commit.before === undefined || comparePositions(commit.before, last) !== 0) {
      // A gap (or the first commit seen): what is kept starts again here.
      this.recent = []
      this.recentStart = 0
      this.recentBytes = 0
      this.recentBefore = commit.before
    }
    for (const r of commit.records) {
      const data = Buffer.isBuffer(r.data) ? r.data : Buffer.from(r.data.buffer, r.data.byteOffset, r.data.byteLength)
      this.recent.push({ ts: r.ts, counter: r.counter, partitionKey: r.partitionKey, data })
      this.recentBytes += data.byteLength
    }
    while (this.recent.length - this.recentStart > RECENT.records || this.recentBytes > RECENT.bytes) {
      const dropped = this.recent[this.recentStart++]!
      this.recentBytes -= dropped.data.byteLength
      this.recentBefore = dropped
    }
    if (this.recentStart > RECENT.records) {
      this.recent = this.recent.slice(this.recentStart)
      this.recentStart = 0
    }
  }

  /** The page after `cursor` from the messages kept in memory, if they hold what follows it. */
  private fromMemory (cursor: ShardPosition): StoredRecord[] | undefined {
    const recent = this.recent
    if (recent.length <= this.recentStart) return undefined
    let from: number
    if (this.recentBefore !== undefined && comparePositions(cursor, this.recentBefore) === 0) {
      from = this.recentStart
    } else {
      // The cursor is a message kept here (counters rise by one per message, ts never falls).
      let lo = this.recentStart
      let hi = recent.length - 1
      let at = -1
      while (lo <= hi) {
        const mid = (lo + hi) >> 1
        const c = comparePositions(recent[mid]!, cursor)
        if (c === 0) {
          at = mid
          break
        }
        if (c < 0) lo = mid + 1
        else hi = mid - 1
      }
      if (at === -1) return undefined
      from = at + 1
    }
    if (from >= recent.length) return undefined
    const out: StoredRecord[] = []
    let bytes = 0
    for (let i = from; i < recent.length && out.length < PAGE.limit; i++) {
      const r = recent[i]!
      bytes += r.data.byteLength + r.partitionKey.length
      if (out.length > 0 && bytes > PAGE.maxBytes) break
      out.push(r)
    }
    return out
  }

  /**
   * The page after `cursor`, shared by every pump that asks for it meanwhile. A page read
   * when less was committed still serves a pump that has seen more committed: it is a
   * prefix of what that pump would read, and the pump reads on from its end. Unless it is
   * empty: to a pump an empty page means "trimmed by retention", so an empty page read
   * before the tail it knows of is read again.
   */
  read (cursor: ShardPosition, committed: ShardPosition): Promise<Page> {
    const key = `${cursor.ts}:${cursor.counter}`
    const known = this.reads.get(key)
    if (known === undefined) return this.readNew(key, cursor, committed)
    if (comparePositions(known.committed, committed) >= 0) return known.page
    return known.page.then((page) => page.records.length > 0 ? page : this.readNew(key, cursor, committed))
  }

  private readNew (key: string, cursor: ShardPosition, committed: ShardPosition): Promise<Page> {
    const topic = this.topic
    const kept = this.fromMemory(cursor)
    const page = kept !== undefined
      ? Promise.resolve(new Page(kept))
      : topic.deps.store.readRecords({ streamId: topic.messages.id, shard: 0, from: positionAfter(cursor), ...PAGE }).then((records) => new Page(records))
    const entry = { committed, page }
    this.reads.set(key, entry)
    // Kept until the pumps woken with this read have taken it: their continuations run
    // before the next turn of the event loop.
    const forget = (): void => { setImmediate(() => { if (this.reads.get(key) === entry) this.reads.delete(key) }) }
    page.then(forget, forget)
    return page
  }

  /** Moves `sub`'s cursor past messages it delivers none of: in memory, logged later (Topic.movedQuietly). */
  advanceQuietly (sub: SubscriptionState, to: readonly [number, number]): void {
    moveCursor(sub, to)
    this.topic.movedQuietly()
  }
}
