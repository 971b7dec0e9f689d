import { Type } from '@sinclair/typebox'
import { ServiceError } from '../../errors.js'
import { capacityMiBps } from '../../streams/on-demand-scaler.js'
import { defineAction } from '../action.js'
import { StreamRefFields } from './fields.js'
import { applyWarmThroughput, WarmThroughputMiBps, warmShardsFor } from './warm-throughput.js'

/**
 * Warms an ON_DEMAND stream: it is split at once until its shards take `warm_throughput_mi_bps`
 * (1 MiB/s each), and never merged below that. The answer's current_mi_bps is what the stream
 * took before the call, as it is still scaling towards the target (UPDATING).
 */
export const updateStreamWarmThroughput = defineAction({
  name: 'UpdateStreamWarmThroughput',
  input: Type.Object({
    ...StreamRefFields,
    warm_throughput_mi_bps: WarmThroughputMiBps
  }),
  async handle (ctx, input) {
    const stream = ctx.streams.require(input, 'mutable', 'UpdateStreamWarmThroughput')
    if (stream.doc.mode !== 'ON_DEMAND') {
      throw new ServiceError('INVALID_ARGUMENT', `Stream ${stream.name} under account ${stream.scope.accountId} is in ${stream.doc.mode} mode; warm throughput is only supported for streams in ON_DEMAND mode.`)
    }
    const before = capacityMiBps(stream.openShardCount)
    const shards = warmShardsFor(ctx, stream, input.warm_throughput_mi_bps)
    await ctx.streams.reshard(stream, () => { applyWarmThroughput(ctx, stream, input.warm_throughput_mi_bps, shards) })
    return {
      stream_arn: stream.arn,
      stream_name: stream.name,
      warm_throughput: { target_mi_bps: input.warm_throughput_mi_bps, current_mi_bps: before }
    }
  }
})
