/**
 * Queue attributes: AWS's strings <-> the typed settings the domain keeps, driven by one
 * table. Each settable attribute says how it parses (range, enum, JSON policy), whether
 * it belongs to FIFO queues only, and how it renders; read-only ones (the ARN, the
 * timestamps, the counts) render from the queue. CreateQueue, SetQueueAttributes and
 * GetQueueAttributes all go through here, with AWS's messages.
 */
import { ServiceError } from '../../errors.js'
import { DEFAULT_SETTINGS, parseQueueArn, type QueueSettings, type RedriveAllowPolicy, type RedrivePolicy } from '../../queues/queue-model.js'
import type { Queue } from '../../queues/queue.js'
import type { Counts } from '../../queues/queue-state.js'

type Settable = 'DelaySeconds' | 'MaximumMessageSize' | 'MessageRetentionPeriod' | 'ReceiveMessageWaitTimeSeconds' | 'VisibilityTimeout' |
  'Policy' | 'RedrivePolicy' | 'RedriveAllowPolicy' | 'FifoQueue' | 'ContentBasedDeduplication' | 'DeduplicationScope' |
  'FifoThroughputLimit' | 'KmsMasterKeyId' | 'KmsDataKeyReusePeriodSeconds' | 'SqsManagedSseEnabled'

/** Every QueueAttributeName, in AWS's enum order (GetQueueAttributes `All` renders in it). */
export const QUEUE_ATTRIBUTE_NAMES = [
  'Policy', 'VisibilityTimeout', 'MaximumMessageSize', 'MessageRetentionPeriod', 'ApproximateNumberOfMessages',
  'ApproximateNumberOfMessagesNotVisible', 'CreatedTimestamp', 'LastModifiedTimestamp', 'QueueArn',
  'ApproximateNumberOfMessagesDelayed', 'DelaySeconds', 'ReceiveMessageWaitTimeSeconds', 'RedrivePolicy', 'FifoQueue',
  'ContentBasedDeduplication', 'KmsMasterKeyId', 'KmsDataKeyReusePeriodSeconds', 'DeduplicationScope',
  'FifoThroughputLimit', 'RedriveAllowPolicy', 'SqsManagedSseEnabled'
] as const

export type QueueAttributeName = typeof QUEUE_ATTRIBUTE_NAMES[number]

const COUNT_ATTRIBUTES = new Set<string>(['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed'])

function invalidValue (name: string, reason?: string): ServiceError {
  return new ServiceError('INVALID_ATTRIBUTE_VALUE', `Invalid value for the parameter ${name}.${reason === undefined ? '' : ` Reason: ${reason}`}`)
}

function unknownAttribute (name: string): ServiceError {
  return new ServiceError('INVALID_ATTRIBUTE_NAME', `Unknown Attribute ${name}.`)
}

function integer (name: string, value: string, min: number, max: number): number {
  if (!/^-?\d+$/.test(value.trim())) throw invalidValue(name)
  const n = Number(value.trim())
  if (n < min || n > max) throw invalidValue(name)
  return n
}

function boolean (name: string, value: string): boolean {
  const v = value.trim().toLowerCase()
  if (v !== 'true' && v !== 'false') throw invalidValue(name)
  return v === 'true'
}

function policyProblem (name: string, raw: string, reason: string): ServiceError {
  return new ServiceError('INVALID_PARAMETER_VALUE', `Value ${raw} for parameter ${name} is invalid. Reason: ${reason}`)
}

function parseJsonObject (name: string, raw: string, what: string): Record<string, unknown> {
  let parsed: unknown
  try {
    parsed = JSON.parse(raw)
  } catch {
    throw policyProblem(name, raw, `${what} is not a valid JSON map.`)
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw policyProblem(name, raw, `${what} is not a valid JSON map.`)
  return parsed as Record<string, unknown>
}

export function parseRedrivePolicy (raw: string): RedrivePolicy {
  const json = parseJsonObject('RedrivePolicy', raw, 'Redrive policy')
  // AWS names a missing key before judging either value, maxReceiveCount first.
  for (const key of ['maxReceiveCount', 'deadLetterTargetArn']) {
    if (json[key] === undefined) throw policyProblem('RedrivePolicy', raw, `Redrive policy does not contain mandatory attribute: ${key}.`)
  }
  const target = json.deadLetterTargetArn
  if (typeof target !== 'string' || parseQueueArn(target) === undefined) {
    throw policyProblem('RedrivePolicy', raw, 'Invalid value for deadLetterTargetArn: it must be the ARN of an SQS queue.')
  }
  const count = typeof json.maxReceiveCount === 'string' && /^\d+$/.test(json.maxReceiveCount) ? Number(json.maxReceiveCount) : json.maxReceiveCount
  if (typeof count !== 'number' || !Number.isInteger(count) || count < 1 || count > 1000) {
    throw policyProblem('RedrivePolicy', raw, `Invalid value for maxReceiveCount: ${String(json.maxReceiveCount)}, valid values are from 1 to 1000 both inclusive.`)
  }
  return { deadLetterTargetArn: target, maxReceiveCount: count }
}

export function parseRedriveAllowPolicy (raw: string): RedriveAllowPolicy {
  const json = parseJsonObject('RedriveAllowPolicy', raw, 'Redrive allow policy')
  const permission = json.redrivePermission
  if (permission !== 'allowAll' && permission !== 'denyAll' && permission !== 'byQueue') {
    throw policyProblem('RedriveAllowPolicy', raw, 'redrivePermission must be allowAll, denyAll or byQueue.')
  }
  const arns = json.sourceQueueArns
  if (permission !== 'byQueue') {
    if (arns !== undefined) throw policyProblem('RedriveAllowPolicy', raw, 'sourceQueueArns may only be given with redrivePermission byQueue.')
    return { redrivePermission: permission }
  }
  if (!Array.isArray(arns) || arns.length < 1 || arns.length > 10 || arns.some((a) => typeof a !== 'string' || parseQueueArn(a) === undefined)) {
    throw policyProblem('RedriveAllowPolicy', raw, 'With redrivePermission byQueue, sourceQueueArns must list 1 to 10 queue ARNs.')
  }
  return { redrivePermission: permission, sourceQueueArns: arns as string[] }
}

interface AttributeSpec {
  readonly fifoOnly?: 'unknown' | 'needs-fifo'
  parse (settings: QueueSettings, value: string): void
  render (settings: QueueSettings, fifo: boolean): string | undefined
}

const intAttribute = (name: string, key: 'delaySeconds' | 'maximumMessageSize' | 'messageRetentionPeriod' | 'receiveMessageWaitTimeSeconds' | 'visibilityTimeout', min: number, max: number): AttributeSpec => ({
  parse: (s, v) => { s[key] = integer(name, v, min, max) },
  render: (s) => String(s[key])
})

const SPECS: Record<Settable, AttributeSpec> = {
  DelaySeconds: intAttribute('DelaySeconds', 'delaySeconds', 0, 900),
  MaximumMessageSize: intAttribute('MaximumMessageSize', 'maximumMessageSize', 1024, 1_048_576),
  MessageRetentionPeriod: intAttribute('MessageRetentionPeriod', 'messageRetentionPeriod', 60, 1_209_600),
  ReceiveMessageWaitTimeSeconds: intAttribute('ReceiveMessageWaitTimeSeconds', 'receiveMessageWaitTimeSeconds', 0, 20),
  VisibilityTimeout: intAttribute('VisibilityTimeout', 'visibilityTimeout', 0, 43_200),
  Policy: {
    parse: (s, v) => {
      if (v === '') { s.policy = undefined; return }
      try {
        const parsed = JSON.parse(v) as unknown
        if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object')
      } catch {
        throw invalidValue('Policy')
      }
      s.policy = v
    },
    render: (s) => s.policy
  },
  RedrivePolicy: {
    parse: (s, v) => { s.redrivePolicy = v === '' ? undefined : parseRedrivePolicy(v) },
    render: (s) => s.redrivePolicy === undefined ? undefined : JSON.stringify({ deadLetterTargetArn: s.redrivePolicy.deadLetterTargetArn, maxReceiveCount: s.redrivePolicy.maxReceiveCount })
  },
  RedriveAllowPolicy: {
    parse: (s, v) => { s.redriveAllowPolicy = v === '' ? undefined : parseRedriveAllowPolicy(v) },
    render: (s) => s.redriveAllowPolicy === undefined ? undefined : JSON.stringify(s.redriveAllowPolicy)
  },
  FifoQueue: {
    fifoOnly: 'unknown',
    parse: (s, v) => {
      if (!boolean('FifoQueue', v)) throw invalidValue('FifoQueue', 'Modifying queue type is not supported.')
    },
    render: (s, fifo) => (fifo ? 'true' : undefined)
  },
  ContentBasedDeduplication: {
    fifoOnly: 'unknown',
    parse: (s, v) => { s.contentBasedDeduplication = boolean('ContentBasedDeduplication', v) },
    render: (s, fifo) => (fifo ? String(s.contentBasedDeduplication) : undefined)
  },
  DeduplicationScope: {
    fifoOnly: 'needs-fifo',
    parse: (s, v) => {
      if (v !== 'messageGroup' && v !== 'queue') throw invalidValue('DeduplicationScope')
      s.deduplicationScope = v
    },
    render: (s, fifo) => (fifo ? s.deduplicationScope : undefined)
  },
  FifoThroughputLimit: {
    fifoOnly: 'needs-fifo',
    parse: (s, v) => {
      if (v !== 'perQueue' && v !== 'perMessageGroupId') throw invalidValue('FifoThroughputLimit')
      s.fifoThroughputLimit = v
    },
    render: (s, fifo) => (fifo ? s.fifoThroughputLimit : undefined)
  },
  KmsMasterKeyId: {
    parse: (s, v) => {
      s.kmsMasterKeyId = v === '' ? undefined : v
      if (v !== '') s.sqsManagedSseEnabled = false
    },
    render: (s) => s.kmsMasterKeyId
  },
  KmsDataKeyReusePeriodSeconds: {
    parse: (s, v) => {
      const n = integer('KmsDataKeyReusePeriodSeconds', v, 60, 86_400)
      s.kmsDataKeyReusePeriodSeconds = n === 300 ? undefined : n
    },
    // AWS shows the period of a KMS queue, the default too; a queue without KMS, only a set one.
    render: (s) => s.kmsDataKeyReusePeriodSeconds !== undefined ? String(s.kmsDataKeyReusePeriodSeconds) : s.kmsMasterKeyId !== undefined ? '300' : undefined
  },
  SqsManagedSseEnabled: {
    parse: (s, v) => { s.sqsManagedSseEnabled = boolean('SqsManagedSseEnabled', v) },
    render: (s) => String(s.sqsManagedSseEnabled)
  }
}

function isSettable (name: string): name is Settable {
  return Object.prototype.hasOwnProperty.call(SPECS, name)
}

/**
 * Applies attributes (as AWS strings) to settings, checking each as AWS does. `creating`
 * allows FifoQueue (a queue's type is fixed at creation).
 */
export function applyAttributes (settings: QueueSettings, attributes: Record<string, string>, fifo: boolean, creating: boolean): void {
  const given = Object.entries(attributes)
  if (attributes.KmsMasterKeyId !== undefined && attributes.KmsMasterKeyId !== '' && attributes.SqsManagedSseEnabled?.trim().toLowerCase() === 'true') {
    throw new ServiceError('INVALID_ATTRIBUTE_NAME', 'You can use one type of server-side encryption (SSE) at one time. You can either enable KMS SSE or SQS SSE.')
  }
  for (const [name, value] of given) {
    if (!isSettable(name)) throw unknownAttribute(name)
    const spec = SPECS[name]
    if (!fifo && spec.fifoOnly === 'unknown') throw unknownAttribute(name)
    if (!fifo && spec.fifoOnly === 'needs-fifo') throw new ServiceError('INVALID_ATTRIBUTE_NAME', `You can specify the ${name} only when FifoQueue is set to true.`)
    if (name === 'FifoQueue' && creating) continue
    spec.parse(settings, value)
  }
  if (attributes.SqsManagedSseEnabled?.trim().toLowerCase() === 'true') settings.kmsMasterKeyId = undefined
  if (fifo && settings.fifoThroughputLimit === 'perMessageGroupId' && settings.deduplicationScope !== 'messageGroup') {
    throw invalidValue('FifoThroughputLimit', 'perMessageGroupId is allowed only when DeduplicationScope is messageGroup.')
  }
}

/** The settings a new queue starts from. */
export function initialSettings (fifo: boolean): QueueSettings {
  return { ...DEFAULT_SETTINGS, fifoQueue: fifo }
}

/**
 * CreateQueue on an existing queue: the first given attribute whose value differs from
 * the queue's current one (compared in canonical form), if any.
 */
export function firstDifference (queue: Queue, attributes: Record<string, string>): string | undefined {
  const fifo = queue.fifo
  for (const [name, value] of Object.entries(attributes)) {
    if (!isSettable(name)) continue
    const probe: QueueSettings = { ...queue.doc.settings }
    SPECS[name].parse(probe, value)
    const wanted = name === 'FifoQueue' ? 'true' : SPECS[name].render(probe, fifo)
    const current = SPECS[name].render(queue.doc.settings, fifo)
    if (name === 'Policy' && wanted !== undefined && current !== undefined) {
      if (JSON.stringify(JSON.parse(wanted)) !== JSON.stringify(JSON.parse(current))) return name
      continue
    }
    if (wanted !== current) return name
  }
  return undefined
}

/** The names GetQueueAttributes asks for, checked; `All` expands to every one. */
export function requestedNames (names: readonly string[]): Set<QueueAttributeName> {
  const out = new Set<QueueAttributeName>()
  for (const name of names) {
    if (name === 'All') {
      for (const n of QUEUE_ATTRIBUTE_NAMES) out.add(n)
      continue
    }
    if (!(QUEUE_ATTRIBUTE_NAMES as readonly string[]).includes(name)) throw unknownAttribute(name)
    out.add(name as QueueAttributeName)
  }
  return out
}

export function needsCounts (names: Set<QueueAttributeName>): boolean {
  for (const n of names) if (COUNT_ATTRIBUTES.has(n)) return true
  return false
}

/** The attributes asked for that the queue has, as AWS renders them. */
export function renderAttributes (queue: Queue, names: Set<QueueAttributeName>, counts: Counts | undefined): Record<string, string> {
  const out: Record<string, string> = {}
  const s = queue.doc.settings
  for (const name of QUEUE_ATTRIBUTE_NAMES) {
    if (!names.has(name)) continue
    let value: string | undefined
    switch (name) {
      case 'QueueArn': value = queue.arn; break
      case 'CreatedTimestamp': value = String(Math.floor(queue.doc.createdAt / 1000)); break
      case 'LastModifiedTimestamp': value = String(Math.floor(queue.doc.lastModifiedAt / 1000)); break
      case 'ApproximateNumberOfMessages': value = String(counts?.visible ?? 0); break
      case 'ApproximateNumberOfMessagesNotVisible': value = String(counts?.notVisible ?? 0); break
      case 'ApproximateNumberOfMessagesDelayed': value = String(counts?.delayed ?? 0); break
      default: value = SPECS[name].render(s, queue.fifo)
    }
    if (value !== undefined) out[name] = value
  }
  return out
}
