import { Type } from '@sinclair/typebox'
import { defineAction } from '../action.js'
import { AttributeMap, invalid } from './fields.js'
import { renderSubscriptionAttributes } from './subscription-attributes.js'

export const getSubscriptionAttributes = defineAction({
  name: 'GetSubscriptionAttributes',
  input: Type.Object({ subscription_arn: Type.String() }),
  output: Type.Object({ attributes: Type.Optional(AttributeMap()) }),
  invalid,
  async handle (ctx, input) {
    const { topic, sub } = ctx.topics.subscription(input.subscription_arn, 'GetSubscriptionAttributes')
    return { attributes: renderSubscriptionAttributes(topic, sub) }
  }
})
