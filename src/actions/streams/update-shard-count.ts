import { Type } from '@sinclair/typebox'
import { ServiceError } from '../../errors.js'
import { defineAction } from '../action.js'
import { MAX_OPEN_SHARDS } from '../../streams/resharding.js'
import { StreamRefInput } from './fields.js'
import { StringEnum } from '../schema.js'
import { checkShardLimit } from './account-quota.js'
import { countDailyCall } from './daily-quota.js'
import { checkReshardable, checkShardQuota } from './resharding-checks.js'

export const updateShardCount = defineAction({
  name: 'UpdateShardCount',
  input: StreamRefInput({
    target_shard_count: Type.Integer({ minimum: 1, maximum: MAX_OPEN_SHARDS }),
    scaling_type: StringEnum(['UNIFORM_SCALING'])
  }),
  async handle (ctx, input) {
    const stream = ctx.streams.require(input, 'mutable', 'UpdateShardCount')
    checkReshardable(stream, 'UpdateShardCount')
    const current = stream.openShardCount
    const target = input.target_shard_count
    const now = ctx.config.clock()
    if (target > 2 * current) {
      throw new ServiceError('LIMIT_EXCEEDED', `UpdateShardCount may at most double the open shards of stream ${stream.name}: ${current} open, so the target can be at most ${2 * current}; ${target} was asked.`)
    }
    if (target * 2 < current) {
      throw new ServiceError('LIMIT_EXCEEDED', `UpdateShardCount may at most halve the open shards of stream ${stream.name}: ${current} open, so the target must be at least ${Math.ceil(current / 2)}; ${target} was asked.`)
    }
    checkShardQuota(stream.name, target)
    checkShardLimit(ctx, target - current)
    const quota = ctx.config.shardCountUpdatesPerDay
    const calls = countDailyCall(ctx, stream.doc.scalingCalls, now, quota, (count) =>
      `Stream ${stream.name} has been scaled ${count} times in the last 24 hours; UpdateShardCount is allowed ${quota} times per rolling 24 hours.`)
    // The call counts towards the quota when made, with the scaling still to come.
    stream.doc.scalingCalls = calls
    await ctx.streams.requestReshard(stream, { kind: 'scale', target })
    return {
      stream_name: stream.name,
      stream_arn: stream.arn,
      current_shard_count: current,
      target_shard_count: target
    }
  }
})
