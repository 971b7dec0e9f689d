/**
 * Peeking at a queue: its oldest unsettled messages, read from the queue's message stream
 * without receiving them, so nothing changes (no receive count, no visibility timeout, no
 * event in the state log). SQS has no such call; the console is the only caller.
 */
import type { Store } from '../storage/store.js'
import { decodeMessage } from '../queues/message-codec.js'
import type { Queue } from '../queues/queue.js'

export const PEEK_MAX = 10

export interface PeekedMessage {
  readonly messageId: string
  readonly body: string
  readonly state: 'visible' | 'inflight' | 'delayed'
  readonly receiveCount: number
  readonly sentTimestamp: number
  readonly groupId?: string | undefined
  readonly attributes: Record<string, string>
}

/** Reads are bounded: at most this many records are looked at to find PEEK_MAX unsettled ones. */
const SCAN_LIMIT = 1000

export async function peekMessages (queue: Queue, store: Store, max: number, now: number): Promise<PeekedMessage[]> {
  const state = queue.state
  const horizon = queue.horizon(now)
  const records = await store.readRecords({
    streamId: queue.messages.id,
    shard: 0,
    from: { ts: Math.max(state.startTs, horizon), counter: state.start + 1 },
    limit: SCAN_LIMIT,
    maxBytes: 4 * 1024 * 1024
  })
  const out: PeekedMessage[] = []
  for (const record of records) {
    if (out.length >= max) break
    if (record.counter <= state.start || record.counter > state.tail || record.ts < horizon || state.isDone(record.counter)) continue
    const message = decodeMessage(record.data)
    const tracked = state.tracked.get(record.counter)
    const attributes: Record<string, string> = {}
    for (const [name, value] of message.attributes) attributes[name] = value.stringValue ?? `(${value.dataType}, ${value.binaryValue?.byteLength ?? 0} bytes)`
    out.push({
      messageId: message.messageId,
      body: message.body,
      state: tracked?.state ?? (message.visibleAt > now ? 'delayed' : 'visible'),
      receiveCount: (tracked?.receiveCount ?? 0) + message.priorReceiveCount,
      sentTimestamp: message.sentTimestamp,
      groupId: message.groupId,
      attributes
    })
  }
  return out
}
