import { Type } from '@sinclair/typebox'
import { ServiceError } from '../../errors.js'
import { defineAction } from '../action.js'
import { StreamRefInput } from './fields.js'

export const deleteStream = defineAction({
  name: 'DeleteStream',
  input: StreamRefInput({
    enforce_consumer_deletion: Type.Optional(Type.Boolean())
  }),
  async handle (ctx, input) {
    // As AWS, a stream may be deleted in any state, while it is being created included.
    const stream = ctx.streams.require(input, 'deletable', 'DeleteStream')
    if (stream.doc.status === 'DELETING') return {}
    const consumers = ctx.consumers.list(stream).length
    if (consumers > 0 && input.enforce_consumer_deletion !== true) {
      throw new ServiceError('RESOURCE_IN_USE', `Stream ${stream.name} has ${consumers} registered consumer(s); deregister them or delete with enforce_consumer_deletion.`)
    }
    await ctx.streams.delete(stream)
    ctx.consumers.streamDeleted(stream)
    return {}
  }
})
