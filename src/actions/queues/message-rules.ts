/**
 * What SQS requires of a message, checked in the order AWS checks it: the body's
 * characters, the message attributes (names, data types, values), the system attributes
 * (AWSTraceHeader only), and the size (body plus every attribute's name, type and value,
 * at most the queue's MaximumMessageSize).
 */
import { createHash } from 'node:crypto'
import { ServiceError } from '../../errors.js'
import type { MessageAttributeValue } from '../../queues/message-codec.js'
import { byName, md5OfAttributes } from '../../queues/md5.js'
import type { Queue, SendSpec } from '../../queues/queue.js'

export const MAX_BODY_BYTES = 1_048_576
export const MAX_MESSAGE_ATTRIBUTES = 10

/** Characters outside XML 1.0's set (and lone surrogates, which `u` makes unmatched). */
const INVALID_CHARACTER = /[^\t\n\r\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u
const ALLOWED = '#x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF'

function codePointHex (text: string): string {
  return '#x' + (text.codePointAt(0) ?? 0).toString(16).toUpperCase()
}

export function checkBody (body: string): void {
  const bad = INVALID_CHARACTER.exec(body)
  if (bad !== null) {
    throw new ServiceError('INVALID_MESSAGE_CONTENTS', `Invalid binary character '${codePointHex(bad[0])}' was found in the message body, the set of allowed characters is ${ALLOWED}`)
  }
}

/** Names: letters (any script), digits, `_`, `-`, `.`; not `AWS.`/`Amazon.`; no leading, trailing or double `.`. */
const ATTRIBUTE_NAME = /^[\p{L}\p{N}_.-]{1,256}$/u
const RESERVED_PREFIX = /^(aws|amazon)\./i
const DATA_TYPE = /^(String|Number|Binary)(\..+)?$/

/** A number SQS takes: up to 38 significant digits, exponent within -128..126. */
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/

export interface AttributeInput {
  readonly string_value?: string | undefined
  readonly binary_value?: Uint8Array | undefined
  readonly data_type?: string | undefined
}

function invalid (message: string): ServiceError {
  return new ServiceError('INVALID_PARAMETER_VALUE', message)
}

/** The message attributes as stored (sorted by name), and their size as SQS counts it. */
export function checkMessageAttributes (attributes: Record<string, AttributeInput> | undefined): { list: Array<[string, MessageAttributeValue]>, bytes: number } {
  const entries = Object.entries(attributes ?? {})
  if (entries.length > MAX_MESSAGE_ATTRIBUTES) {
    throw invalid(`Number of message attributes [${entries.length}] exceeds the allowed maximum [${MAX_MESSAGE_ATTRIBUTES}].`)
  }
  let bytes = 0
  const list: Array<[string, MessageAttributeValue]> = []
  for (const [name, value] of entries) {
    if (!ATTRIBUTE_NAME.test(name) || RESERVED_PREFIX.test(name) || name.startsWith('.') || name.endsWith('.') || name.includes('..')) {
      throw invalid(`Message (user) attribute name '${name}' is invalid: a name is 1 to 256 letters, digits, '_', '-' and '.', neither starting with 'AWS.' or 'Amazon.' nor starting or ending with '.', and without '..'.`)
    }
    const type = value.data_type
    if (type === undefined || type === '') throw invalid(`The message attribute '${name}' must contain non-empty message attribute type.`)
    const kind = DATA_TYPE.exec(type)?.[1]
    if (kind === undefined || type.length > 256) {
      throw invalid(`The type of message (user) attribute '${name}' is invalid: '${type.slice(0, 64)}' is not String, Number or Binary, optionally followed by '.' and a custom type, 256 characters at most.`)
    }
    if (kind === 'Binary') {
      if (value.binary_value === undefined || value.binary_value.byteLength === 0) throw invalid(`Message (user) attribute '${name}' must contain a non-empty value of type 'Binary'.`)
      list.push([name, { dataType: type, binaryValue: value.binary_value }])
      bytes += Buffer.byteLength(name) + Buffer.byteLength(type) + value.binary_value.byteLength
      continue
    }
    const text = value.string_value
    if (text === undefined || text === '') throw invalid(`Message (user) attribute '${name}' must contain a non-empty value of type '${kind}'.`)
    if (kind === 'Number' && !NUMBER.test(text)) throw invalid(`Can't cast the value of message (user) attribute '${name}' to a number.`)
    const bad = INVALID_CHARACTER.exec(text)
    if (bad !== null) throw invalid(`Message (user) attribute '${name}' has an invalid character '${codePointHex(bad[0])}' in its value; the set of allowed characters is ${ALLOWED}`)
    list.push([name, { dataType: type, stringValue: text }])
    bytes += Buffer.byteLength(name) + Buffer.byteLength(type) + Buffer.byteLength(text)
  }
  list.sort(byName)
  return { list, bytes }
}

/** MessageSystemAttributes: only AWSTraceHeader, a String. Returns its value and MD5. */
export function checkSystemAttributes (attributes: Record<string, AttributeInput> | undefined): { traceHeader?: string, md5?: string } {
  const entries = Object.entries(attributes ?? {})
  if (entries.length === 0) return {}
  for (const [name, value] of entries) {
    if (name !== 'AWSTraceHeader') throw invalid(`Message system attribute name '${name}' is invalid: the only one is AWSTraceHeader.`)
    if (value.data_type !== 'String' || value.string_value === undefined || value.string_value === '') {
      throw invalid(`Message system attribute '${name}' must contain a non-empty value of type 'String'.`)
    }
  }
  const value = attributes!.AWSTraceHeader!
  return {
    traceHeader: value.string_value!,
    md5: md5OfAttributes([['AWSTraceHeader', { dataType: 'String', stringValue: value.string_value! }]])!
  }
}

export interface MessageInput {
  readonly message_body: string
  readonly delay_seconds?: number | undefined
  readonly message_attributes?: Record<string, AttributeInput> | undefined
  readonly message_system_attributes?: Record<string, AttributeInput> | undefined
  readonly message_deduplication_id?: string | undefined
  readonly message_group_id?: string | undefined
}

/**
 * Turns one message of a SendMessage(Batch) into what the queue stores, or throws the
 * error AWS gives. `inBatch` words the size error as AWS does for a batch entry.
 * `headerTrace`: the request's X-Amzn-Trace-Id, the message's AWSTraceHeader unless its
 * MessageSystemAttributes name one (AWS takes the X-Ray header so).
 */
export function sendSpecOf (queue: Queue, input: MessageInput, senderId: string, inBatch: boolean, headerTrace?: string): { spec: SendSpec, bytes: number } {
  const settings = queue.doc.settings
  checkBody(input.message_body)
  const attributes = checkMessageAttributes(input.message_attributes)
  const system = checkSystemAttributes(input.message_system_attributes)
  const bytes = Buffer.byteLength(input.message_body, 'utf8') + attributes.bytes
  if (bytes > settings.maximumMessageSize) {
    throw invalid(`One or more parameters ${inBatch ? 'cannot be validated' : 'are invalid'}. Reason: Message must be shorter than ${settings.maximumMessageSize} bytes.`)
  }
  let delaySeconds = input.delay_seconds ?? settings.delaySeconds
  let deduplicationId = input.message_deduplication_id
  if (queue.fifo) {
    // A per-message delay of 0 is accepted, and the queue's delay still applies (AWS).
    if (input.delay_seconds !== undefined && input.delay_seconds !== 0) {
      throw invalid(`Value ${input.delay_seconds} for parameter DelaySeconds is invalid. Reason: The request include parameter that is not valid for this queue type.`)
    }
    delaySeconds = settings.delaySeconds
    if (input.message_group_id === undefined) {
      throw new ServiceError(inBatch ? 'INVALID_PARAMETER_VALUE' : 'MISSING_PARAMETER', 'The request must contain the parameter MessageGroupId.')
    }
    if (deduplicationId === undefined) {
      if (!settings.contentBasedDeduplication) {
        throw invalid('The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly')
      }
      deduplicationId = createHash('sha256').update(input.message_body, 'utf8').digest('hex')
    }
  } else if (deduplicationId !== undefined) {
    throw invalid(`Value ${deduplicationId} for parameter MessageDeduplicationId is invalid. Reason: The request include parameter that is not valid for this queue type.`)
  }
  return {
    spec: {
      body: input.message_body,
      attributes: attributes.list,
      md5OfMessageSystemAttributes: system.md5,
      traceHeader: system.traceHeader ?? headerTrace,
      delaySeconds,
      groupId: input.message_group_id,
      deduplicationId,
      senderId
    },
    bytes
  }
}
