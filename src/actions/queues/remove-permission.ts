import { Type } from '@sinclair/typebox'
import { defineAction } from '../action.js'
import { Label } from './add-permission.js'
import { Empty, invalid, QueueUrl } from './fields.js'
import { removePermission } from './permissions.js'

export const removePermissionAction = defineAction({
  name: 'RemovePermission',
  input: Type.Object({ queue_url: QueueUrl, label: Label }),
  output: Empty,
  invalid,
  async handle (ctx, input) {
    const queue = ctx.queues.require(input.queue_url)
    queue.doc.settings = { ...queue.doc.settings, policy: removePermission(queue, input.label) }
    await ctx.queues.save(queue)
    return {}
  }
})
