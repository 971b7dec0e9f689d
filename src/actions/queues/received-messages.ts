/**
 * How a received message is answered: the system attributes asked for (AttributeNames and
 * MessageSystemAttributeNames together, `All` for every one), the message attributes asked
 * for (`All`, `.*`, names, `prefix.*`), and MD5OfMessageAttributes over exactly those.
 */
import { Type } from '@sinclair/typebox'
import type { MessageAttributeValue } from '../../queues/message-codec.js'
import { md5OfAttributes } from '../../queues/md5.js'
import type { Delivery, Queue } from '../../queues/queue.js'
import { Bytes } from '../schema.js'
import { MAX_BODY_BYTES } from './message-rules.js'

export const MessageAttributeOutput = Type.Object({
  string_value: Type.Optional(Type.String()),
  binary_value: Type.Optional(Bytes(MAX_BODY_BYTES)),
  data_type: Type.String()
})

const SYSTEM_NAMES = ['SenderId', 'SentTimestamp', 'ApproximateReceiveCount', 'ApproximateFirstReceiveTimestamp', 'SequenceNumber', 'MessageDeduplicationId', 'MessageGroupId', 'AWSTraceHeader', 'DeadLetterQueueSourceArn'] as const

export interface Selection {
  readonly system: ReadonlySet<string>
  /** undefined: all. */
  readonly exact: ReadonlySet<string> | undefined
  readonly prefixes: readonly string[]
  readonly none: boolean
}

export function selectionOf (attributeNames: readonly string[] | undefined, systemNames: readonly string[] | undefined, messageNames: readonly string[] | undefined): Selection {
  const asked = [...(attributeNames ?? []), ...(systemNames ?? [])]
  // AttributeNames is typed with the queue attributes in the model; names that are not a
  // message's system attributes select nothing.
  const system = new Set<string>(asked.includes('All') ? SYSTEM_NAMES : asked.filter((n) => (SYSTEM_NAMES as readonly string[]).includes(n)))
  const names = messageNames ?? []
  if (names.some((n) => n === 'All' || n === '.*' || n === '*')) return { system, exact: undefined, prefixes: [], none: false }
  return {
    system,
    exact: new Set(names.filter((n) => !n.endsWith('.*'))),
    prefixes: names.filter((n) => n.endsWith('.*')).map((n) => n.slice(0, -2)),
    none: names.length === 0
  }
}

function selected (selection: Selection, name: string): boolean {
  if (selection.exact === undefined) return true
  return selection.exact.has(name) || selection.prefixes.some((p) => name.startsWith(p))
}

function renderValue (value: MessageAttributeValue): { string_value?: string, binary_value?: Uint8Array, data_type: string } {
  return value.binaryValue !== undefined ? { binary_value: value.binaryValue, data_type: value.dataType } : { string_value: value.stringValue ?? '', data_type: value.dataType }
}

export function renderDelivery (queue: Queue, d: Delivery, selection: Selection) {
  const m = d.message
  const system: Record<string, string> = {}
  const add = (name: string, value: string | undefined): void => {
    if (value !== undefined && selection.system.has(name)) system[name] = value
  }
  add('SenderId', m.senderId)
  add('ApproximateFirstReceiveTimestamp', String(d.firstReceiveTimestamp))
  add('ApproximateReceiveCount', String(d.receiveCount))
  add('SentTimestamp', String(m.sentTimestamp))
  add('AWSTraceHeader', m.traceHeader)
  add('MessageGroupId', m.groupId)
  add('DeadLetterQueueSourceArn', m.deadLetterSourceArn)
  if (queue.fifo) {
    add('MessageDeduplicationId', m.deduplicationId)
    add('SequenceNumber', d.sequenceNumber)
  }
  const attributes = selection.none ? [] : m.attributes.filter(([name]) => selected(selection, name))
  const md5 = attributes.length === m.attributes.length ? m.md5OfMessageAttributes : md5OfAttributes(attributes)
  return {
    message_id: m.messageId,
    receipt_handle: d.receiptHandle,
    md5_of_body: m.md5OfBody,
    body: m.body,
    ...(Object.keys(system).length === 0 ? {} : { attributes: system }),
    ...(attributes.length === 0
      ? {}
      : {
          md5_of_message_attributes: md5!,
          message_attributes: Object.fromEntries(attributes.map(([name, value]) => [name, renderValue(value)]))
        })
  }
}
