import { Type } from '@sinclair/typebox'
import { ServiceError } from '../../errors.js'
import { defineAction } from '../action.js'
import { StreamRefFields } from './fields.js'

export const deleteStream = defineAction({
  name: 'DeleteStream',
  input: Type.Object({
    ...StreamRefFields,
    enforce_consumer_deletion: Type.Optional(Type.Boolean())
  }),
  async handle (ctx, input) {
    const stream = ctx.streams.require(input, 'mutable')
    const consumers = ctx.consumers.list(stream).length
    if (consumers > 0 && input.enforce_consumer_deletion !== true) {
      throw new ServiceError('RESOURCE_IN_USE', `Stream ${stream.name} has ${consumers} registered consumer(s); deregister them or delete with enforce_consumer_deletion.`)
    }
    await ctx.streams.delete(stream)
    ctx.consumers.streamDeleted(stream)
    return {}
  }
})
