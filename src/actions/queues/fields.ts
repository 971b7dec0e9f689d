/**
 * Field schemas the SQS operations share, with their AWS constraints and the marks the
 * codecs read (see sqs-design.md "Schema marks"): `awsName` (the JSON member where the
 * naming rule does not give it), `queryName` (the Query/XML name of a list's items or a
 * map's entries), `queryKey`/`queryValue` (a map entry's two parts), and the SQS
 * validation marks `reason`/`errors` (sqs-validation.ts).
 */
import { Type, type TSchema, type TString } from '@sinclair/typebox'
import { Bytes } from '../schema.js'
import { MAX_BODY_BYTES } from './message-rules.js'

/** Every SQS operation words validation errors as SQS does. */
export { sqsInvalid as invalid } from './sqs-validation.js'

export const QueueUrl = Type.String({ minLength: 1, errors: { minLength: { code: 'MISSING_PARAMETER', message: 'The request must contain the parameter QueueUrl.' } } })

// A `.fifo` name's length is CreateQueue's to check: AWS words it by the FifoQueue attribute.
export const QueueName = Type.String({
  minLength: 1,
  pattern: '^(?:[A-Za-z0-9_-]{1,80}|[A-Za-z0-9_-]+\\.fifo)$',
  errors: {
    minLength: { code: 'MISSING_PARAMETER', message: 'The request must contain the parameter QueueName.' },
    pattern: { code: 'INVALID_PARAMETER_VALUE', message: 'Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length' }
  }
})

export const ReceiptHandle = Type.String({ minLength: 1, errors: { minLength: { code: 'MISSING_PARAMETER', message: 'The request must contain the parameter ReceiptHandle.' } } })

export const VisibilityTimeout = Type.Integer({ minimum: 0, maximum: 43_200, reason: 'Must be between 0 and 43200, if provided.' })

/** Printable ASCII, 1 to 128: MessageGroupId, MessageDeduplicationId, ReceiveRequestAttemptId. */
function printableId (name: string): TString {
  return Type.String({ pattern: '^[\\x21-\\x7e]{1,128}$', reason: `${name} can only include alphanumeric and punctuation characters. 1 to 128 in length.` })
}
export const MessageGroupId = printableId('MessageGroupId')
export const MessageDeduplicationId = printableId('MessageDeduplicationId')
export const ReceiveRequestAttemptId = printableId('ReceiveRequestAttemptId')

export const BatchEntryId = Type.String({
  pattern: '^[A-Za-z0-9_-]{1,80}$',
  errors: {
    pattern: { code: 'INVALID_BATCH_ENTRY_ID', message: 'A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long.' }
  }
})

/** A batch's entries: 1 to 10. `entry` names the Query items (`SendMessageBatchRequestEntry`). */
export function BatchEntries<T extends TSchema> (entry: T, queryName: string) {
  const empty = { code: 'EMPTY_BATCH', message: `There should be at least one ${queryName} in the request.` } as const
  return Type.Array(entry, {
    minItems: 1,
    maxItems: 10,
    queryName,
    errors: {
      required: empty,
      minItems: empty,
      maxItems: { code: 'TOO_MANY_ENTRIES', message: 'Maximum number of entries per request are 10. You have sent {count}.' }
    }
  })
}

/** A list flattened in Query (`AttributeName.1`, `AttributeName.2`, ...). */
export function NameList (queryName: string) {
  return Type.Array(Type.String(), { queryName })
}

/** A string map flattened in Query as `<queryName>.N.<key>` / `<queryName>.N.<value>`. */
export function StringMap (queryName: string, queryKey: string, queryValue: string, options: Record<string, unknown> = {}) {
  return Type.Record(Type.String(), Type.String(), { queryName, queryKey, queryValue, ...options })
}

export const MessageAttributeValue = Type.Object({
  string_value: Type.Optional(Type.String()),
  binary_value: Type.Optional(Bytes(MAX_BODY_BYTES)),
  string_list_values: Type.Optional(Type.Array(Type.String(), { queryName: 'StringListValue' })),
  binary_list_values: Type.Optional(Type.Array(Bytes(MAX_BODY_BYTES), { queryName: 'BinaryListValue' })),
  data_type: Type.Optional(Type.String())
})

/** MessageAttributes / MessageSystemAttributes: `MessageAttribute.N.Name`, `MessageAttribute.N.Value.StringValue`, ... */
export function MessageAttributeMap (queryName: string) {
  return Type.Record(Type.String(), MessageAttributeValue, { queryName, queryKey: 'Name', queryValue: 'Value' })
}

export const TagMapField = StringMap('Tag', 'Key', 'Value')

export const NextToken = Type.String({ minLength: 1 })

/** A batch call's failed entry. */
export const BatchResultErrorEntry = Type.Object({
  id: Type.String(),
  sender_fault: Type.Boolean(),
  code: Type.String(),
  message: Type.Optional(Type.String())
})

export const Failed = Type.Array(BatchResultErrorEntry, { queryName: 'BatchResultErrorEntry' })

/** Actions with no output members answer this (JSON `{}`; Query: no Result element). */
export const Empty = Type.Object({})
