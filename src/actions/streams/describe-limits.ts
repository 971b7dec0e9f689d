import { Type } from '@sinclair/typebox'
import { shardQuota } from '../../streams/account-limits.js'
import { defineAction } from '../action.js'
import { onDemandStreamCount } from './account-quota.js'

/**
 * The account's quotas and what counts against them: open shards of every stream (on-demand
 * ones too) and ON_DEMAND streams. The quotas are reported with `--limits off` too, where
 * they are not enforced.
 */
export const describeLimits = defineAction({
  name: 'DescribeLimits',
  input: Type.Object({}),
  async handle (ctx) {
    return {
      shard_limit: shardQuota(ctx.config, ctx.scope.region),
      open_shard_count: ctx.streams.provisionedShardTotal(),
      on_demand_stream_count: onDemandStreamCount(ctx),
      on_demand_stream_count_limit: ctx.config.onDemandStreamLimit
    }
  }
})
