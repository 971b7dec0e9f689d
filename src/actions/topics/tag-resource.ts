import { Type } from '@sinclair/typebox'
import { defineAction } from '../action.js'
import { taggedTopic } from './common.js'
import { EmptyResult, invalid, TagList } from './fields.js'
import { checkDistinctTagKeys, checkTags, tagsOf } from './tags.js'

export const tagResource = defineAction({
  name: 'TagResource',
  input: Type.Object({ resource_arn: Type.String(), tags: TagList }),
  output: EmptyResult,
  invalid,
  async handle (ctx, input) {
    const topic = taggedTopic(ctx, input.resource_arn, 'TagResource')
    checkDistinctTagKeys(input.tags)
    const tags = tagsOf(input.tags)
    checkTags(tags, topic.state.tags)
    await topic.tag(tags)
    return {}
  }
})
