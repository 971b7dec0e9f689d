import { defineAction } from '../action.js'
import { StreamRefInput } from './fields.js'
import { encryptionShape, enhancedMonitoringShape, streamModeShape } from './shapes.js'
import { warmThroughputShape } from './warm-throughput.js'

export const describeStreamSummary = defineAction({
  name: 'DescribeStreamSummary',
  input: StreamRefInput({}),
  async handle (ctx, input) {
    const stream = ctx.streams.require(input, 'any', 'DescribeStreamSummary')
    return {
      stream_description_summary: {
        stream_name: stream.name,
        stream_arn: stream.arn,
        stream_status: stream.doc.status,
        stream_mode_details: streamModeShape(stream),
        retention_period_hours: stream.doc.retentionHours,
        stream_creation_timestamp: stream.doc.createdAt,
        enhanced_monitoring: enhancedMonitoringShape(stream),
        ...encryptionShape(stream),
        open_shard_count: stream.openShardCount,
        consumer_count: ctx.consumers.list(stream).length,
        max_record_size_in_ki_b: stream.maxRecordBytes / 1024,
        warm_throughput: warmThroughputShape(ctx, stream),
        partition_hash: stream.doc.partitionHash
      }
    }
  }
})
