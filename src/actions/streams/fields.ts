/**
 * Field schemas shared by several operations, with the Kinesis constraints in the order
 * AWS checks them (see schema.ts).
 */
import { Type, type TProperties } from '@sinclair/typebox'
import { awsPattern, Bytes, StringEnum, StringMap } from '../schema.js'
import { MIB } from '../../streams/shard-throttle.js'

export const StreamName = Type.String({ pattern: awsPattern('[a-zA-Z0-9_.-]+'), minLength: 1, maxLength: 128 })
export const StreamArn = Type.String({ minLength: 1, maxLength: 2048, pattern: awsPattern('arn:aws.*:kinesis:.*:\\d{12}:stream/\\S+') })
export const ShardId = Type.String({ pattern: awsPattern('[a-zA-Z0-9_.-]+'), minLength: 1, maxLength: 128 })
export const PartitionKey = Type.String({ minLength: 1, maxLength: 256 })
export const HashKey = Type.String({ pattern: awsPattern('0|([1-9]\\d{0,38})') })
export const SequenceNumber = Type.String({ pattern: awsPattern('0|([1-9]\\d{0,128})') })
/** The model's bound (10 MiB); a stream's own limit (UpdateMaxRecordSize) is checked against data plus key. */
export const RecordData = Bytes(10 * MIB)
export const TagKey = Type.String({ minLength: 1, maxLength: 128 })
// A list's or map's member constraints are printed as one bracket, the upper bound first.
const TagKeyMember = Type.String({ maxLength: 128, minLength: 1 })
export const TagValue = Type.String({ maxLength: 256, minLength: 0 })
/** In the order AWS lists the values when one is wrong. */
export const ShardIteratorType = StringEnum(['AFTER_SEQUENCE_NUMBER', 'LATEST', 'AT_TIMESTAMP', 'AT_SEQUENCE_NUMBER', 'TRIM_HORIZON'])
export const NextToken = Type.String({ minLength: 1, maxLength: 1_048_576 })
export const RetentionHours = Type.Integer({ minimum: 24, maximum: 8760 })
/** The largest record a stream takes, in KiB: 1 to 10 MiB. */
export const MaxRecordSizeKiB = Type.Integer({ minimum: 1024, maximum: 10_240 })
/** A stream or consumer ARN (TagResource, PutResourcePolicy and the like). */
export const ResourceArn = Type.String({ minLength: 1, maxLength: 2048, pattern: awsPattern('arn:aws.*:kinesis:.*:\\d{12}:.*stream/\\S+') })

/** A Kinesis tag map: at most `max` tags (and at least `min`, when given). */
export function TagMap (max: number, min?: number) {
  return StringMap(TagKeyMember, TagValue, { ...(min === undefined ? {} : { minProperties: min }), maxProperties: max })
}

/** A list of 1 to `max` tag keys. */
export function TagKeyList (max: number) {
  return Type.Array(TagKeyMember, { minItems: 1, maxItems: max })
}

/** The two stream members, for inputs that declare their own order (and older callers). */
export const StreamRefFields = {
  stream_name: Type.Optional(StreamName),
  stream_arn: Type.Optional(StreamArn)
}

/**
 * The members of a call that takes a stream by name or by ARN, `members` between them in
 * AWS's order: StreamName comes last among the members AWS has always had, StreamARN
 * after every other. Without either, AWS reports StreamName as a null member.
 */
export function StreamRefInput<T extends TProperties> (members: T) {
  return Type.Object({
    ...members,
    stream_name: Type.Optional(StreamName),
    stream_arn: Type.Optional(StreamArn)
  }, { requiredOneOf: [['stream_name', 'stream_arn']] })
}
