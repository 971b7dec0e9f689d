import { Type } from '@sinclair/typebox'
import { defineAction } from '../action.js'
import { ResourceArn, TagMap } from './fields.js'
import { resolveResource } from './resources.js'
import { checkTags, mergeTags } from './tag-rules.js'

export const tagResource = defineAction({
  name: 'TagResource',
  input: Type.Object({
    // The model's bound per call; a resource holds at most 50 (mergeTags).
    tags: TagMap(200, 1),
    resource_arn: ResourceArn
  }),
  async handle (ctx, input) {
    const resource = resolveResource(ctx, input.resource_arn, true, 'TagResource')
    checkTags(input.tags, `Failed to add tags to ${resource.description} under account ${resource.stream.scope.accountId}`)
    resource.state.tags = mergeTags(resource.state.tags, input.tags, resource.description)
    await ctx.streams.save(resource.stream)
    return {}
  }
})
