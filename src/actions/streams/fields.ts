/**
 * Field schemas shared by several operations, with the Kinesis constraints.
 */
import { Type } from '@sinclair/typebox'
import { Bytes } from '../schema.js'
import { MIB } from '../../streams/shard-throttle.js'

export const StreamName = Type.String({ minLength: 1, maxLength: 128, pattern: '^[a-zA-Z0-9_.-]+$' })
export const StreamArn = Type.String({ minLength: 1, maxLength: 2048, pattern: '^arn:aws.*:kinesis:.*:\\d{12}:stream/\\S+$' })
export const ShardId = Type.String({ minLength: 1, maxLength: 128, pattern: '^[a-zA-Z0-9_.-]+$' })
export const PartitionKey = Type.String({ minLength: 1, maxLength: 256 })
export const HashKey = Type.String({ pattern: '^(0|[1-9]\\d{0,38})$' })
export const SequenceNumber = Type.String({ pattern: '^(0|[1-9]\\d{0,128})$' })
export const RecordData = Bytes(MIB)
export const TagKey = Type.String({ minLength: 1, maxLength: 128 })
export const TagValue = Type.String({ maxLength: 256 })
export const NextToken = Type.String({ minLength: 1, maxLength: 1_048_576 })
export const RetentionHours = Type.Integer({ minimum: 24, maximum: 8760 })

/** Every call that takes a stream name also takes its ARN; one of them is required. */
export const StreamRefFields = {
  stream_name: Type.Optional(StreamName),
  stream_arn: Type.Optional(StreamArn)
}

/** A Kinesis tag map: at most `max` tags. */
export function TagMap (max: number) {
  return Type.Record(Type.String(), TagValue, { maxProperties: max, propertyNames: { minLength: 1, maxLength: 128 } })
}
