/**
 * Checks shared by SplitShard, MergeShards and UpdateShardCount.
 */
import { ServiceError } from '../../errors.js'
import { MAX_GENERATION, MAX_OPEN_SHARDS } from '../../streams/resharding.js'
import type { Shard, Stream } from '../../streams/stream-model.js'
import { shardOfStream } from './shard-lookup.js'

/** A shard that can still be split or merged. */
export function openShardOf (stream: Stream, index: number): Shard {
  const shard = shardOfStream(stream, index)
  if (!shard.open) {
    throw new ServiceError('INVALID_ARGUMENT', `Shard ${shard.id} in stream ${stream.name} under account ${stream.scope.accountId} has already been merged or split, and thus is not eligible for merging or splitting.`)
  }
  return shard
}

export function checkShardQuota (streamName: string, openAfter: number): void {
  if (openAfter > MAX_OPEN_SHARDS) {
    throw new ServiceError('LIMIT_EXCEEDED', `Stream ${streamName} would have ${openAfter} open shards; a stream may have at most ${MAX_OPEN_SHARDS}.`)
  }
}

/**
 * Whether the stream may be resharded: Kinesis reshards only PROVISIONED streams (ON_DEMAND
 * ones scale themselves), and sequence numbers must have room for another generation.
 */
export function checkReshardable (stream: Stream, operation: string): void {
  if (stream.doc.mode !== 'PROVISIONED') {
    throw new ServiceError('INVALID_ARGUMENT', `${operation} is only supported for streams in PROVISIONED mode; stream ${stream.name} is ${stream.doc.mode}.`)
  }
  checkGenerationRoom(stream)
}

/** A reshard adds at most 2 generations. */
export function checkGenerationRoom (stream: Stream): void {
  const deepest = Math.max(...stream.openShardsByHash.map((s) => s.doc.generation))
  if (deepest + 2 > MAX_GENERATION) {
    throw new ServiceError('LIMIT_EXCEEDED', `Stream ${stream.name} has been resharded ${deepest} generations deep; sequence numbers allow at most ${MAX_GENERATION}.`)
  }
}
