import { Type } from '@sinclair/typebox'
import { defineAction } from '../action.js'
import { MAX_OPEN_SHARDS } from './resharding-checks.js'

/**
 * shardline has no account-wide quotas: the only shard bound is the per-stream maximum,
 * which is what is reported as the shard limit. The on-demand stream limit is AWS's
 * default (50), reported so tools that read it get a sensible figure; it is not enforced.
 */
const ON_DEMAND_STREAM_COUNT_LIMIT = 50

export const describeLimits = defineAction({
  name: 'DescribeLimits',
  input: Type.Object({}),
  async handle (ctx) {
    const streams = ctx.streams.list()
    return {
      shard_limit: MAX_OPEN_SHARDS,
      open_shard_count: streams.reduce((sum, s) => sum + s.openShardCount, 0),
      on_demand_stream_count: streams.filter((s) => s.doc.mode === 'ON_DEMAND').length,
      on_demand_stream_count_limit: ON_DEMAND_STREAM_COUNT_LIMIT
    }
  }
})
