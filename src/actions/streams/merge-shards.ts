import { ServiceError } from '../../errors.js'
import { defineAction } from '../action.js'
import { ShardId, StreamRefInput } from './fields.js'
import { checkReshardable, openShardOf } from './resharding-checks.js'
import { shardIndexOf } from './shard-lookup.js'

export const mergeShards = defineAction({
  name: 'MergeShards',
  input: StreamRefInput({
    shard_to_merge: ShardId,
    adjacent_shard_to_merge: ShardId
  }),
  async handle (ctx, input) {
    const indexes = [shardIndexOf(ctx, input, input.shard_to_merge), shardIndexOf(ctx, input, input.adjacent_shard_to_merge)] as const
    const stream = ctx.streams.require(input, 'mutable', 'MergeShards')
    checkReshardable(stream, 'MergeShards')
    const shard = openShardOf(stream, indexes[0])
    const neighbour = openShardOf(stream, indexes[1])
    // As AWS: the adjacent shard's range starts right after the shard's.
    if (shard.hashEnd + 1n !== neighbour.hashStart) {
      throw new ServiceError('INVALID_ARGUMENT', `Shards ${shard.id} and ${neighbour.id} in stream ${stream.name} under account ${stream.scope.accountId} are not an adjacent pair of shards eligible for merging`)
    }
    await ctx.streams.requestReshard(stream, { kind: 'merge', shard: shard.index, adjacent: neighbour.index })
    return {}
  }
})
