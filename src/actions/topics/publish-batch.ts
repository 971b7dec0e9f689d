import { Type } from '@sinclair/typebox'
import { ServiceError } from '../../errors.js'
import type { PublishSpec } from '../../topics/topic.js'
import { defineAction } from '../action.js'
import { batchFailure, type BatchFailure } from './common.js'
import { invalid } from './fields.js'
import { MessageFields } from './publish.js'
import { publishedBytes, publishSpecOf } from './publish-rules.js'

const MAX_BATCH_BYTES = 262_144

export const publishBatch = defineAction({
  name: 'PublishBatch',
  input: Type.Object({
    topic_arn: Type.String(),
    // Optional in the schema: gRPC cannot tell an empty list from none, and AWS answers both with EmptyBatchRequest.
    publish_batch_request_entries: Type.Optional(Type.Array(Type.Object({ id: Type.String(), ...MessageFields })))
  }),
  output: Type.Object({
    successful: Type.Optional(Type.Array(Type.Object({ id: Type.String(), message_id: Type.String(), sequence_number: Type.Optional(Type.String()) }))),
    failed: Type.Optional(Type.Array(Type.Object({ id: Type.String(), code: Type.String(), message: Type.Optional(Type.String()), sender_fault: Type.Boolean() })))
  }),
  invalid,
  async handle (ctx, input) {
    const topic = ctx.topics.require(input.topic_arn, 'Publish')
    const entries = input.publish_batch_request_entries ?? []
    if (entries.length === 0) throw new ServiceError('SNS_EMPTY_BATCH', 'The batch request doesn\'t contain any entries')
    if (entries.length > 10) throw new ServiceError('SNS_TOO_MANY_ENTRIES', 'The batch request contains more entries than permissible.')
    const ids = new Set<string>()
    for (const entry of entries) {
      if (!/^[A-Za-z0-9_-]{1,80}$/.test(entry.id)) throw new ServiceError('SNS_INVALID_BATCH_ENTRY_ID', 'A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long.')
      if (ids.has(entry.id)) throw new ServiceError('SNS_BATCH_IDS_NOT_DISTINCT', 'Two or more batch entries in the request have the same Id.')
      ids.add(entry.id)
    }
    if (entries.reduce((n, e) => n + publishedBytes(e), 0) > MAX_BATCH_BYTES) throw new ServiceError('SNS_BATCH_REQUEST_TOO_LONG', 'The length of all the messages put together is more than the limit.')
    const specs: PublishSpec[] = []
    const accepted: string[] = []
    const failed: BatchFailure[] = []
    for (const entry of entries) {
      try {
        specs.push(publishSpecOf(topic, entry))
        accepted.push(entry.id)
      } catch (err) {
        if (!(err instanceof ServiceError)) throw err
        failed.push(batchFailure(entry.id, err))
      }
    }
    const results = specs.length === 0 ? [] : await topic.publish(specs)
    const successful = results.map((r, i) => ({ id: accepted[i]!, message_id: r.messageId, ...(r.sequenceNumber === undefined ? {} : { sequence_number: r.sequenceNumber }) }))
    return { successful, failed }
  }
})
