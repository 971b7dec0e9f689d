/**
 * Where a shard's records come from: GetRecords polling or an enhanced fan-out subscription.
 * Both yield the same batches, the last one of a closed shard carrying its children, and both
 * stop promptly when the signal aborts.
 */
import { followShard } from '../follow-shard.js'
import type { StreamClient } from '../stream-client.js'
import type { ChildShard, StartingPosition, StreamRecord } from '../types.js'
import { errorCode, isRetriable, sleep } from './lease-api.js'
import { streamRef } from './options.js'

export interface SourceBatch {
  records: StreamRecord[]
  millisBehindLatest: number
  /** Set on the last batch of a closed shard. */
  ended?: { childShards: ChildShard[] }
}

export type RecordSource = (position: StartingPosition, signal: AbortSignal) => AsyncIterable<SourceBatch>

/** Read limit per shard: 5 GetRecords calls per second. */
const MIN_POLL_INTERVAL_MS = 200
const MAX_BACKOFF_MS = 5000

/** A lease's checkpoint as the position to resume from. */
export function positionOf (checkpoint: string, timestamp: number): StartingPosition {
  if (checkpoint === 'TRIM_HORIZON' || checkpoint === 'LATEST') return { type: checkpoint }
  if (checkpoint === 'AT_TIMESTAMP') return { type: 'AT_TIMESTAMP', timestamp }
  return { type: 'AFTER_SEQUENCE_NUMBER', sequenceNumber: checkpoint }
}

export interface PollingSourceOptions {
  client: StreamClient
  stream: string
  shardId: string
  limit: number
  onError: (error: Error) => void
}

export function pollingSource (options: PollingSourceOptions): RecordSource {
  const { client, stream, shardId } = options
  async function iterator (position: StartingPosition): Promise<string> {
    const { shardIterator } = await client.getShardIterator({
      ...streamRef(stream),
      shardId,
      shardIteratorType: position.type,
      ...(position.sequenceNumber === undefined ? {} : { startingSequenceNumber: position.sequenceNumber }),
      ...(position.timestamp === undefined ? {} : { timestamp: position.timestamp })
    })
    return shardIterator
  }
  return async function * poll (start, signal) {
    let position = start
    let shardIterator: string | undefined
    let lastCall = 0
    let backoff = 0
    while (!signal.aborted) {
      const wait = lastCall + MIN_POLL_INTERVAL_MS + backoff - performance.now()
      if (wait > 0) await sleep(wait, signal)
      if (signal.aborted) return
      let page
      try {
        shardIterator ??= await iterator(position)
        lastCall = performance.now()
        page = await client.getRecords({ shardIterator, limit: options.limit })
      } catch (err) {
        const code = errorCode(err)
        if (code === 'ITERATOR_EXPIRED' || code === 'INVALID_ITERATOR') {
          shardIterator = undefined
          continue
        }
        if (code === 'THROUGHPUT_EXCEEDED' || isRetriable(err)) {
          // Another reader (a worker handing the shard over) shares the 5 calls/s budget.
          backoff = Math.min(Math.max(backoff * 2, MIN_POLL_INTERVAL_MS), MAX_BACKOFF_MS)
          lastCall = performance.now()
          if (code !== 'THROUGHPUT_EXCEEDED') options.onError(err as Error)
          continue
        }
        throw err
      }
      backoff = 0
      const last = page.records.at(-1)
      if (last !== undefined) position = { type: 'AFTER_SEQUENCE_NUMBER', sequenceNumber: last.sequenceNumber }
      shardIterator = page.nextShardIterator
      if (shardIterator === undefined || shardIterator === '') {
        yield { records: page.records, millisBehindLatest: page.millisBehindLatest, ended: { childShards: page.childShards } }
        return
      }
      if (page.records.length > 0) yield { records: page.records, millisBehindLatest: page.millisBehindLatest }
    }
  }
}

export interface FanoutSourceOptions {
  client: StreamClient
  consumerArn: string
  shardId: string
}

export function fanoutSource (options: FanoutSourceOptions): RecordSource {
  return async function * subscribe (start, signal) {
    for await (const event of followShard(options.client, { consumerArn: options.consumerArn, shardId: options.shardId, startingPosition: start, signal })) {
      if (signal.aborted) return
      if (event.type === 'records') {
        yield { records: event.event.records, millisBehindLatest: event.event.millisBehindLatest }
      } else {
        yield { records: [], millisBehindLatest: 0, ended: { childShards: event.childShards } }
        return
      }
    }
  }
}
