import { Type } from '@sinclair/typebox'
import { ServiceError } from '../../errors.js'
import type { PublishSpec } from '../../topics/topic.js'
import { defineAction } from '../action.js'
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
      if (entry.id.length > 80) throw new ServiceError('SNS_INVALID_BATCH_ENTRY_ID', `The Id of a batch entry in the batch request is too long: ${entry.id}`)
      if (!/^[A-Za-z0-9_-]+$/.test(entry.id)) throw new ServiceError('SNS_INVALID_BATCH_ENTRY_ID', `The Id of a batch entry in the batch request contains an impermissible character: ${entry.id}`)
      if (ids.has(entry.id)) throw new ServiceError('SNS_BATCH_IDS_NOT_DISTINCT', 'Two or more batch entries in the request have the same Id.')
      ids.add(entry.id)
    }
    if (entries.reduce((n, e) => n + publishedBytes(e), 0) > MAX_BATCH_BYTES) throw new ServiceError('SNS_BATCH_REQUEST_TOO_LONG', 'The length of all the messages put together is more than the limit.')
    // An entry AWS would not publish fails the whole request, as AWS answers it (a 400 with
    // the entry's error), not one entry of Failed: nothing of the batch is published.
    const specs: PublishSpec[] = entries.map((entry) => publishSpecOf(topic, entry, ctx.traceHeader))
    const results = await topic.publish(specs)
    const successful = results.map((r, i) => ({ id: entries[i]!.id, message_id: r.messageId, ...(r.sequenceNumber === undefined ? {} : { sequence_number: r.sequenceNumber }) }))
    return { successful, failed: [] }
  }
})
