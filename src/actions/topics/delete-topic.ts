import { Type } from '@sinclair/typebox'
import { ServiceError } from '../../errors.js'
import { defineAction } from '../action.js'
import { Empty, invalid } from './fields.js'

export const deleteTopic = defineAction({
  name: 'DeleteTopic',
  input: Type.Object({ topic_arn: Type.String() }),
  output: Empty,
  invalid,
  async handle (ctx, input) {
    try {
      // Its subscriptions go with it: they live in the topic's state log.
      await ctx.topics.delete(ctx.topics.require(input.topic_arn, 'DeleteTopic'))
    } catch (err) {
      // AWS answers success for a topic that does not exist.
      if (!(err instanceof ServiceError) || err.code !== 'SNS_NOT_FOUND') throw err
    }
    return {}
  }
})
