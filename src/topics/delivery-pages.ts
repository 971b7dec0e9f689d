/**
 * What a topic's subscription pumps share, so that a publish costs little more with a
 * thousand subscriptions than with one: a publish wakes every pump at once, and pumps at
 * the same cursor share one read of the next page of the topic's stream (and one decode
 * of each message in it, and one match of it against every filter policy: filter-index.ts); pumps that move past messages none of which they deliver (their
 * filter matched nothing) share one `cursor` event and one commit.
 *
 * A quiet cursor needs no batch of its own: nothing was delivered, so a crash that loses
 * the move only makes the pump read the same messages again and deliver nothing again.
 */
import { positionAfter, type ShardPosition } from '../storage/record-key.js'
import type { StoredRecord } from '../storage/store.js'
import { FilterIndex } from './filter-index.js'
import { decodePublished } from './message-record.js'
import type { PublishedMessage, SubscriptionState } from './topic-model.js'
import type { Topic } from './topic.js'

const PAGE = { limit: 500, maxBytes: 4 * 1024 * 1024 }

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
  /** Reads in flight (and just settled), by cursor and the committed tail they were read at. */
  private readonly reads = new Map<string, Promise<Page>>()
  private quiet: Array<[string, number, number]> = []
  private flush: Promise<void> | undefined

  constructor (private readonly topic: Topic) {}

  /**
   * The page after `cursor`. The key holds the committed tail too: a page read before
   * later messages were committed is not handed to a pump that has seen them committed
   * (an empty page means "trimmed by retention" to the pump).
   */
  read (cursor: ShardPosition, committed: ShardPosition): Promise<Page> {
    const key = `${cursor.ts}:${cursor.counter}/${committed.ts}:${committed.counter}`
    let page = this.reads.get(key)
    if (page === undefined) {
      const topic = this.topic
      const reading = topic.deps.store.readRecords({ streamId: topic.messages.id, shard: 0, from: positionAfter(cursor), ...PAGE }).then((records) => new Page(records))
      page = reading
      this.reads.set(key, reading)
      // Kept until the pumps woken with this read have taken it: their continuations run
      // before the next turn of the event loop.
      const forget = (): void => { setImmediate(() => { if (this.reads.get(key) === reading) this.reads.delete(key) }) }
      reading.then(forget, forget)
    }
    return page
  }

  /** Moves `sub`'s cursor past messages it delivers none of, in one event with every other pump's doing the same now. */
  advanceQuietly (sub: SubscriptionState, ts: number, counter: number): Promise<void> {
    this.quiet.push([sub.id, ts, counter])
    this.flush ??= new Promise<void>((resolve, reject) => {
      setImmediate(() => {
        const c = this.quiet
        this.quiet = []
        this.flush = undefined
        const topic = this.topic
        if (!topic.isOpen) return resolve()
        const staged = topic.deps.writer.stage()
        topic.stageEvent(staged, { e: 'cursor', at: topic.deps.config.clock(), c })
        staged.commit().then(() => { topic.noteChanges(1); resolve() }, reject)
      })
    })
    return this.flush
  }
}
