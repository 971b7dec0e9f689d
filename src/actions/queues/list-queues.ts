import { Type } from '@sinclair/typebox'
import { defineAction } from '../action.js'
import { queueUrl } from './common.js'
import { invalid, NextToken } from './fields.js'
import { MaxResultsReason, pageOf } from './paging.js'

export const listQueues = defineAction({
  name: 'ListQueues',
  input: Type.Object({
    queue_name_prefix: Type.Optional(Type.String()),
    next_token: Type.Optional(NextToken),
    max_results: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, reason: MaxResultsReason }))
  }),
  output: Type.Object({
    queue_urls: Type.Optional(Type.Array(Type.String(), { queryName: 'QueueUrl' })),
    next_token: Type.Optional(Type.String())
  }),
  invalid,
  async handle (ctx, input) {
    const prefix = input.queue_name_prefix ?? ''
    const queues = ctx.queues.list().filter((q) => q.name.startsWith(prefix) && q.isOpen)
    const { page, next } = pageOf(ctx, 'ListQueues', queues, input.max_results, input.next_token)
    // AWS omits empty lists.
    return {
      ...(page.length === 0 ? {} : { queue_urls: page.map((q) => queueUrl(ctx, q)) }),
      ...(next === undefined ? {} : { next_token: next })
    }
  }
})
