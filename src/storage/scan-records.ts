/**
 * Reads a single-shard internal stream (a queue's or topic's messages or state log) from
 * `from` to its end, a large page at a time: how a projection is rebuilt on start.
 */
import { positionAfter, type ShardPosition } from './record-key.js'
import type { Store, StoredRecord } from './store.js'

const PAGE = { limit: 5000, maxBytes: 16 * 1024 * 1024 }

export async function scanRecords (store: Store, streamId: number, from: ShardPosition, each: (record: StoredRecord) => void): Promise<void> {
  let next = from
  for (;;) {
    const records = await store.readRecords({ streamId, shard: 0, from: next, ...PAGE })
    for (const record of records) each(record)
    const last = records[records.length - 1]
    if (last === undefined) return
    next = positionAfter(last)
  }
}
