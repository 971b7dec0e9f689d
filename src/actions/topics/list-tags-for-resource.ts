import { Type } from '@sinclair/typebox'
import { defineAction } from '../action.js'
import { taggedTopic } from './common.js'
import { invalid, TagList } from './fields.js'

export const listTagsForResource = defineAction({
  name: 'ListTagsForResource',
  input: Type.Object({ resource_arn: Type.String() }),
  output: Type.Object({ tags: Type.Optional(TagList) }),
  invalid,
  async handle (ctx, input) {
    const topic = taggedTopic(ctx, input.resource_arn, 'ListTagsForResource')
    return { tags: Object.entries(topic.state.tags).map(([key, value]) => ({ key, value })) }
  }
})
