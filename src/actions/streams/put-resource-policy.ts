import { Type } from '@sinclair/typebox'
import { ServiceError } from '../../errors.js'
import { defineAction } from '../action.js'
import { ResourceArn } from './fields.js'
import { resolveResource } from './resources.js'

/** A policy must be a JSON document (an object); it is kept as given, and decides what other accounts may do (resource-policy.ts). */
function checkPolicy (policy: string): void {
  let parsed: unknown
  try {
    parsed = JSON.parse(policy)
  } catch (err) {
    throw new ServiceError('INVALID_ARGUMENT', `Policy is not valid JSON: ${(err as Error).message}. Give an IAM policy document such as {"Version": "2012-10-17", "Statement": [...]}.`)
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ServiceError('INVALID_ARGUMENT', 'Policy must be a JSON object: an IAM policy document such as {"Version": "2012-10-17", "Statement": [...]}.')
  }
}

export const putResourcePolicy = defineAction({
  name: 'PutResourcePolicy',
  input: Type.Object({
    resource_arn: ResourceArn,
    policy: Type.String()
  }),
  async handle (ctx, input) {
    const resource = resolveResource(ctx, input.resource_arn, true, 'PutResourcePolicy')
    checkPolicy(input.policy)
    resource.state.policy = input.policy
    await ctx.streams.save(resource.stream)
    return {}
  }
})
