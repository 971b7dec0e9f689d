/**
 * AddPermission and RemovePermission edit the queue's Policy, as AWS does: one statement
 * per label, `Sid` the label, principals the accounts' root ARNs, actions `SQS:<Action>`.
 * shardline keeps the policy and returns it; it does not enforce it.
 */
import { ServiceError } from '../../errors.js'
import type { Queue } from '../../queues/queue.js'

/** Actions another account may be granted. */
export const SHAREABLE_ACTIONS = new Set([
  '*', 'SendMessage', 'ReceiveMessage', 'DeleteMessage', 'ChangeMessageVisibility', 'GetQueueAttributes', 'GetQueueUrl',
  'ListDeadLetterSourceQueues', 'PurgeQueue', 'ListQueueTags', 'StartMessageMoveTask', 'ListMessageMoveTasks', 'CancelMessageMoveTask'
])
const OWNER_ONLY = new Set(['AddPermission', 'CreateQueue', 'DeleteQueue', 'ListQueues', 'RemovePermission', 'SetQueueAttributes', 'TagQueue', 'UntagQueue',
  'SendMessageBatch', 'DeleteMessageBatch', 'ChangeMessageVisibilityBatch'])

interface Statement { Sid?: unknown, [key: string]: unknown }
interface Policy { Version?: unknown, Id?: unknown, Statement?: unknown, [key: string]: unknown }

function policyOf (queue: Queue): Policy {
  const raw = queue.doc.settings.policy
  if (raw === undefined) return { Version: '2008-10-17', Id: `${queue.arn}/SQSDefaultPolicy`, Statement: [] }
  const parsed = JSON.parse(raw) as Policy
  return parsed
}

function statementsOf (policy: Policy): Statement[] {
  const s = policy.Statement
  if (Array.isArray(s)) return s as Statement[]
  return s === undefined ? [] : [s as Statement]
}

function labelProblem (label: string, reason: string): ServiceError {
  return new ServiceError('INVALID_PARAMETER_VALUE', `Value ${label} for parameter Label is invalid. Reason: ${reason}`)
}

export function addPermission (queue: Queue, label: string, accounts: readonly string[], actions: readonly string[]): string {
  for (const action of actions) {
    if (OWNER_ONLY.has(action)) throw new ServiceError('INVALID_PARAMETER_VALUE', `Value ${action} for parameter ActionName is invalid. Reason: Only the queue owner is allowed to invoke this action.`)
    if (!SHAREABLE_ACTIONS.has(action)) throw new ServiceError('INVALID_PARAMETER_VALUE', `Value ${action} for parameter ActionName is invalid. Reason: Please refer to the appropriate WSDL for a list of valid actions.`)
  }
  for (const account of accounts) {
    if (!/^\d{12}$/.test(account)) throw new ServiceError('INVALID_PARAMETER_VALUE', `Value ${account} for parameter AWSAccountId is invalid. Reason: An AWS account id is 12 digits.`)
  }
  const policy = policyOf(queue)
  const statements = statementsOf(policy)
  if (statements.some((s) => s.Sid === label)) throw labelProblem(label, 'Already exists.')
  const principals = accounts.map((a) => `arn:aws:iam::${a}:root`)
  const granted = actions.map((a) => `SQS:${a}`)
  statements.push({
    Sid: label,
    Effect: 'Allow',
    Principal: { AWS: principals.length === 1 ? principals[0] : principals },
    Action: granted.length === 1 ? granted[0] : granted,
    Resource: queue.arn
  })
  return JSON.stringify({ ...policy, Statement: statements })
}

/** The policy without the label's statement; undefined when nothing is left. */
export function removePermission (queue: Queue, label: string): string | undefined {
  if (queue.doc.settings.policy === undefined) throw labelProblem(label, 'can\'t find label.')
  const policy = policyOf(queue)
  const statements = statementsOf(policy)
  const kept = statements.filter((s) => s.Sid !== label)
  if (kept.length === statements.length) throw labelProblem(label, 'can\'t find label.')
  return kept.length === 0 ? undefined : JSON.stringify({ ...policy, Statement: kept })
}
