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
/** The model's bound (10 MiB); a stream's own limit (UpdateMaxRecordSize) is checked against data plus key. */
export const RecordData = Bytes(10 * MIB)
export const TagKey = Type.String({ minLength: 1, maxLength: 128 })
export const TagValue = Type.String({ maxLength: 256 })
export const NextToken = Type.String({ minLength: 1, maxLength: 1_048_576 })
export const RetentionHours = Type.Integer({ minimum: 24, maximum: 8760 })
/** The largest record a stream takes, in KiB: 1 to 10 MiB. */
export const MaxRecordSizeKiB = Type.Integer({ minimum: 1024, maximum: 10_240 })
/** A stream or consumer ARN (TagResource, PutResourcePolicy and the like). */
export const ResourceArn = Type.String({ minLength: 1, maxLength: 2048, pattern: '^arn:aws.*:kinesis:.*:\\d{12}:.*stream/\\S+$' })

/** Every call that takes a stream name also takes its ARN; one of them is required. */
export const StreamRefFields = {
  stream_name: Type.Optional(StreamName),
  stream_arn: Type.Optional(StreamArn)
}

/** A Kinesis tag map: at most `max` tags (and at least `min`, when given). */
export function TagMap (max: number, min?: number) {
  return Type.Record(Type.String(), TagValue, { maxProperties: max, ...(min === undefined ? {} : { minProperties: min }), propertyNames: { minLength: 1, maxLength: 128 } })
}
