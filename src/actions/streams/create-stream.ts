import { Type } from '@sinclair/typebox'
import { ServiceError } from '../../errors.js'
import { MAX_WARM_THROUGHPUT_MIBPS, ON_DEMAND_MIN_SHARDS, shardsForThroughput } from '../../streams/on-demand-scaler.js'
import { defineAction } from '../action.js'
import { checkOnDemandStreamLimit, checkShardLimit } from './account-quota.js'
import { checkTags } from './tag-rules.js'
import { MaxRecordSizeKiB, StreamName, TagMap } from './fields.js'
import { checkShardQuota } from './resharding-checks.js'
import { checkCommitment } from './warm-throughput.js'
import { StringEnum } from '../schema.js'

export const createStream = defineAction({
  name: 'CreateStream',
  input: Type.Object({
    // AWS validates up to 100,000; more than a stream's 10,000 shards is a LimitExceededException.
    shard_count: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000 })),
    stream_name: StreamName,
    stream_mode_details: Type.Optional(Type.Object({
      stream_mode: Type.Optional(StringEnum(['PROVISIONED', 'ON_DEMAND']))
    })),
    tags: Type.Optional(TagMap(50)),
    max_record_size_in_ki_b: Type.Optional(MaxRecordSizeKiB),
    warm_throughput_mi_bps: Type.Optional(Type.Integer({ minimum: 0 })),
    partition_hash: Type.Optional(StringEnum(['MURMUR3', 'MD5']))
  }, {
    // A PROVISIONED stream (the default) needs its shard count; an ON_DEMAND one starts with 4.
    requiredUnless: [{ member: 'shard_count', unless: ['stream_mode_details', 'stream_mode'], is: 'ON_DEMAND' }]
  }),
  async handle (ctx, input) {
    const mode = input.stream_mode_details?.stream_mode ?? 'PROVISIONED'
    const warm = input.warm_throughput_mi_bps
    if (warm !== undefined && mode !== 'ON_DEMAND') {
      throw new ServiceError('INVALID_ARGUMENT', `warm_throughput_mi_bps is only valid for streams in ON_DEMAND mode; stream ${input.stream_name} would be ${mode}.`)
    }
    if (warm !== undefined) checkCommitment(ctx, ctx.scope)
    if (warm !== undefined && warm > MAX_WARM_THROUGHPUT_MIBPS) {
      throw new ServiceError('LIMIT_EXCEEDED', `warm_throughput_mi_bps ${warm} is over the most an ON_DEMAND stream can be warmed to, ${MAX_WARM_THROUGHPUT_MIBPS} MiB/s.`)
    }
    const tags = input.tags ?? {}
    checkTags(tags, `Failed to add tags to stream ${input.stream_name} under account ${ctx.scope.accountId}`)
    // AWS answers an existing name before any quota.
    if (ctx.streams.exists(input.stream_name)) {
      throw new ServiceError('STREAM_EXISTS', `Stream ${input.stream_name} under account ${ctx.scope.accountId} already exists.`)
    }
    const shardCount = mode === 'ON_DEMAND' ? Math.max(ON_DEMAND_MIN_SHARDS, shardsForThroughput(warm ?? 0)) : input.shard_count!
    if (mode === 'PROVISIONED') checkShardLimit(ctx, shardCount)
    checkShardQuota(input.stream_name, shardCount)
    if (mode === 'ON_DEMAND') checkOnDemandStreamLimit(ctx)
    await ctx.streams.create({
      name: input.stream_name,
      shardCount,
      mode,
      partitionHash: input.partition_hash ?? ctx.config.partitionHash,
      tags: input.tags ?? {},
      maxRecordSizeKiB: input.max_record_size_in_ki_b,
      ...(warm === undefined || warm === 0 ? {} : { warmThroughputMiBps: warm })
    })
    return {}
  }
})
