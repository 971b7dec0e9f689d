import { Type } from '@sinclair/typebox'
import { defineAction } from '../action.js'
import { taggedTopic } from './common.js'
import { EmptyResult, invalid, MemberList } from './fields.js'

export const untagResource = defineAction({
  name: 'UntagResource',
  input: Type.Object({ resource_arn: Type.String(), tag_keys: MemberList() }),
  output: EmptyResult,
  invalid,
  async handle (ctx, input) {
    const topic = taggedTopic(ctx, input.resource_arn, 'UntagResource')
    // Keys the topic does not have are ignored (AWS).
    await topic.untag(input.tag_keys)
    return {}
  }
})
