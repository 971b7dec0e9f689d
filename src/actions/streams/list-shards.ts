import { Type } from '@sinclair/typebox'
import { ServiceError } from '../../errors.js'
import { decodePageToken, encodePageToken, PAGE_TOKEN_TTL_MS } from '../../streams/page-token.js'
import type { Shard, Stream } from '../../streams/stream-model.js'
import { defineAction, type ActionContext } from '../action.js'
import { NextToken, ShardId, StreamRefFields } from './fields.js'
import { StringEnum, Timestamp } from '../schema.js'
import { shardShape, shardsAfter } from './shapes.js'

const FilterType = StringEnum(['AFTER_SHARD_ID', 'AT_TRIM_HORIZON', 'FROM_TRIM_HORIZON', 'AT_LATEST', 'AT_TIMESTAMP', 'FROM_TIMESTAMP'])

const ShardFilter = Type.Object({
  type: FilterType,
  shard_id: Type.Optional(ShardId),
  timestamp: Type.Optional(Timestamp)
})

interface FilterSpec {
  type: string
  shard_id?: string | undefined
  timestamp?: number | undefined
}

/**
 * Whether a shard was open at `time`: started at or before it and ended at or after it
 * (AWS: "end timestamp greater than or equal to the given timestamp"). A time before the
 * stream existed means its start.
 */
function openAt (stream: Stream, shard: Shard, time: number): boolean {
  const t = Math.max(time, stream.doc.createdAt)
  return shard.doc.createdAt <= t && (shard.doc.closedTime === undefined || shard.doc.closedTime >= t)
}

function openSince (shard: Shard, time: number): boolean {
  return shard.doc.closedTime === undefined || shard.doc.closedTime >= time
}

function applyFilter (stream: Stream, shards: Shard[], filter: FilterSpec, now: number): Shard[] {
  const horizon = Math.max(stream.horizon(now), stream.doc.createdAt)
  const needs = (field: 'shard_id' | 'timestamp'): void => {
    if (filter[field] === undefined) throw new ServiceError('INVALID_ARGUMENT', `shard_filter type ${filter.type} needs shard_filter.${field}.`)
  }
  switch (filter.type) {
    case 'AFTER_SHARD_ID':
      needs('shard_id')
      return shardsAfter(stream, filter.shard_id).filter((s) => shards.includes(s))
    case 'AT_TRIM_HORIZON': return shards.filter((s) => openAt(stream, s, horizon))
    case 'FROM_TRIM_HORIZON': return shards.filter((s) => openSince(s, horizon))
    case 'AT_LATEST': return shards.filter((s) => s.open)
    case 'AT_TIMESTAMP':
      needs('timestamp')
      return shards.filter((s) => openAt(stream, s, filter.timestamp!))
    default:
      needs('timestamp')
      // A time before the trim horizon means the trim horizon, as in AWS.
      return shards.filter((s) => openSince(s, Math.max(filter.timestamp!, horizon)))
  }
}

interface Continuation {
  stream: Stream
  after: string | undefined
  filter: FilterSpec | undefined
}

function continuation (ctx: ActionContext, token: string, now: number): Continuation {
  const decoded = decodePageToken(ctx.signer, token, 'ListShards', now)
  const stream = ctx.streams.findById(decoded.streamId ?? -1)
  if (stream === undefined) throw new ServiceError('STREAM_NOT_FOUND', 'The stream this next_token lists no longer exists.')
  return { stream, after: decoded.after, filter: decoded.options?.filter as FilterSpec | undefined }
}

export const listShards = defineAction({
  name: 'ListShards',
  input: Type.Object({
    exclusive_start_shard_id: Type.Optional(ShardId),
    max_results: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000 })),
    next_token: Type.Optional(NextToken),
    stream_creation_timestamp: Type.Optional(Timestamp),
    ...StreamRefFields,
    shard_filter: Type.Optional(ShardFilter)
  }),
  async handle (ctx, input) {
    const now = ctx.config.clock()
    let list: Continuation
    const named = input.stream_name !== undefined || input.stream_arn !== undefined
    if (input.next_token === undefined && !named) {
      throw new ServiceError('INVALID_ARGUMENT', 'Either NextToken or StreamName should be provided.')
    }
    if (input.next_token !== undefined) {
      if (named) throw new ServiceError('INVALID_ARGUMENT', 'NextToken and StreamName cannot be provided together.')
      if (input.exclusive_start_shard_id !== undefined || input.shard_filter !== undefined || input.stream_creation_timestamp !== undefined) {
        throw new ServiceError('INVALID_ARGUMENT', 'next_token continues an earlier listing: give it without stream_creation_timestamp, exclusive_start_shard_id or shard_filter.')
      }
      list = continuation(ctx, input.next_token, now)
    } else {
      const stream = ctx.streams.require(input, 'any', 'ListShards')
      if (input.stream_creation_timestamp !== undefined && input.stream_creation_timestamp !== stream.doc.createdAt) {
        throw new ServiceError('STREAM_NOT_FOUND', `Stream ${stream.name} was not created at ${input.stream_creation_timestamp}.`)
      }
      list = { stream, after: input.exclusive_start_shard_id, filter: input.shard_filter }
    }
    const { stream, after, filter } = list
    let shards = shardsAfter(stream, after)
    if (filter !== undefined) shards = applyFilter(stream, shards, filter, now)
    const page = shards.slice(0, input.max_results ?? 1000)
    const last = page[page.length - 1]
    const more = page.length < shards.length && last !== undefined
    return {
      shards: page.map((shard) => shardShape(stream, shard)),
      ...(more
        ? { next_token: encodePageToken(ctx.signer, { kind: 'ListShards', streamId: stream.id, after: last.id, expiresAt: now + PAGE_TOKEN_TTL_MS, options: filter === undefined ? undefined : { filter } }) }
        : {})
    }
  }
})
