import { ServiceError } from '../../errors.js'
import { parseHashKey } from '../../streams/hash-key.js'
import { defineAction } from '../action.js'
import { HashKey, ShardId, StreamRefInput } from './fields.js'
import { checkShardLimit } from './account-quota.js'
import { checkReshardable, checkShardQuota, openShardOf } from './resharding-checks.js'
import { shardIndexOf } from './shard-lookup.js'

export const splitShard = defineAction({
  name: 'SplitShard',
  input: StreamRefInput({
    new_starting_hash_key: HashKey,
    shard_to_split: ShardId
  }),
  async handle (ctx, input) {
    const index = shardIndexOf(ctx, input, input.shard_to_split)
    const stream = ctx.streams.require(input, 'mutable', 'SplitShard')
    checkReshardable(stream, 'SplitShard')
    const parent = openShardOf(stream, index)
    checkShardLimit(ctx, 1)
    const at = parseHashKey(input.new_starting_hash_key)
    // AWS: the key must be greater than one plus the shard's starting key and less than its
    // ending key, so both children hold more than one hash key.
    if (at === undefined || at <= parent.hashStart + 1n || at >= parent.hashEnd) {
      throw new ServiceError('INVALID_ARGUMENT', `NewStartingHashKey ${input.new_starting_hash_key} used in SplitShard() on shard ${parent.id} in stream ${stream.name} under account ${stream.scope.accountId} is not both greater than one plus the shard's StartingHashKey ${parent.doc.hashStart} and less than the shard's EndingHashKey ${parent.doc.hashEnd}.`)
    }
    checkShardQuota(stream.name, stream.openShardCount + 1)
    await ctx.streams.requestReshard(stream, { kind: 'split', shard: parent.index, at: at.toString() })
    return {}
  }
})
