import { Type } from '@sinclair/typebox'
import { defineAction } from './action.js'
import { StreamRefFields } from './fields.js'

export const deleteStream = defineAction({
  name: 'DeleteStream',
  input: Type.Object({
    ...StreamRefFields,
    enforce_consumer_deletion: Type.Optional(Type.Boolean())
  }),
  async handle (ctx, input) {
    const stream = ctx.streams.require(input, 'mutable')
    await ctx.streams.delete(stream)
    return {}
  }
})
