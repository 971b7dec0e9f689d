import { Type } from '@sinclair/typebox'
import { defineAction } from '../action.js'
import { ConsumerName, consumerShape } from './consumer-fields.js'
import { StreamArn, TagMap } from './fields.js'
import { checkTags, mergeTags } from './tag-rules.js'

export const registerStreamConsumer = defineAction({
  name: 'RegisterStreamConsumer',
  input: Type.Object({
    stream_arn: StreamArn,
    consumer_name: ConsumerName,
    tags: Type.Optional(TagMap(200, 1))
  }),
  async handle (ctx, input) {
    const stream = ctx.streams.require(input, 'subscribable', 'RegisterStreamConsumer')
    let tags: Record<string, string> | undefined
    if (input.tags !== undefined) {
      checkTags(input.tags, `Failed to add tags to consumer ${input.consumer_name} of stream ${stream.name} under account ${stream.scope.accountId}`)
      tags = mergeTags(undefined, input.tags, `consumer ${input.consumer_name} of stream ${stream.name}`)
    }
    const { consumer } = await ctx.consumers.register(stream, input.consumer_name, tags)
    return { consumer: consumerShape(ctx.consumers, stream, consumer) }
  }
})
