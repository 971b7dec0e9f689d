/**
 * A reshard that waits for the end of UPDATING. Kinesis keeps a stream's shards as they
 * are while a SplitShard, MergeShards or UpdateShardCount is in progress (the stream is
 * UPDATING; records still go to, and are read from, the old shards) and reshards when it
 * becomes ACTIVE. With a state-transition delay (`--create-stream-ms`) shardline does
 * the same: the request is kept in the stream's document beside its UPDATING status, so
 * a restart in between applies it too, and is applied at the transition (stream-registry.ts).
 */
import type { Clock } from '../clock.js'
import { mergeShards, scaleUniformly, splitShard } from './resharding.js'
import type { Shard, Stream } from './stream-model.js'

/** What a reshard asked for, by shard index: plain data, as it is persisted. */
export type PendingReshard =
  | { readonly kind: 'split', readonly shard: number, readonly at: string }
  | { readonly kind: 'merge', readonly shard: number, readonly adjacent: number }
  | { readonly kind: 'scale', readonly target: number }

/** The stream's open shards once the reshard is applied. */
export function openShardsAfter (stream: Stream, pending: PendingReshard): number {
  switch (pending.kind) {
    case 'split': return stream.openShardCount + 1
    case 'merge': return stream.openShardCount - 1
    case 'scale': return pending.target
  }
}

/**
 * Applies the reshard to the stream's shards, synchronously (see resharding.ts for why).
 * It was checked when asked for, and nothing else reshards an UPDATING stream, so its
 * shards are still open; false, and nothing changed, if they are not.
 */
export function applyPendingReshard (stream: Stream, pending: PendingReshard, clock: Clock): boolean {
  switch (pending.kind) {
    case 'split': {
      const parent = openShard(stream, pending.shard)
      if (parent === undefined) return false
      splitShard(stream, parent, BigInt(pending.at), clock)
      return true
    }
    case 'merge': {
      const shard = openShard(stream, pending.shard)
      const adjacent = openShard(stream, pending.adjacent)
      if (shard === undefined || adjacent === undefined) return false
      mergeShards(stream, shard, adjacent, clock)
      return true
    }
    case 'scale':
      scaleUniformly(stream, pending.target, clock)
      return true
  }
}

function openShard (stream: Stream, index: number): Shard | undefined {
  const shard = stream.shards.get(index)
  return shard?.open === true ? shard : undefined
}
