import { Type } from '@sinclair/typebox'
import { ServiceError } from '../../errors.js'
import { encodeTaskHandle } from '../../queues/move-tasks.js'
import { defineAction } from '../action.js'
import { invalid } from './fields.js'

export const listMessageMoveTasks = defineAction({
  name: 'ListMessageMoveTasks',
  input: Type.Object({
    source_arn: Type.String({ minLength: 1 }),
    max_results: Type.Optional(Type.Integer({ minimum: 1, maximum: 10, reason: 'Must be between 1 and 10, if provided.' }))
  }),
  output: Type.Object({
    results: Type.Optional(Type.Array(Type.Object({
      task_handle: Type.Optional(Type.String()),
      status: Type.String(),
      source_arn: Type.String(),
      destination_arn: Type.Optional(Type.String()),
      max_number_of_messages_per_second: Type.Optional(Type.Integer()),
      approximate_number_of_messages_moved: Type.Integer(),
      approximate_number_of_messages_to_move: Type.Optional(Type.Integer()),
      failure_reason: Type.Optional(Type.String()),
      // Epoch milliseconds, a plain long in SQS (not a timestamp member).
      started_timestamp: Type.Integer()
    }), { queryName: 'ListMessageMoveTasksResultEntry' }))
  }),
  invalid,
  async handle (ctx, input) {
    const source = ctx.queues.byArn(input.source_arn)
    if (source === undefined || !source.isOpen) {
      throw new ServiceError('QUEUE_RESOURCE_NOT_FOUND', 'The resource that you specified for the SourceArn parameter doesn\'t exist.')
    }
    const tasks = ctx.queues.tasks.list(source.arn).slice(0, input.max_results ?? 1)
    if (tasks.length === 0) return {}
    return {
      results: tasks.map((t) => ({
        ...(t.status === 'RUNNING' ? { task_handle: encodeTaskHandle(t) } : {}),
        status: t.status,
        source_arn: t.sourceArn,
        ...(t.destinationArn === undefined ? {} : { destination_arn: t.destinationArn }),
        ...(t.maxNumberOfMessagesPerSecond === undefined ? {} : { max_number_of_messages_per_second: t.maxNumberOfMessagesPerSecond }),
        approximate_number_of_messages_moved: t.moved,
        approximate_number_of_messages_to_move: t.toMove,
        ...(t.failureReason === undefined ? {} : { failure_reason: t.failureReason }),
        started_timestamp: t.startedAt
      }))
    }
  }
})
