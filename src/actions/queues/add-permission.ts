import { Type } from '@sinclair/typebox'
import { defineAction } from '../action.js'
import { Empty, invalid, QueueUrl } from './fields.js'
import { addPermission } from './permissions.js'

export const Label = Type.String({ pattern: '^[A-Za-z0-9_-]{1,80}$', reason: 'Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length.' })

export const addPermissionAction = defineAction({
  name: 'AddPermission',
  input: Type.Object({
    queue_url: QueueUrl,
    label: Label,
    aws_account_ids: Type.Array(Type.String(), { queryName: 'AWSAccountId', minItems: 1, errors: { minItems: { code: 'MISSING_PARAMETER', message: 'The request must contain the parameter AWSAccountIds.' } } }),
    actions: Type.Array(Type.String(), {
      queryName: 'ActionName',
      minItems: 1,
      maxItems: 7,
      errors: {
        minItems: { code: 'MISSING_PARAMETER', message: 'The request must contain the parameter Actions.' },
        maxItems: { code: 'OVER_LIMIT', message: '{count} actions were found, the maximum allowed is 7.' }
      }
    })
  }),
  output: Empty,
  invalid,
  async handle (ctx, input) {
    const queue = ctx.queues.require(input.queue_url)
    queue.doc.settings = { ...queue.doc.settings, policy: addPermission(queue, input.label, input.aws_account_ids, input.actions) }
    await ctx.queues.save(queue)
    return {}
  }
})
