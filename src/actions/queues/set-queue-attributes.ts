import { Type } from '@sinclair/typebox'
import { defineAction } from '../action.js'
import { Empty, invalid, QueueUrl, StringMap } from './fields.js'
import { applyAttributes } from './queue-attributes.js'
import { checkRedrive } from './redrive.js'

export const setQueueAttributes = defineAction({
  name: 'SetQueueAttributes',
  input: Type.Object({
    queue_url: QueueUrl,
    attributes: StringMap('Attribute', 'Name', 'Value')
  }),
  output: Empty,
  invalid,
  async handle (ctx, input) {
    const queue = ctx.queues.require(input.queue_url)
    // Applied to a copy: a bad attribute changes nothing.
    const settings = { ...queue.doc.settings }
    applyAttributes(settings, input.attributes, queue.fifo, false)
    checkRedrive(ctx, queue.arn, queue.fifo, settings, input.attributes.RedrivePolicy)
    const retentionChanged = settings.messageRetentionPeriod !== queue.doc.settings.messageRetentionPeriod
    if (settings.messageRetentionPeriod > queue.doc.settings.messageRetentionPeriod) queue.doc.expiredBefore = queue.horizon(ctx.config.clock())
    queue.doc.settings = settings
    await ctx.queues.save(queue, retentionChanged)
    return {}
  }
})
