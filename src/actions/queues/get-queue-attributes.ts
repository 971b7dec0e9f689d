import { Type } from '@sinclair/typebox'
import { defineAction } from '../action.js'
import { invalid, NameList, QueueUrl, StringMap } from './fields.js'
import { needsCounts, renderAttributes, requestedNames } from './queue-attributes.js'

export const getQueueAttributes = defineAction({
  name: 'GetQueueAttributes',
  input: Type.Object({
    queue_url: QueueUrl,
    attribute_names: Type.Optional(NameList('AttributeName'))
  }),
  output: Type.Object({ attributes: Type.Optional(StringMap('Attribute', 'Name', 'Value')) }),
  invalid,
  async handle (ctx, input) {
    const queue = ctx.queues.require(input.queue_url)
    const names = requestedNames(input.attribute_names ?? [])
    const counts = needsCounts(names) ? await queue.counts() : undefined
    const attributes = renderAttributes(queue, names, counts)
    return Object.keys(attributes).length === 0 ? {} : { attributes }
  }
})
