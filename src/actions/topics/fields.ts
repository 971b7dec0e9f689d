/**
 * Field schemas the SNS operations share, with the marks the codecs read: `queryName`
 * (SNS's Query names a list's items `member` and a map's entries `entry`),
 * `queryKey`/`queryValue` (a map entry's parts: `key`/`value` for Attributes,
 * `Name`/`Value` for MessageAttributes), and `awsName` where the naming rule does not
 * give the member's AWS name.
 */
import { Type } from '@sinclair/typebox'
import { Bytes } from '../schema.js'

/** The largest message SNS takes (MaximumMessageSize at most). */
export const MAX_MESSAGE_BYTES = 1_048_576

export { snsInvalid as invalid } from './sns-validation.js'

/** A string map flattened in Query as `<Member>.entry.N.key` / `.value`. */
export function AttributeMap () {
  return Type.Record(Type.String(), Type.String(), { queryName: 'entry', queryKey: 'key', queryValue: 'value' })
}

export const Tag = Type.Object({
  key: Type.String({ minLength: 1, maxLength: 128 }),
  value: Type.String({ maxLength: 256 })
})

export const TagList = Type.Array(Tag, { queryName: 'member' })

export function MemberList () {
  return Type.Array(Type.String(), { queryName: 'member' })
}

export const SnsMessageAttributeValue = Type.Object({
  data_type: Type.String(),
  string_value: Type.Optional(Type.String()),
  binary_value: Type.Optional(Bytes(MAX_MESSAGE_BYTES))
})

/** MessageAttributes: `MessageAttributes.entry.N.Name`, `MessageAttributes.entry.N.Value.DataType`, ... */
export function MessageAttributeMap () {
  return Type.Record(Type.String(), SnsMessageAttributeValue, { queryName: 'entry', queryKey: 'Name', queryValue: 'Value' })
}

export const TopicArnField = Type.String()
export const NextToken = Type.String()

/** Actions with no output members answer this. */
export const Empty = Type.Object({})
