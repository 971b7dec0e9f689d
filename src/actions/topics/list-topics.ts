import { Type } from '@sinclair/typebox'
import { defineAction } from '../action.js'
import { pageOf } from './common.js'
import { invalid, NextToken } from './fields.js'

export const listTopics = defineAction({
  name: 'ListTopics',
  input: Type.Object({ next_token: Type.Optional(NextToken) }),
  output: Type.Object({
    topics: Type.Optional(Type.Array(Type.Object({ topic_arn: Type.String() }))),
    next_token: Type.Optional(Type.String())
  }),
  invalid,
  async handle (ctx, input) {
    const topics = ctx.topics.list().filter((t) => t.isOpen)
    const { page, next } = pageOf(ctx, 'ListTopics', topics, (t) => t.arn, input.next_token)
    return { topics: page.map((t) => ({ topic_arn: t.arn })), ...(next === undefined ? {} : { next_token: next }) }
  }
})
