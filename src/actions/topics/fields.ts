/**
 * Field schemas the SNS operations share. SNS's Query layout is the unflattened one
 * (`Topics.member.N`, `Attributes.entry.N.key`/`.value`), which the Query codec writes for
 * lists and maps without a `queryName` mark; MessageAttributes' entries name their parts
 * `Name` and `Value` (`queryKey`/`queryValue`).
 */
import { Type } from '@sinclair/typebox'
import { Bytes } from '../schema.js'

/** The largest message SNS takes (MaximumMessageSize at most). */
export const MAX_MESSAGE_BYTES = 1_048_576

export { snsInvalid as invalid } from './sns-validation.js'

/** A string map: `<Member>.entry.N.key` / `.value` in Query. */
export function AttributeMap (options: Record<string, unknown> = {}) {
  return Type.Record(Type.String(), Type.String(), options)
}

export const Tag = Type.Object({
  key: Type.String({ minLength: 1, maxLength: 128 }),
  value: Type.String({ maxLength: 256 })
})

export const TagList = Type.Array(Tag)

export function MemberList (options: Record<string, unknown> = {}) {
  return Type.Array(Type.String(), options)
}

export const SnsMessageAttributeValue = Type.Object({
  data_type: Type.String(),
  string_value: Type.Optional(Type.String()),
  binary_value: Type.Optional(Bytes(MAX_MESSAGE_BYTES))
})

/** MessageAttributes: `MessageAttributes.entry.N.Name`, `MessageAttributes.entry.N.Value.DataType`, ... */
export function MessageAttributeMap () {
  return Type.Record(Type.String(), SnsMessageAttributeValue, { queryKey: 'Name', queryValue: 'Value' })
}

export const TopicArnField = Type.String()
export const NextToken = Type.String()

/** Actions with no output members answer this. */
export const Empty = Type.Object({})

/**
 * The output of actions whose model names a Result element with no members (TagResource,
 * SetSMSAttributes, ...): the Query answer carries an empty `<ActionResult/>`, which the
 * SDKs look for (botocore fails with a KeyError on an answer without it).
 */
export const EmptyResult = Type.Object({}, { resultElement: true })
