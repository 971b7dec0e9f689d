import { Type } from '@sinclair/typebox'
import { defineAction } from '../action.js'
import { Empty, invalid } from './fields.js'
import { checkSubscriptionAttributes, normalizedAttribute, replayWindow } from './subscription-attributes.js'

export const setSubscriptionAttributes = defineAction({
  name: 'SetSubscriptionAttributes',
  input: Type.Object({
    subscription_arn: Type.String(),
    attribute_name: Type.String(),
    attribute_value: Type.Optional(Type.String())
  }),
  output: Empty,
  invalid,
  async handle (ctx, input) {
    const { topic, sub } = ctx.topics.subscription(input.subscription_arn, 'SetSubscriptionAttributes')
    const value = normalizedAttribute(input.attribute_name, input.attribute_value ?? '')
    const next = { ...sub.attributes }
    if (value === '') delete next[input.attribute_name]
    else next[input.attribute_name] = value
    checkSubscriptionAttributes(value === '' ? { ...next, [input.attribute_name]: next[input.attribute_name] ?? '' } : next, sub.protocol, 'Invalid parameter: ', topic.fifo)
    await topic.setSubscriptionAttribute(sub.id, input.attribute_name, value === '' ? undefined : value)
    if (input.attribute_name === 'ReplayPolicy' && value !== '') {
      const { from, until } = replayWindow(value, 'Invalid parameter: ')
      await topic.replay(sub.id, from, until)
    }
    return {}
  }
})
