import { Type } from '@sinclair/typebox'
import { ServiceError } from '../../errors.js'
import { decodePageToken, encodePageToken, PAGE_TOKEN_TTL_MS } from '../../streams/page-token.js'
import { defineAction } from '../action.js'
import { consumerShape } from './consumer-fields.js'
import { NextToken, StreamArn } from './fields.js'
import { Timestamp } from '../schema.js'

export const listStreamConsumers = defineAction({
  name: 'ListStreamConsumers',
  input: Type.Object({
    stream_arn: StreamArn,
    next_token: Type.Optional(NextToken),
    max_results: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000 })),
    stream_creation_timestamp: Type.Optional(Timestamp)
  }),
  async handle (ctx, input) {
    const now = ctx.config.clock()
    const stream = ctx.streams.require(input, 'any', 'ListStreamConsumers')
    if (input.stream_creation_timestamp !== undefined && input.stream_creation_timestamp !== stream.doc.createdAt) {
      throw new ServiceError('STREAM_NOT_FOUND', `Stream ${stream.name} was not created at ${input.stream_creation_timestamp}.`)
    }
    let after: string | undefined
    if (input.next_token !== undefined) {
      after = decodePageToken(ctx.signer, input.next_token, 'ListStreamConsumers', now, stream.id).after
    }
    const consumers = ctx.consumers.list(stream)
      .slice()
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
      .filter((c) => after === undefined || c.name > after)
    const page = consumers.slice(0, input.max_results ?? 100)
    const last = page[page.length - 1]
    return {
      consumers: page.map((c) => consumerShape(ctx.consumers, stream, c)),
      ...(page.length < consumers.length && last !== undefined
        ? { next_token: encodePageToken(ctx.signer, { kind: 'ListStreamConsumers', streamId: stream.id, after: last.name, expiresAt: now + PAGE_TOKEN_TTL_MS }) }
        : {})
    }
  }
})
