import { Type } from '@sinclair/typebox'
import { ServiceError } from '../../errors.js'
import { defineAction } from '../action.js'
import { invalid } from './fields.js'

export const confirmSubscription = defineAction({
  name: 'ConfirmSubscription',
  input: Type.Object({
    topic_arn: Type.String(),
    token: Type.String(),
    authenticate_on_unsubscribe: Type.Optional(Type.String())
  }),
  output: Type.Object({ subscription_arn: Type.String() }),
  invalid,
  async handle (ctx, input) {
    const topic = ctx.topics.require(input.topic_arn, null)
    const sub = input.token === '' ? undefined : topic.byToken(input.token)
    if (sub === undefined) throw new ServiceError('SNS_INVALID_PARAMETER', 'Invalid token')
    await topic.confirm(sub)
    return { subscription_arn: topic.subscriptionArn(sub) }
  }
})
