/**
 * AddPermission and RemovePermission edit the topic's Policy, as AWS does: one statement
 * per label, `Sid` the label, principals the accounts' root ARNs, actions `SNS:<Action>`.
 * The policy decides what other accounts may do with the topic (topics/topic-access.ts).
 */
import { Type } from '@sinclair/typebox'
import { ServiceError } from '../../errors.js'
import type { Topic } from '../../topics/topic.js'
import { defineAction } from '../action.js'
import { Empty, invalid, MemberList } from './fields.js'
import { defaultPolicy } from './topic-attributes.js'

const ACTIONS = new Set(['*', 'AddPermission', 'DeleteTopic', 'GetTopicAttributes', 'ListSubscriptionsByTopic', 'ListTopics', 'Publish', 'Receive', 'RemovePermission', 'SetTopicAttributes', 'Subscribe'])

interface Policy { Statement?: Array<Record<string, unknown>>, [key: string]: unknown }

function policyOf (topic: Topic): Policy {
  try {
    const parsed = JSON.parse(topic.attributes.Policy ?? defaultPolicy(topic.arn, topic.scope)) as Policy
    if (!Array.isArray(parsed.Statement)) parsed.Statement = parsed.Statement === undefined ? [] : [parsed.Statement as Record<string, unknown>]
    return parsed
  } catch {
    return { Version: '2008-10-17', Id: '__default_policy_ID', Statement: [] }
  }
}

export const addPermission = defineAction({
  name: 'AddPermission',
  input: Type.Object({
    topic_arn: Type.String(),
    label: Type.String(),
    aws_account_id: MemberList(),
    action_name: MemberList()
  }),
  output: Empty,
  invalid,
  async handle (ctx, input) {
    const topic = ctx.topics.require(input.topic_arn, 'AddPermission')
    if (!/^[A-Za-z0-9_-]{1,80}$/.test(input.label)) throw new ServiceError('SNS_INVALID_PARAMETER', 'Invalid parameter: Label')
    if (input.aws_account_id.length === 0) throw new ServiceError('SNS_INVALID_PARAMETER', 'Invalid parameter: AWSAccountId')
    if (input.action_name.length === 0) throw new ServiceError('SNS_INVALID_PARAMETER', 'Invalid parameter: ActionName')
    for (const account of input.aws_account_id) if (!/^\d{12}$/.test(account)) throw new ServiceError('SNS_INVALID_PARAMETER', `Invalid parameter: AWSAccountId Reason: ${account} is not a 12-digit account id`)
    for (const action of input.action_name) if (!ACTIONS.has(action)) throw new ServiceError('SNS_INVALID_PARAMETER', 'Invalid parameter: Policy statement action out of service scope!')
    const policy = policyOf(topic)
    const statements = policy.Statement!
    if (statements.some((s) => s.Sid === input.label)) throw new ServiceError('SNS_INVALID_PARAMETER', 'Invalid parameter: Statement already exists')
    const principals = input.aws_account_id.map((a) => `arn:aws:iam::${a}:root`)
    const actions = input.action_name.map((a) => `SNS:${a}`)
    statements.push({
      Sid: input.label,
      Effect: 'Allow',
      Principal: { AWS: principals.length === 1 ? principals[0] : principals },
      Action: actions.length === 1 ? actions[0] : actions,
      Resource: topic.arn
    })
    await topic.setAttribute('Policy', JSON.stringify(policy))
    return {}
  }
})

export const removePermission = defineAction({
  name: 'RemovePermission',
  input: Type.Object({ topic_arn: Type.String(), label: Type.String() }),
  output: Empty,
  invalid,
  async handle (ctx, input) {
    const topic = ctx.topics.require(input.topic_arn, 'RemovePermission')
    const policy = policyOf(topic)
    const kept = policy.Statement!.filter((s) => s.Sid !== input.label)
    // A label that is not there is no error (AWS).
    if (kept.length !== policy.Statement!.length) await topic.setAttribute('Policy', JSON.stringify({ ...policy, Statement: kept }))
    return {}
  }
})
