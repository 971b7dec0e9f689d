/**
 * Reads one shard with GetRecords, as `tail` and `export` do: pages in order, waits out
 * throttling (a shard serves 5 GetRecords calls/s), and at the end of a closed shard
 * returns its children so the caller can go on with them. No enhanced fan-out consumer is
 * registered: reading changes nothing on the server.
 */
import { isShardlineError, type ChildShard, type ShardIteratorType, type StreamClient, type StreamRecord } from '../../client/index.js'
import { sleep } from '../../client/sleep.js'

export interface ShardReadOptions {
  readonly streamName: string
  readonly shardId: string
  readonly from: ShardIteratorType
  /** Keep polling at the shard's end (tail), or stop once caught up (export). */
  readonly follow: boolean
  /** Pause between polls of a caught-up shard. */
  readonly pollMs: number
  readonly signal: AbortSignal
  readonly onRecords: (records: StreamRecord[]) => void | Promise<void>
}

/** Throttled: wait this long before the next call. */
const THROTTLE_PAUSE_MS = 250

/** The children of the shard when it was read to its end; undefined when caught up (not following) or aborted. */
export async function readShard (client: StreamClient, options: ShardReadOptions): Promise<ChildShard[] | undefined> {
  const { streamName, shardId, signal } = options
  let iterator: string | undefined = (await client.getShardIterator({ streamName, shardId, shardIteratorType: options.from })).shardIterator
  while (!signal.aborted && iterator !== undefined && iterator !== '') {
    let page
    try {
      page = await client.getRecords({ shardIterator: iterator })
    } catch (err) {
      if (isShardlineError(err) && err.code === 'THROUGHPUT_EXCEEDED') {
        await sleep(THROTTLE_PAUSE_MS, signal)
        continue
      }
      throw err
    }
    if (page.records.length > 0) await options.onRecords(page.records)
    iterator = page.nextShardIterator
    if (iterator === undefined || iterator === '') return page.childShards
    if (page.records.length === 0 || page.millisBehindLatest === 0) {
      if (!options.follow && page.millisBehindLatest === 0 && page.records.length === 0) return undefined
      if (page.records.length === 0) await sleep(options.pollMs, signal)
    }
  }
  return undefined
}
