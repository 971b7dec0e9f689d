import { Type } from '@sinclair/typebox'
import { ServiceError } from '../../errors.js'
import { defineAction } from '../action.js'
import { Empty, invalid } from './fields.js'

export const unsubscribe = defineAction({
  name: 'Unsubscribe',
  // Optional in the schema so that a missing ARN gets AWS's InvalidParameter, not a validation error.
  input: Type.Object({ subscription_arn: Type.Optional(Type.String()) }),
  output: Empty,
  invalid,
  async handle (ctx, input) {
    if (input.subscription_arn === undefined || input.subscription_arn === '') throw new ServiceError('SNS_INVALID_PARAMETER', 'Invalid parameter: SubscriptionArn Reason: no value for required parameter')
    try {
      const { topic, sub } = ctx.topics.subscription(input.subscription_arn, 'Unsubscribe')
      // Delivery stops at once: the pump checks the subscription before each delivery.
      await topic.unsubscribe(sub.id)
    } catch (err) {
      // Unsubscribing twice succeeds, as in AWS.
      if (!(err instanceof ServiceError) || err.code !== 'SNS_NOT_FOUND') throw err
    }
    return {}
  }
})
