/**
 * Data protection policies: kept with the topic and returned, not applied.
 */
import { Type } from '@sinclair/typebox'
import { ServiceError } from '../../errors.js'
import { defineAction } from '../action.js'
import { taggedTopic } from './common.js'
import { Empty, invalid } from './fields.js'
import { DATA_PROTECTION_POLICY } from './topic-attributes.js'

export const getDataProtectionPolicy = defineAction({
  name: 'GetDataProtectionPolicy',
  input: Type.Object({ resource_arn: Type.String() }),
  output: Type.Object({ data_protection_policy: Type.Optional(Type.String()) }),
  invalid,
  async handle (ctx, input) {
    const policy = taggedTopic(ctx, input.resource_arn, 'GetDataProtectionPolicy').attributes[DATA_PROTECTION_POLICY]
    return policy === undefined ? {} : { data_protection_policy: policy }
  }
})

export const putDataProtectionPolicy = defineAction({
  name: 'PutDataProtectionPolicy',
  input: Type.Object({ resource_arn: Type.String(), data_protection_policy: Type.String() }),
  output: Empty,
  invalid,
  async handle (ctx, input) {
    const topic = taggedTopic(ctx, input.resource_arn, 'PutDataProtectionPolicy')
    try {
      const parsed: unknown = JSON.parse(input.data_protection_policy)
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object')
    } catch {
      throw new ServiceError('SNS_INVALID_PARAMETER', 'Invalid parameter: DataProtectionPolicy Reason: Failed to parse the policy: it is not a JSON object')
    }
    await topic.setAttribute(DATA_PROTECTION_POLICY, input.data_protection_policy)
    return {}
  }
})
