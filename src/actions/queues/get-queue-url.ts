import { Type } from '@sinclair/typebox'
import { queueNotFound } from '../../queues/scoped-queues.js'
import { defineAction } from '../action.js'
import { queueUrl } from './common.js'
import { invalid } from './fields.js'

export const getQueueUrl = defineAction({
  name: 'GetQueueUrl',
  input: Type.Object({
    queue_name: Type.String({ minLength: 1, errors: { minLength: { code: 'MISSING_PARAMETER', message: 'The request must contain the parameter QueueName.' } } }),
    queue_owner_aws_account_id: Type.Optional(Type.String({ pattern: '^\\d{12}$', reason: 'An AWS account id is 12 digits.' }))
  }),
  output: Type.Object({ queue_url: Type.String() }),
  invalid,
  async handle (ctx, input) {
    const owner = input.queue_owner_aws_account_id
    const queue = owner === undefined ? ctx.queues.get(input.queue_name) : ctx.queues.inAccount(owner, input.queue_name)
    if (queue === undefined || !queue.isOpen) throw queueNotFound()
    return { queue_url: queueUrl(ctx, queue) }
  }
})
