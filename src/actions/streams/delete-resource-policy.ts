import { Type } from '@sinclair/typebox'
import { ServiceError } from '../../errors.js'
import { defineAction } from '../action.js'
import { ResourceArn } from './fields.js'
import { resolveResource } from './resources.js'

export const deleteResourcePolicy = defineAction({
  name: 'DeleteResourcePolicy',
  input: Type.Object({ resource_arn: ResourceArn }),
  async handle (ctx, input) {
    const resource = resolveResource(ctx, input.resource_arn, true, 'DeleteResourcePolicy')
    if (resource.state.policy === undefined) {
      throw new ServiceError('POLICY_NOT_FOUND', `No resource policy is attached to ${resource.description}; there is nothing to delete.`)
    }
    resource.state.policy = undefined
    await ctx.streams.save(resource.stream)
    return {}
  }
})
