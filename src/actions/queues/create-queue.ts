import { Type } from '@sinclair/typebox'
import { ServiceError } from '../../errors.js'
import { isFifoName } from '../../queues/queue-model.js'
import { defineAction } from '../action.js'
import { queueUrl } from './common.js'
import { invalid, QueueName, StringMap } from './fields.js'
import { applyAttributes, firstDifference, initialSettings } from './queue-attributes.js'
import { checkRedrive } from './redrive.js'
import { checkTags, TagsInput } from './tags.js'

export const createQueue = defineAction({
  name: 'CreateQueue',
  input: Type.Object({
    queue_name: QueueName,
    attributes: Type.Optional(StringMap('Attribute', 'Name', 'Value')),
    // The JSON member is lower-case `tags` (an SQS model quirk).
    tags: Type.Optional(TagsInput({ awsName: 'tags' }))
  }),
  output: Type.Object({ queue_url: Type.String() }),
  invalid,
  async handle (ctx, input) {
    const name = input.queue_name
    const attributes = input.attributes ?? {}
    const fifo = isFifoName(name)
    const fifoQueue = attributes.FifoQueue?.trim().toLowerCase()
    if (fifoQueue !== undefined && fifoQueue !== 'true' && fifoQueue !== 'false') {
      throw new ServiceError('INVALID_ATTRIBUTE_VALUE', 'Invalid value for the parameter FifoQueue.')
    }
    if (fifo && fifoQueue !== 'true') {
      throw new ServiceError('INVALID_PARAMETER_VALUE', 'Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length')
    }
    if ((!fifo && fifoQueue === 'true') || name.length > 80) {
      throw new ServiceError('INVALID_PARAMETER_VALUE', 'The name of a FIFO queue can only include alphanumeric characters, hyphens, or underscores, must end with .fifo suffix and be 1 to 80 in length.')
    }
    const settings = initialSettings(fifo)
    applyAttributes(settings, attributes, fifo, true)
    const existing = ctx.queues.get(name)
    const answer = (queue: NonNullable<typeof existing>): { queue_url: string } => {
      const differs = firstDifference(queue, attributes)
      if (differs !== undefined) throw new ServiceError('QUEUE_EXISTS', `A queue already exists with the same name and a different value for attribute ${differs}`)
      return { queue_url: queueUrl(ctx, queue) }
    }
    if (existing !== undefined) return answer(existing)
    checkRedrive(ctx, ctx.queues.arnOf(name), fifo, settings, attributes.RedrivePolicy)
    checkTags(input.tags ?? {})
    const { queue, created } = await ctx.queues.create(name, settings, input.tags ?? {})
    return created ? { queue_url: queueUrl(ctx, queue) } : answer(queue)
  }
})
