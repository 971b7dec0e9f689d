/**
 * Finding the shard a call names, with AWS's answers: a shard id that names no index is
 * refused before the stream is looked at, and each operation words a missing stream or
 * shard its own way (see the suite notes in README).
 */
import { ServiceError } from '../../errors.js'
import { formatShardId, parseShardId, type Shard, type Stream } from '../../streams/stream-model.js'
import { parseStreamArn, type StreamRef } from '../../streams/stream-ref.js'
import type { ActionContext } from '../action.js'

/** The stream name a request names, directly or by ARN. */
export function streamNameOf (ref: StreamRef): string {
  const arn = ref.stream_arn
  if (arn !== undefined && arn !== '') return parseStreamArn(arn)?.name ?? arn
  return ref.stream_name ?? ''
}

/** The index `shardId` names; "Could not find shard" when it names none (AWS checks this first). */
export function shardIndexOf (ctx: ActionContext, ref: StreamRef, shardId: string): number {
  const index = parseShardId(shardId)
  if (index === undefined) {
    throw new ServiceError('SHARD_NOT_FOUND', `Could not find shard ${shardId} in stream ${streamNameOf(ref)} under account ${ctx.scope.accountId}.`)
  }
  return index
}

/**
 * The stream and shard a data-plane call reads (GetShardIterator, SubscribeToShard). A
 * stream that is missing or not readable yet is answered as a missing shard, as AWS does.
 */
export function readableShard (ctx: ActionContext, ref: StreamRef, shardId: string, action: string): { stream: Stream, shard: Shard } {
  const index = shardIndexOf(ctx, ref, shardId)
  const missing = (accountId: string): ServiceError =>
    new ServiceError('SHARD_NOT_FOUND', `Shard ${formatShardId(index)} in stream ${streamNameOf(ref)} under account ${accountId} does not exist`)
  let stream: Stream
  try {
    stream = ctx.streams.require(ref, 'readable', action)
  } catch (err) {
    if (err instanceof ServiceError && err.code === 'STREAM_NOT_FOUND') throw missing(ctx.scope.accountId)
    throw err
  }
  const shard = stream.shards.get(index)
  if (shard === undefined) throw missing(stream.scope.accountId)
  return { stream, shard }
}

/** The shard `index` of a stream found already, for a call that changes shards; AWS's words when it has none. */
export function shardOfStream (stream: Stream, index: number): Shard {
  const shard = stream.shards.get(index)
  if (shard === undefined) {
    throw new ServiceError('SHARD_NOT_FOUND', `Could not find shard ${formatShardId(index)} in stream ${stream.name} under account ${stream.scope.accountId}.`)
  }
  return shard
}
