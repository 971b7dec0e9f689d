import { Type } from '@sinclair/typebox'
import { defineAction } from '../action.js'
import { ResourceArn, TagKeyList } from './fields.js'
import { resolveResource } from './resources.js'

export const untagResource = defineAction({
  name: 'UntagResource',
  input: Type.Object({
    tag_keys: TagKeyList(50),
    resource_arn: ResourceArn
  }),
  async handle (ctx, input) {
    const resource = resolveResource(ctx, input.resource_arn, true, 'UntagResource')
    const tags = { ...resource.state.tags }
    for (const key of input.tag_keys) delete tags[key]
    resource.state.tags = tags
    await ctx.streams.save(resource.stream)
    return {}
  }
})
