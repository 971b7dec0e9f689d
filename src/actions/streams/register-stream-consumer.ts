import { Type } from '@sinclair/typebox'
import { defineAction } from '../action.js'
import { ConsumerName, consumerShape } from './consumer-fields.js'
import { StreamArn } from './fields.js'

export const registerStreamConsumer = defineAction({
  name: 'RegisterStreamConsumer',
  input: Type.Object({
    stream_arn: StreamArn,
    consumer_name: ConsumerName
  }),
  async handle (ctx, input) {
    const stream = ctx.streams.require(input, 'mutable')
    const { consumer } = await ctx.consumers.register(stream, input.consumer_name)
    return { consumer: consumerShape(ctx.consumers, stream, consumer) }
  }
})
