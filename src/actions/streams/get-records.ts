import { Type } from '@sinclair/typebox'
import { defineAction } from '../action.js'
import { StreamArn } from './fields.js'
import { RENDERED_RECORDS } from '../../streams/read-ahead.js'
import { childShardShape, recordShape } from './shapes.js'

export const getRecords = defineAction({
  name: 'GetRecords',
  input: Type.Object({
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000 })),
    shard_iterator: Type.String({ minLength: 1, maxLength: 512 }),
    stream_arn: Type.Optional(StreamArn)
  }),
  async handle (ctx, input) {
    const page = await ctx.reader.getRecords(input.shard_iterator, input.limit ?? 10_000, ctx.scope, input.stream_arn, ctx.pageRenderer)
    let records: unknown[]
    if (page.rendered === undefined) {
      const { labels, sequenceNumbers } = page
      // One label for the page but where it straddles a change of encryption.
      records = typeof labels === 'function'
        ? page.records.map((r, i) => recordShape(r, sequenceNumbers[i]!, labels(r.ts)))
        : page.records.map((r, i) => recordShape(r, sequenceNumbers[i]!, labels))
    } else {
      // Rendered ahead for the calling transport (ctx.pageRenderer), which writes the
      // rendering and nothing else; the shapes would be built only to be dropped.
      records = new Array<unknown>(page.records.length)
      Object.defineProperty(records, RENDERED_RECORDS, { value: page.rendered })
    }
    return {
      records,
      ...(page.nextShardIterator === undefined ? {} : { next_shard_iterator: page.nextShardIterator }),
      millis_behind_latest: page.millisBehindLatest,
      // As in AWS, ChildShards is there only at the end of a closed shard: SDK users test
      // for its presence to find the shard's end.
      ...(page.childShards.length === 0 ? {} : { child_shards: page.childShards.map(childShardShape) })
    }
  }
})
