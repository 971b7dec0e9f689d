/**
 * Field schemas shared by several operations, with the Kinesis constraints.
 */
import { Type, type TSchema, type TUnsafe } from '@sinclair/typebox'
import { Bytes } from './validation.js'
import { MIB } from '../streams/shard-throttle.js'

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
// At most 15 digits of milliseconds (year 33658): the width sequence numbers give them.
// `epochMs` marks the field for transports whose wire writes timestamps another way (AWS
// JSON: epoch seconds); validation ignores the keyword.
export const Timestamp = Type.Integer({ minimum: 0, maximum: 999_999_999_999_999, epochMs: true })

/** Whether a schema is a timestamp field (milliseconds since the epoch). */
export function isEpochMs (schema: TSchema): boolean {
  return (schema as { epochMs?: unknown }).epochMs === true
}
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

/**
 * A string enum as one JSON Schema `enum`, so a wrong value is one validation error that
 * lists the allowed values (a union of literals would report one error per literal).
 */
export function StringEnum<const T extends readonly string[]> (values: T): TUnsafe<T[number]> {
  // No `type: 'string'`: an unknown enum number from protobuf is a bad enum value, not a
  // wrong type.
  return Type.Unsafe<T[number]>({ enum: [...values] })
}
