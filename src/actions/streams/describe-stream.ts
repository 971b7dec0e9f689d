import { Type } from '@sinclair/typebox'
import { defineAction } from '../action.js'
import { ShardId, StreamRefInput } from './fields.js'
import { encryptionShape, enhancedMonitoringShape, shardShape, shardsAfter, streamModeShape } from './shapes.js'

export const describeStream = defineAction({
  name: 'DescribeStream',
  input: StreamRefInput({
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000 })),
    exclusive_start_shard_id: Type.Optional(ShardId)
  }),
  async handle (ctx, input) {
    const stream = ctx.streams.require(input, 'any', 'DescribeStream')
    // AWS lists no shards while a stream is being created or deleted.
    const shards = stream.doc.status === 'CREATING' || stream.doc.status === 'DELETING' ? [] : shardsAfter(stream, input.exclusive_start_shard_id)
    const page = shards.slice(0, input.limit ?? 100)
    return {
      stream_description: {
        stream_name: stream.name,
        stream_arn: stream.arn,
        stream_status: stream.doc.status,
        stream_mode_details: streamModeShape(stream),
        shards: page.map((shard) => shardShape(stream, shard)),
        has_more_shards: page.length < shards.length,
        retention_period_hours: stream.doc.retentionHours,
        stream_creation_timestamp: stream.doc.createdAt,
        enhanced_monitoring: enhancedMonitoringShape(stream),
        ...encryptionShape(stream),
        partition_hash: stream.doc.partitionHash
      }
    }
  }
})
