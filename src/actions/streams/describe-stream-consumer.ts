import { Type } from '@sinclair/typebox'
import { defineAction } from '../action.js'
import { ConsumerArn, ConsumerName, consumerShape } from './consumer-fields.js'
import { StreamArn } from './fields.js'

export const describeStreamConsumer = defineAction({
  name: 'DescribeStreamConsumer',
  input: Type.Object({
    stream_arn: Type.Optional(StreamArn),
    consumer_name: Type.Optional(ConsumerName),
    consumer_arn: Type.Optional(ConsumerArn)
  }),
  async handle (ctx, input) {
    const { stream, consumer } = ctx.consumers.resolve(ctx.scope, input, 'DescribeStreamConsumer')
    return { consumer_description: consumerShape(ctx.consumers, stream, consumer, true) }
  }
})
