import { Type } from '@sinclair/typebox'
import { ServiceError } from '../../errors.js'
import type { SendSpec } from '../../queues/queue.js'
import { defineAction } from '../action.js'
import { batchOutput, checkDistinctIds, perEntry, senderIdOf } from './common.js'
import { BatchEntries, BatchEntryId, Failed, invalid, QueueUrl } from './fields.js'
import { MAX_BODY_BYTES, sendSpecOf } from './message-rules.js'
import { MessageFields } from './send-message.js'

export const sendMessageBatch = defineAction({
  name: 'SendMessageBatch',
  input: Type.Object({
    queue_url: QueueUrl,
    entries: BatchEntries(Type.Object({ id: BatchEntryId, ...MessageFields }), 'SendMessageBatchRequestEntry')
  }),
  output: Type.Object({
    successful: Type.Optional(Type.Array(Type.Object({
      id: Type.String(),
      message_id: Type.String(),
      md5_of_message_body: Type.String(),
      md5_of_message_attributes: Type.Optional(Type.String()),
      md5_of_message_system_attributes: Type.Optional(Type.String()),
      sequence_number: Type.Optional(Type.String())
    }), { queryName: 'SendMessageBatchResultEntry' })),
    failed: Type.Optional(Failed)
  }),
  invalid,
  async handle (ctx, input) {
    const queue = ctx.queues.require(input.queue_url)
    checkDistinctIds(input.entries)
    // Problems of the whole request fail it whole (AWS), before any entry is looked at.
    let total = 0
    for (const entry of input.entries) {
      total += Buffer.byteLength(entry.message_body, 'utf8')
      for (const [name, value] of Object.entries(entry.message_attributes ?? {})) {
        total += Buffer.byteLength(name) + Buffer.byteLength(value.data_type ?? '') + (value.binary_value?.byteLength ?? Buffer.byteLength(value.string_value ?? ''))
      }
    }
    if (total > MAX_BODY_BYTES) {
      throw new ServiceError('BATCH_REQUEST_TOO_LONG', `Batch requests cannot be longer than ${MAX_BODY_BYTES} bytes. You have sent ${total} bytes.`)
    }
    if (queue.fifo) {
      for (const entry of input.entries) {
        if (entry.message_group_id === undefined) throw new ServiceError('INVALID_PARAMETER_VALUE', 'The request must contain the parameter MessageGroupId.')
        if (entry.message_deduplication_id === undefined && !queue.doc.settings.contentBasedDeduplication) {
          throw new ServiceError('INVALID_PARAMETER_VALUE', 'The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly')
        }
      }
    }
    const senderId = senderIdOf(ctx)
    const specs: SendSpec[] = []
    const ids: string[] = []
    const failed = perEntry(input.entries, (entry) => {
      specs.push(sendSpecOf(queue, entry, senderId, true, ctx.traceHeader).spec)
      ids.push(entry.id)
    })
    const results = specs.length === 0 ? [] : await queue.send(specs)
    const successful = results.map((r, i) => ({
      id: ids[i]!,
      message_id: r.messageId,
      md5_of_message_body: r.md5OfBody,
      ...(r.md5OfMessageAttributes === undefined ? {} : { md5_of_message_attributes: r.md5OfMessageAttributes }),
      ...(r.md5OfMessageSystemAttributes === undefined ? {} : { md5_of_message_system_attributes: r.md5OfMessageSystemAttributes }),
      ...(r.sequenceNumber === undefined ? {} : { sequence_number: r.sequenceNumber })
    }))
    return batchOutput(successful, failed)
  }
})
