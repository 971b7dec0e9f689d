import { Type } from '@sinclair/typebox'
import { defineAction } from '../action.js'
import { queueUrl } from './common.js'
import { invalid, NextToken, QueueUrl } from './fields.js'
import { MaxResultsReason, pageOf } from './paging.js'

export const listDeadLetterSourceQueues = defineAction({
  name: 'ListDeadLetterSourceQueues',
  input: Type.Object({
    queue_url: QueueUrl,
    next_token: Type.Optional(NextToken),
    max_results: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, reason: MaxResultsReason }))
  }),
  output: Type.Object({
    // The JSON member is lower-case `queueUrls` (an SQS model quirk); required, so always present.
    queue_urls: Type.Array(Type.String(), { awsName: 'queueUrls', queryName: 'QueueUrl' }),
    next_token: Type.Optional(Type.String())
  }),
  invalid,
  async handle (ctx, input) {
    const dlq = ctx.queues.require(input.queue_url)
    const { page, next } = pageOf(ctx, 'ListDeadLetterSourceQueues', ctx.queues.sourcesOf(dlq.arn), input.max_results, input.next_token)
    return { queue_urls: page.map((q) => queueUrl(ctx, q)), ...(next === undefined ? {} : { next_token: next }) }
  }
})
