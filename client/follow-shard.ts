/**
 * Follows one shard through enhanced fan-out for as long as the caller wants: resubscribes
 * when a subscription expires (every 5 minutes) from its continuation sequence number, so
 * nothing is missed or repeated, retries what can be retried, and at the end of a closed
 * shard reports its children and stops.
 */
import { isShardlineError } from './errors.js'
import type { StreamClient } from './stream-client.js'
import type { ChildShard, StartingPosition, SubscribeToShardEvent } from './types.js'
import { sleep } from './sleep.js'

export interface FollowShardOptions {
  consumerArn: string
  shardId: string
  startingPosition: StartingPosition
  /** Stops following when aborted. */
  signal?: AbortSignal
  /** First retry delay after a retriable failure; doubles up to 5 s. Default 100 ms. */
  retryDelayMs?: number
}

export type FollowShardEvent =
  | { type: 'records', event: SubscribeToShardEvent }
  | { type: 'shard-end', childShards: ChildShard[] }

const MAX_RETRY_DELAY_MS = 5000

export async function * followShard (client: StreamClient, options: FollowShardOptions): AsyncGenerator<FollowShardEvent> {
  const { consumerArn, shardId, signal } = options
  let position = options.startingPosition
  let delay = options.retryDelayMs ?? 100
  while (signal?.aborted !== true) {
    const subscription = client.subscribeToShard({ consumerArn, shardId, startingPosition: position })
    const stop = (): void => subscription.cancel()
    signal?.addEventListener('abort', stop, { once: true })
    try {
      for await (const event of subscription) {
        delay = options.retryDelayMs ?? 100
        if (event.continuationSequenceNumber !== '') {
          position = { type: 'AFTER_SEQUENCE_NUMBER', sequenceNumber: event.continuationSequenceNumber }
        }
        if (event.records.length > 0) yield { type: 'records', event }
        if (event.childShards.length > 0) {
          yield { type: 'shard-end', childShards: event.childShards }
          return
        }
      }
      // The subscription's lifetime ended: continue from the continuation number.
    } catch (err) {
      // A retriable failure (including the previous subscription still being held for a
      // moment) is retried with backoff from the last continuation; anything else is the
      // caller's to handle.
      if (!isShardlineError(err) || !err.retriable) throw err
      await sleep(delay, signal)
      delay = Math.min(delay * 2, MAX_RETRY_DELAY_MS)
    } finally {
      signal?.removeEventListener('abort', stop)
    }
  }
}
