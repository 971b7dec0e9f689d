import { Type } from '@sinclair/typebox'
import { defineAction } from '../action.js'
import { ConsumerArn, ConsumerName } from './consumer-fields.js'
import { StreamArn } from './fields.js'

export const deregisterStreamConsumer = defineAction({
  name: 'DeregisterStreamConsumer',
  input: Type.Object({
    stream_arn: Type.Optional(StreamArn),
    consumer_name: Type.Optional(ConsumerName),
    consumer_arn: Type.Optional(ConsumerArn)
  }),
  async handle (ctx, input) {
    await ctx.consumers.deregister(ctx.consumers.resolve(ctx.scope, input, 'DeregisterStreamConsumer'))
    return {}
  }
})
