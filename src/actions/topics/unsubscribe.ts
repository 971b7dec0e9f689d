import { Type } from '@sinclair/typebox'
import { ServiceError } from '../../errors.js'
import { defineAction } from '../action.js'
import { Empty, invalid } from './fields.js'

export const unsubscribe = defineAction({
  name: 'Unsubscribe',
  input: Type.Object({ subscription_arn: Type.String() }),
  output: Empty,
  invalid,
  async handle (ctx, input) {
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
