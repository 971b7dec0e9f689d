/**
 * Rebuilding a queue's projection on start: its latest snapshot, then the messages sent
 * after it (their delays; on FIFO queues also the last 5 minutes, for deduplication), then
 * the state-log records after it. A restart therefore reads what changed since the last
 * snapshot, never the whole history.
 */
import { comparePositions, positionAfter, type ShardPosition } from '../storage/record-key.js'
import { scanRecords } from '../storage/scan-records.js'
import type { Store } from '../storage/store.js'
import { decodeMessageHeader } from './message-codec.js'
import { decodeEvent, type MoveTaskState, type QueueEvent } from './queue-events.js'
import { FIFO_MEMORY_MS } from './queue-model.js'
import { restoreSnapshot, type QueueSnapshot } from './queue-snapshot.js'
import type { Queue } from './queue.js'

/** Applies one state-log event to the queue's projection, as the live operation did. */
export function applyEvent (queue: Queue, event: QueueEvent, tasks: Map<string, MoveTaskState>): void {
  const state = queue.state
  switch (event.e) {
    case 'received':
      state.applyReceived(event.m, event.at)
      if (event.attempt !== undefined) queue.attempts?.remember(event.attempt, { messages: event.m.map((m) => [m[0], m[2]] as const) }, event.at)
      return
    case 'visibility':
      state.applyVisibility(event.m)
      return
    case 'deleted':
      state.applySettled(event.c)
      return
    case 'moved': {
      state.applySettled(event.c)
      const task = event.task === undefined ? undefined : tasks.get(event.task)
      if (task !== undefined) task.moved += event.c.length
      return
    }
    case 'purged':
      state.applyPurged(event.upTo, event.at)
      queue.dedup?.forgetThrough(event.upTo)
      return
    case 'task':
      tasks.set(event.task.taskId, { ...event.task })
  }
}

/** Loads the queue's state; returns the move tasks it knows of (the queue as their source). */
export async function loadQueue (queue: Queue, store: Store, now: number): Promise<MoveTaskState[]> {
  const state = queue.state
  const snap = await store.getDocument<QueueSnapshot>(queue.snapshotKey)
  if (snap !== undefined) {
    restoreSnapshot(state, snap, now)
    // Retention may have trimmed a stream empty; its numbering must not restart below
    // counters the state still names.
    queue.messageShard.raiseTail({ ts: snap.tailTs, counter: snap.tail })
    if (snap.log !== null) queue.logShard.raiseTail({ ts: snap.log[0], counter: snap.log[1] })
  }
  const tasks = new Map<string, MoveTaskState>()
  for (const task of snap?.tasks ?? []) tasks.set(task.taskId, { ...task })
  for (const [id, at, messages] of snap?.attempts ?? []) queue.attempts?.remember(id, { messages }, at)

  const afterTail = snap === undefined ? { ts: 0, counter: 0 } : positionAfter({ ts: snap.tailTs, counter: snap.tail })
  const dedupFrom = { ts: now - FIFO_MEMORY_MS, counter: 0 }
  const from = queue.fifo && comparePositions(dedupFrom, afterTail) < 0 ? dedupFrom : afterTail
  const scope = queue.doc.settings.deduplicationScope
  const resolved = Promise.resolve()
  await scanRecords(store, queue.messages.id, from, (record) => {
    const header = decodeMessageHeader(record.data)
    if (queue.dedup !== undefined && record.ts >= dedupFrom.ts && header.deduplicationId !== undefined) {
      const key = scope === 'messageGroup' ? `${header.groupId ?? ''}\n${header.deduplicationId}` : header.deduplicationId
      queue.dedup.remember(key, { messageId: header.messageId, sequenceNumber: queue.messageShard.sequenceNumber(record), counter: record.counter, committed: resolved }, record.ts)
    }
    if (record.counter > state.tail) {
      state.tail = record.counter
      state.tailTs = record.ts
      if (header.visibleAt > now) state.trackDelayed(record.counter, record.ts, queue.fifo ? record.partitionKey : undefined, header.visibleAt)
    }
  })
  if (state.lastPurge !== undefined) queue.dedup?.forgetThrough(state.lastPurge.upTo)

  const logFrom = snap?.log == null ? { ts: 0, counter: 0 } : positionAfter({ ts: snap.log[0], counter: snap.log[1] })
  let lastLog: ShardPosition | undefined = snap?.log == null ? undefined : { ts: snap.log[0], counter: snap.log[1] }
  await scanRecords(store, queue.log.id, logFrom, (record) => {
    applyEvent(queue, decodeEvent(record.data), tasks)
    lastLog = { ts: record.ts, counter: record.counter }
  })
  queue.logPosition = lastLog
  state.settle(now, queue.horizon(now))
  return [...tasks.values()]
}
