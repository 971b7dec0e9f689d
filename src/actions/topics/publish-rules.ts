/**
 * The checks Publish and PublishBatch share, in AWS's order, and the PublishSpec a valid
 * message becomes: the message and its size, Subject, MessageStructure json (a `default`
 * entry required), message attributes (types, values), and FIFO's group and deduplication.
 */
import { ServiceError } from '../../errors.js'
import { byName } from '../../queues/md5.js'
import type { TopicAttributeValue } from '../../topics/topic-model.js'
import type { PublishSpec, Topic } from '../../topics/topic.js'
import { maxMessageBytes } from './topic-attributes.js'

export interface PublishFields {
  readonly message: string
  readonly subject?: string | undefined
  readonly message_structure?: string | undefined
  readonly message_attributes?: Record<string, { data_type: string, string_value?: string | undefined, binary_value?: Uint8Array | undefined }> | undefined
  readonly message_deduplication_id?: string | undefined
  readonly message_group_id?: string | undefined
}

function invalid (message: string): ServiceError {
  return new ServiceError('SNS_INVALID_PARAMETER', message)
}

function attributeProblem (reason: string): ServiceError {
  return new ServiceError('SNS_INVALID_PARAMETER_VALUE', `Invalid parameter: MessageAttributes Reason: ${reason}`)
}

/** Why AWS refuses a message attribute's name, in its words, or undefined for a good name. */
function nameProblem (name: string): string | undefined {
  if (Buffer.byteLength(name) > 256) return 'Length of message attribute name must be less than 256 bytes.'
  const stray = /[^A-Za-z0-9_.-]/.exec(name)
  if (stray !== null) return `Invalid non-alphanumeric character '#x${stray[0].codePointAt(0)!.toString(16).toUpperCase()}' was found in the message attribute name. Can only include alphanumeric characters, hyphens, underscores, or dots.`
  if (name.startsWith('.')) return "Invalid message attribute name starting with character '.' was found."
  if (name.endsWith('.')) return "Invalid message attribute name ending with character '.' was found."
  if (name.includes('..')) return "Message attribute name can not have successive '.' character."
  if (name === '' || /^(aws|amazon)\./i.test(name)) return `The message attribute name '${name}' is invalid: names are 1 to 256 letters, digits, '_', '-' and '.', not starting with AWS. or Amazon.`
  return undefined
}

/** A data type AWS takes: String, Number or Binary, bare or with a non-empty custom `.suffix`. */
const DATA_TYPE = /^(String|Number|Binary)(\.[^.].*)?$/

export function attributesOf (input: PublishFields['message_attributes']): Array<[string, TopicAttributeValue]> {
  const out: Array<[string, TopicAttributeValue]> = []
  for (const [name, v] of Object.entries(input ?? {})) {
    // AWS's texts here are bare (no "Invalid parameter:" prefix), as its answers give them.
    const problem = nameProblem(name)
    if (problem !== undefined) throw new ServiceError('SNS_INVALID_PARAMETER_VALUE', problem)
    const type = v.data_type
    if (!DATA_TYPE.test(type)) throw new ServiceError('SNS_INVALID_PARAMETER_VALUE', `The message attribute '${name}' has an invalid message attribute type, the set of supported type prefixes is Binary, Number, and String.`)
    const base = type.split('.')[0]!
    const empty = new ServiceError('SNS_INVALID_PARAMETER_VALUE', `The message attribute '${name}' must contain non-empty message attribute value for message attribute type '${type}'.`)
    if (v.binary_value === undefined && v.string_value === undefined) throw empty
    const field = base === 'Binary' ? 'Binary' : 'String'
    const given = field === 'Binary' ? v.binary_value : v.string_value
    if (given === undefined) throw new ServiceError('SNS_INVALID_PARAMETER_VALUE', `The message attribute '${name}' with type '${type}' must use field '${field}'.`)
    if (given.length === 0) throw empty
    if (base === 'Binary') {
      out.push([name, { DataType: type, BinaryValue: Buffer.from(v.binary_value!).toString('base64') }])
      continue
    }
    const value = v.string_value!
    if (base === 'Number' && !/^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(value.trim())) throw attributeProblem(`Could not cast message attribute '${name}' value to number.`)
    if (type === 'String.Array') {
      let parsed: unknown
      try {
        parsed = JSON.parse(value)
      } catch {}
      if (!Array.isArray(parsed)) throw attributeProblem(`The message attribute '${name}' has an invalid value for message attribute type 'String.Array': it must be a JSON array.`)
    }
    out.push([name, { DataType: type, StringValue: value }])
  }
  return out.sort(byName)
}

/** The bytes AWS counts toward the message size: the message, and every attribute's name, type and value. */
export function publishedBytes (fields: PublishFields): number {
  let total = Buffer.byteLength(fields.message, 'utf8')
  for (const [name, v] of Object.entries(fields.message_attributes ?? {})) {
    total += Buffer.byteLength(name) + Buffer.byteLength(v.data_type) + (v.binary_value?.byteLength ?? Buffer.byteLength(v.string_value ?? ''))
  }
  return total
}

/** `traceHeader`: the request's X-Amzn-Trace-Id, kept for the SQS deliveries' AWSTraceHeader. */
export function publishSpecOf (topic: Topic, fields: PublishFields, traceHeader?: string): PublishSpec {
  if (fields.message === '') throw invalid('Invalid parameter: Empty message')
  if (publishedBytes(fields) > maxMessageBytes(topic)) throw invalid('Invalid parameter: Message too long')
  const subject = fields.subject
  if (subject !== undefined && (subject === '' || subject.length > 100 || !/^[\x20-\x7e]+$/.test(subject))) {
    throw invalid('Invalid parameter: Subject')
  }
  let json = false
  if (fields.message_structure !== undefined) {
    if (fields.message_structure !== 'json') throw invalid('Invalid parameter: MessageStructure')
    let parsed: unknown
    try {
      parsed = JSON.parse(fields.message)
    } catch {
      throw invalid('Invalid parameter: Message Structure - JSON message body failed to parse')
    }
    // AWS counts a `default` that is not a string as no default at all.
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed) || typeof (parsed as Record<string, unknown>).default !== 'string') throw invalid('Invalid parameter: Message Structure - No default entry in JSON message body')
    json = true
  }
  const attributes = attributesOf(fields.message_attributes)
  if (topic.fifo) {
    if (fields.message_group_id === undefined || fields.message_group_id === '') throw invalid('Invalid parameter: The MessageGroupId parameter is required for FIFO topics')
    if (fields.message_deduplication_id === undefined && topic.attributes.ContentBasedDeduplication !== 'true') {
      throw invalid('Invalid parameter: The topic should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly')
    }
  } else if (fields.message_deduplication_id !== undefined) {
    throw invalid('Invalid parameter: MessageDeduplicationId Reason: The request includes MessageDeduplicationId parameter that is not valid for this topic type')
  }
  for (const [name, id] of [['MessageGroupId', fields.message_group_id], ['MessageDeduplicationId', fields.message_deduplication_id]] as const) {
    if (id !== undefined && !/^[\x21-\x7e]{1,128}$/.test(id)) throw invalid(`Invalid parameter: ${name} Reason: ${name} can only include alphanumeric and punctuation characters. 1 to 128 in length.`)
  }
  return {
    message: fields.message,
    subject,
    json,
    attributes,
    groupId: fields.message_group_id,
    deduplicationId: fields.message_deduplication_id,
    traceHeader
  }
}
