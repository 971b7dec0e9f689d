/**
 * EnableEnhancedMonitoring and DisableEnhancedMonitoring: the stream's shard-level
 * metrics are kept, returned before and after the call (Current and Desired), and shown
 * by DescribeStream. `ALL` stands for every metric. No metric is published anywhere:
 * shardline has no CloudWatch.
 */
import { Type } from '@sinclair/typebox'
import { SHARD_LEVEL_METRICS, type ShardLevelMetric } from '../../streams/stream-model.js'
import { defineAction } from '../action.js'
import { StringEnum } from '../schema.js'
import { StreamRefFields } from './fields.js'

const input = Type.Object({
  ...StreamRefFields,
  shard_level_metrics: Type.Array(StringEnum([...SHARD_LEVEL_METRICS, 'ALL']), { minItems: 1, maxItems: 7 })
})

function monitoringAction (name: string, enable: boolean) {
  return defineAction({
    name,
    input,
    async handle (ctx, request) {
      const stream = ctx.streams.require(request, 'mutable', name)
      const named = new Set<string>(request.shard_level_metrics)
      const current = stream.doc.shardLevelMetrics ?? []
      const touched = (metric: ShardLevelMetric): boolean => named.has('ALL') || named.has(metric)
      // Kept in AWS's order whatever order they were named in, so the lists compare as they read.
      const desired = SHARD_LEVEL_METRICS.filter((m) => enable ? current.includes(m) || touched(m) : current.includes(m) && !touched(m))
      stream.doc.shardLevelMetrics = desired
      await ctx.streams.save(stream)
      return {
        stream_name: stream.name,
        current_shard_level_metrics: current,
        desired_shard_level_metrics: desired,
        stream_arn: stream.arn
      }
    }
  })
}

export const enableEnhancedMonitoring = monitoringAction('EnableEnhancedMonitoring', true)
export const disableEnhancedMonitoring = monitoringAction('DisableEnhancedMonitoring', false)
