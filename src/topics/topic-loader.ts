/**
 * Rebuilding a topic's projection on start: its latest snapshot, then the state-log
 * events after it; and on FIFO topics the last 5 minutes of published messages, for
 * deduplication. A restart reads what changed since the last snapshot, never the whole
 * history.
 */
import { positionAfter, type ShardPosition } from '../storage/record-key.js'
import type { Store, StoredRecord } from '../storage/store.js'
import { decodePublished } from './message-record.js'
import { decodeTopicEvent } from './topic-events.js'
import { DEDUP_WINDOW_MS } from './topic-model.js'
import type { TopicSnapshot } from './topic-state.js'
import type { Topic } from './topic.js'

const PAGE = { limit: 5000, maxBytes: 16 * 1024 * 1024 }

async function scan (store: Store, streamId: number, from: ShardPosition, each: (record: StoredRecord) => void): Promise<void> {
  let next = from
  for (;;) {
    const records = await store.readRecords({ streamId, shard: 0, from: next, ...PAGE })
    for (const record of records) each(record)
    const last = records[records.length - 1]
    if (last === undefined) return
    next = positionAfter(last)
  }
}

export async function loadTopic (topic: Topic, store: Store, now: number): Promise<void> {
  const snap = await store.getDocument<TopicSnapshot>(topic.snapshotKey)
  if (snap !== undefined) {
    topic.state.restore(snap)
    // Retention may have trimmed the streams empty; numbering must continue above what
    // the cursors name.
    topic.messageShard.raiseTail({ ts: snap.tail[0], counter: snap.tail[1] })
    if (snap.log !== null) topic.logShard.raiseTail({ ts: snap.log[0], counter: snap.log[1] })
  }
  let last: ShardPosition | undefined = snap?.log == null ? undefined : { ts: snap.log[0], counter: snap.log[1] }
  await scan(store, topic.log.id, last === undefined ? { ts: 0, counter: 0 } : positionAfter(last), (record) => {
    topic.state.apply(decodeTopicEvent(record.data))
    last = { ts: record.ts, counter: record.counter }
  })
  topic.logPosition = last
  for (const sub of topic.state.subscriptions.values()) topic.messageShard.raiseTail({ ts: sub.cursor[0], counter: sub.cursor[1] })
  if (topic.fifo) {
    await scan(store, topic.messages.id, { ts: now - DEDUP_WINDOW_MS, counter: 0 }, (record) => {
      topic.rememberPublished(decodePublished(record.data), record)
    })
  }
}
