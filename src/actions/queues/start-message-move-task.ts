import { Type } from '@sinclair/typebox'
import { ServiceError } from '../../errors.js'
import { encodeTaskHandle } from '../../queues/move-tasks.js'
import { defineAction } from '../action.js'
import { invalid } from './fields.js'

export const startMessageMoveTask = defineAction({
  name: 'StartMessageMoveTask',
  input: Type.Object({
    source_arn: Type.String({ minLength: 1 }),
    destination_arn: Type.Optional(Type.String({ minLength: 1 })),
    max_number_of_messages_per_second: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, reason: 'Must be between 1 and 500, if provided.' }))
  }),
  output: Type.Object({ task_handle: Type.String() }),
  invalid,
  async handle (ctx, input) {
    const source = ctx.queues.byArn(input.source_arn)
    if (source === undefined || !source.isOpen) {
      throw new ServiceError('QUEUE_RESOURCE_NOT_FOUND', 'The resource that you specified for the SourceArn parameter doesn\'t exist.')
    }
    if (ctx.queues.sourcesOf(source.arn).length === 0) {
      throw new ServiceError('INVALID_PARAMETER_VALUE', 'Source queue must be configured as a Dead Letter Queue.')
    }
    if (input.destination_arn !== undefined) {
      const destination = ctx.queues.byArn(input.destination_arn)
      if (destination === undefined || !destination.isOpen) {
        throw new ServiceError('QUEUE_RESOURCE_NOT_FOUND', 'The resource that you specified for the DestinationArn parameter doesn\'t exist.')
      }
    }
    const task = await ctx.queues.tasks.start(source, input.destination_arn, input.max_number_of_messages_per_second)
    return { task_handle: encodeTaskHandle(task) }
  }
})
