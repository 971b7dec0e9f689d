import { Type } from '@sinclair/typebox'
import { ServiceError } from '../../errors.js'
import { adjacent, mergeShards as merge } from '../../streams/resharding.js'
import { defineAction } from '../action.js'
import { ShardId, StreamRefFields } from './fields.js'
import { checkReshardable, openShardOf } from './resharding-checks.js'

export const mergeShards = defineAction({
  name: 'MergeShards',
  input: Type.Object({
    ...StreamRefFields,
    shard_to_merge: ShardId,
    adjacent_shard_to_merge: ShardId
  }),
  async handle (ctx, input) {
    const stream = ctx.streams.require(input, 'mutable')
    checkReshardable(stream, 'MergeShards')
    const shard = openShardOf(ctx, stream, input.shard_to_merge)
    const neighbour = openShardOf(ctx, stream, input.adjacent_shard_to_merge)
    if (shard === neighbour || !adjacent(shard, neighbour)) {
      throw new ServiceError('INVALID_ARGUMENT', `Shards ${shard.id} and ${neighbour.id} in stream ${stream.name} are not adjacent: one's hash key range must end right before the other's starts.`)
    }
    await ctx.streams.reshard(stream, () => { merge(stream, shard, neighbour, ctx.config.clock) })
    return {}
  }
})
