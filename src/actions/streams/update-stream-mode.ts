import { Type } from '@sinclair/typebox'
import { ServiceError } from '../../errors.js'
import { defineAction } from '../action.js'
import { checkOnDemandStreamLimit, checkShardLimit } from './account-quota.js'
import { countDailyCall } from './daily-quota.js'
import { StreamArn } from './fields.js'
import { StringEnum } from '../schema.js'
import { applyWarmThroughput, WarmThroughputMiBps, warmShardsFor } from './warm-throughput.js'

/** AWS: a stream switches between modes at most twice per rolling 24 hours. */
const SWITCHES_PER_DAY = 2

/**
 * Switches a stream between PROVISIONED and ON_DEMAND. It keeps its shards either way: an
 * ON_DEMAND stream is scaled from there on (on-demand-scaler.ts), a PROVISIONED one keeps
 * what it has until UpdateShardCount. As in AWS, the stream is named by ARN only.
 */
export const updateStreamMode = defineAction({
  name: 'UpdateStreamMode',
  input: Type.Object({
    stream_arn: StreamArn,
    stream_mode_details: Type.Object({ stream_mode: StringEnum(['PROVISIONED', 'ON_DEMAND']) }),
    warm_throughput_mi_bps: Type.Optional(WarmThroughputMiBps)
  }),
  async handle (ctx, input) {
    const stream = ctx.streams.require({ stream_arn: input.stream_arn }, 'mutable', 'UpdateStreamMode')
    const mode = input.stream_mode_details.stream_mode
    const warm = input.warm_throughput_mi_bps
    if (mode === stream.doc.mode) {
      throw new ServiceError('INVALID_ARGUMENT', `Stream ${stream.name} under account ${stream.scope.accountId} is already in ${mode} mode.`)
    }
    if (warm !== undefined && mode !== 'ON_DEMAND') {
      throw new ServiceError('INVALID_ARGUMENT', 'warm_throughput_mi_bps is only valid when the stream mode is being updated to ON_DEMAND.')
    }
    const now = ctx.config.clock()
    const switches = countDailyCall(ctx, stream.doc.modeChanges, now, SWITCHES_PER_DAY, (count) =>
      `Stream ${stream.name} has switched modes ${count} times in the last 24 hours; a stream may switch between PROVISIONED and ON_DEMAND ${SWITCHES_PER_DAY} times per rolling 24 hours.`)
    if (mode === 'ON_DEMAND') checkOnDemandStreamLimit(ctx)
    // Its shards join the account's shard quota once it is PROVISIONED.
    else checkShardLimit(ctx, stream.openShardCount)
    const shards = warm === undefined ? stream.openShardCount : warmShardsFor(ctx, stream, warm)
    await ctx.streams.reshard(stream, () => {
      stream.doc.mode = mode
      stream.doc.modeChanges = switches
      // Load seen before an earlier switch says nothing about now.
      for (const shard of stream.openShardsByHash) {
        shard.upLoad = undefined
        shard.coldSince = undefined
      }
      if (mode === 'ON_DEMAND') applyWarmThroughput(ctx, stream, warm ?? 0, shards)
      else stream.doc.warmThroughputMiBps = undefined
    })
    return {}
  }
})
