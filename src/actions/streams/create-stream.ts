import { Type } from '@sinclair/typebox'
import { ServiceError } from '../../errors.js'
import { defineAction } from '../action.js'
import { rejectReservedTagKeys } from './rules.js'
import { MaxRecordSizeKiB, StreamName, TagMap } from './fields.js'
import { StringEnum } from '../schema.js'

/** ON_DEMAND streams start with 4 shards, as in Kinesis. */
const ON_DEMAND_SHARDS = 4

export const createStream = defineAction({
  name: 'CreateStream',
  input: Type.Object({
    stream_name: StreamName,
    shard_count: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000 })),
    stream_mode_details: Type.Optional(Type.Object({
      stream_mode: Type.Optional(StringEnum(['PROVISIONED', 'ON_DEMAND']))
    })),
    tags: Type.Optional(TagMap(50)),
    max_record_size_in_ki_b: Type.Optional(MaxRecordSizeKiB),
    partition_hash: Type.Optional(StringEnum(['MURMUR3', 'MD5']))
  }),
  async handle (ctx, input) {
    const mode = input.stream_mode_details?.stream_mode ?? 'PROVISIONED'
    if (mode === 'PROVISIONED' && input.shard_count === undefined) {
      throw new ServiceError('VALIDATION_FAILED', "1 validation error detected: Value null at 'shard_count' failed to satisfy constraint: Member must not be null (a PROVISIONED stream needs 1 to 10000 shards)")
    }
    rejectReservedTagKeys(Object.keys(input.tags ?? {}))
    await ctx.streams.create({
      name: input.stream_name,
      shardCount: mode === 'ON_DEMAND' ? ON_DEMAND_SHARDS : input.shard_count!,
      mode,
      partitionHash: input.partition_hash ?? 'MURMUR3',
      tags: input.tags ?? {},
      maxRecordSizeKiB: input.max_record_size_in_ki_b
    })
    return {}
  }
})
