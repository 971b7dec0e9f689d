import { Type } from '@sinclair/typebox'
import { defineAction } from '../action.js'
import { AttributeMap, invalid } from './fields.js'
import { renderTopicAttributes } from './topic-attributes.js'

export const getTopicAttributes = defineAction({
  name: 'GetTopicAttributes',
  input: Type.Object({ topic_arn: Type.String() }),
  output: Type.Object({ attributes: Type.Optional(AttributeMap()) }),
  invalid,
  async handle (ctx, input) {
    return { attributes: renderTopicAttributes(ctx.topics.require(input.topic_arn, 'GetTopicAttributes'), ctx.config.clock()) }
  }
})
