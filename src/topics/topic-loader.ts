/**
 * Rebuilding a topic's projection on start: its latest snapshot, then the state-log
 * events after it; and on FIFO topics the last 5 minutes of published messages, for
 * deduplication. A restart reads what changed since the last snapshot, never the whole
 * history.
 */
import { positionAfter, type ShardPosition } from '../storage/record-key.js'
import { scanRecords } from '../storage/scan-records.js'
import type { Store } from '../storage/store.js'
import { decodePublished } from './message-record.js'
import { decodeTopicEvent } from './topic-events.js'
import { DEDUP_WINDOW_MS } from './topic-model.js'
import type { TopicSnapshot } from './topic-state.js'
import type { Topic } from './topic.js'

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
  await scanRecords(store, topic.log.id, last === undefined ? { ts: 0, counter: 0 } : positionAfter(last), (record) => {
    topic.state.apply(decodeTopicEvent(record.data))
    last = { ts: record.ts, counter: record.counter }
  })
  topic.logPosition = last
  for (const sub of topic.state.subscriptions.values()) topic.messageShard.raiseTail({ ts: sub.cursor[0], counter: sub.cursor[1] })
  if (topic.fifo) {
    await scanRecords(store, topic.messages.id, { ts: now - DEDUP_WINDOW_MS, counter: 0 }, (record) => {
      topic.rememberPublished(decodePublished(record.data), record)
    })
  }
}
