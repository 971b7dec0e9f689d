import { Type } from '@sinclair/typebox'
import { defineAction } from '../action.js'
import { ResourceArn } from './fields.js'
import { resolveResource } from './resources.js'

export const listTagsForResource = defineAction({
  name: 'ListTagsForResource',
  input: Type.Object({ resource_arn: ResourceArn }),
  async handle (ctx, input) {
    const resource = resolveResource(ctx, input.resource_arn, false, 'ListTagsForResource')
    // Sorted by key, as ListTagsForStream lists them; a resource holds at most 50, all in one answer.
    const tags = Object.entries(resource.state.tags ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    return { tags: tags.map(([key, value]) => ({ key, value })) }
  }
})
