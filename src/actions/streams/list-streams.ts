import { Type } from '@sinclair/typebox'
import { decodePageToken, encodePageToken, PAGE_TOKEN_TTL_MS } from '../../streams/page-token.js'
import { defineAction } from '../action.js'
import { NextToken, StreamName } from './fields.js'
import { streamModeShape } from './shapes.js'

export const listStreams = defineAction({
  name: 'ListStreams',
  input: Type.Object({
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000 })),
    exclusive_start_stream_name: Type.Optional(StreamName),
    next_token: Type.Optional(NextToken)
  }),
  async handle (ctx, input) {
    const now = ctx.config.clock()
    let after = input.exclusive_start_stream_name
    if (input.next_token !== undefined) {
      after = decodePageToken(ctx.signer, input.next_token, 'ListStreams', now).after
    }
    const streams = ctx.streams.list().filter((s) => after === undefined || s.name > after)
    const page = streams.slice(0, input.limit ?? 100)
    const more = page.length < streams.length
    const last = page[page.length - 1]
    return {
      stream_names: page.map((s) => s.name),
      has_more_streams: more,
      ...(more && last !== undefined ? { next_token: encodePageToken(ctx.signer, { kind: 'ListStreams', after: last.name, expiresAt: now + PAGE_TOKEN_TTL_MS }) } : {}),
      stream_summaries: page.map((s) => ({
        stream_name: s.name,
        stream_arn: s.arn,
        stream_status: s.doc.status,
        stream_mode_details: streamModeShape(s),
        stream_creation_timestamp: s.doc.createdAt
      }))
    }
  }
})
