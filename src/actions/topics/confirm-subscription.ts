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
    // AWS: a token not of a token's form is "Invalid token"; one of that form that names no
    // pending subscription of the topic (or the topic does not exist) is "Invalid parameter: Token".
    if (!/^[0-9a-f]{64,512}$/i.test(input.token)) throw new ServiceError('SNS_INVALID_PARAMETER', 'Invalid token')
    const unknown = (): ServiceError => new ServiceError('SNS_INVALID_PARAMETER', 'Invalid parameter: Token')
    let topic
    try {
      topic = ctx.topics.require(input.topic_arn, null)
    } catch (err) {
      if (err instanceof ServiceError && err.code === 'SNS_NOT_FOUND') throw unknown()
      throw err
    }
    const sub = topic.byToken(input.token)
    if (sub === undefined) throw unknown()
    await topic.confirm(sub)
    return { subscription_arn: topic.subscriptionArn(sub) }
  }
})
