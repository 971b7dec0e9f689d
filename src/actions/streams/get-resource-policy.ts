import { Type } from '@sinclair/typebox'
import { defineAction } from '../action.js'
import { ResourceArn } from './fields.js'
import { resolveResource } from './resources.js'

export const getResourcePolicy = defineAction({
  name: 'GetResourcePolicy',
  input: Type.Object({ resource_arn: ResourceArn }),
  async handle (ctx, input) {
    const resource = resolveResource(ctx, input.resource_arn, false, 'GetResourcePolicy')
    // As AWS answers for a stream or consumer without one: an empty policy document.
    return { policy: resource.state.policy ?? '{}' }
  }
})
