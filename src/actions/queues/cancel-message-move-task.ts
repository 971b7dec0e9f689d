import { Type } from '@sinclair/typebox'
import { ServiceError } from '../../errors.js'
import { decodeTaskHandle } from '../../queues/move-tasks.js'
import { defineAction } from '../action.js'
import { invalid } from './fields.js'

export const cancelMessageMoveTask = defineAction({
  name: 'CancelMessageMoveTask',
  input: Type.Object({ task_handle: Type.String({ minLength: 1 }) }),
  output: Type.Object({ approximate_number_of_messages_moved: Type.Integer() }),
  invalid,
  async handle (ctx, input) {
    const handle = decodeTaskHandle(input.task_handle)
    if (handle === undefined) throw new ServiceError('INVALID_PARAMETER_VALUE', 'Value for parameter TaskHandle is invalid.')
    const source = ctx.queues.byArn(handle.sourceArn)
    if (source === undefined || !source.isOpen) {
      throw new ServiceError('QUEUE_RESOURCE_NOT_FOUND', 'The resource that you specified for the SourceArn parameter doesn\'t exist.')
    }
    const task = ctx.queues.tasks.cancel(source.arn, handle.taskId)
    return { approximate_number_of_messages_moved: task.moved }
  }
})
