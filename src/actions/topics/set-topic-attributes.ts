import { Type } from '@sinclair/typebox'
import { defineAction } from '../action.js'
import { Empty, invalid } from './fields.js'
import { archivePolicyChanges, checkTopicAttribute } from './topic-attributes.js'

export const setTopicAttributes = defineAction({
  name: 'SetTopicAttributes',
  input: Type.Object({
    topic_arn: Type.String(),
    attribute_name: Type.String(),
    attribute_value: Type.Optional(Type.String())
  }),
  output: Empty,
  invalid,
  async handle (ctx, input) {
    const topic = ctx.topics.require(input.topic_arn, 'SetTopicAttributes')
    const value = input.attribute_value ?? ''
    checkTopicAttribute(input.attribute_name, value, topic.fifo, false, 'Invalid parameter: ')
    if (input.attribute_name === 'ArchivePolicy') {
      // The policy and the stream's retention commit together: a crash leaves both or neither.
      await topic.setAttributes(archivePolicyChanges(topic.attributes, value, ctx.config.clock()), (staged) => ctx.topics.stageRetention(topic, staged.batch))
      return {}
    }
    // An empty value removes an optional attribute (AWS resets it to its default).
    await topic.setAttribute(input.attribute_name, value === '' && input.attribute_name !== 'DisplayName' ? undefined : value)
    return {}
  }
})
