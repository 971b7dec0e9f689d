import { Type } from '@sinclair/typebox'
import { ServiceError } from '../../errors.js'
import { parseHashKey } from '../../streams/hash-key.js'
import { splitShard as split } from '../../streams/resharding.js'
import { defineAction } from '../action.js'
import { HashKey, ShardId, StreamRefFields } from './fields.js'
import { checkShardLimit } from './account-quota.js'
import { checkReshardable, checkShardQuota, openShardOf } from './resharding-checks.js'

export const splitShard = defineAction({
  name: 'SplitShard',
  input: Type.Object({
    ...StreamRefFields,
    shard_to_split: ShardId,
    new_starting_hash_key: HashKey
  }),
  async handle (ctx, input) {
    const stream = ctx.streams.require(input, 'mutable')
    checkReshardable(stream, 'SplitShard')
    const parent = openShardOf(ctx, stream, input.shard_to_split)
    checkShardLimit(ctx, 1)
    const at = parseHashKey(input.new_starting_hash_key)
    // AWS: the key must be greater than one plus the shard's starting key and less than its
    // ending key, so both children hold more than one hash key.
    if (at === undefined || at <= parent.hashStart + 1n || at >= parent.hashEnd) {
      throw new ServiceError('INVALID_ARGUMENT', `new_starting_hash_key ${input.new_starting_hash_key} used to split ${parent.id} in stream ${stream.name} is not both greater than one plus the shard's starting hash key (${parent.doc.hashStart}) and less than its ending hash key (${parent.doc.hashEnd}).`)
    }
    checkShardQuota(stream.name, stream.openShardCount + 1)
    await ctx.streams.reshard(stream, () => { split(stream, parent, at, ctx.config.clock) })
    return {}
  }
})
