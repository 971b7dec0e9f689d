import { Type } from '@sinclair/typebox'
import { defineAction } from '../action.js'
import { batchFailure, batchOutput, checkDistinctIds } from './common.js'
import { BatchEntries, BatchEntryId, Failed, invalid, QueueUrl, ReceiptHandle, VisibilityTimeout } from './fields.js'

export const changeMessageVisibilityBatch = defineAction({
  name: 'ChangeMessageVisibilityBatch',
  input: Type.Object({
    queue_url: QueueUrl,
    entries: BatchEntries(Type.Object({ id: BatchEntryId, receipt_handle: ReceiptHandle, visibility_timeout: Type.Optional(VisibilityTimeout) }), 'ChangeMessageVisibilityBatchRequestEntry')
  }),
  output: Type.Object({
    successful: Type.Optional(Type.Array(Type.Object({ id: Type.String() }), { queryName: 'ChangeMessageVisibilityBatchResultEntry' })),
    failed: Type.Optional(Failed)
  }),
  invalid,
  async handle (ctx, input) {
    const queue = ctx.queues.require(input.queue_url)
    checkDistinctIds(input.entries)
    // An entry without VisibilityTimeout makes the message visible at once (the model's default, 0).
    const errors = await queue.changeVisibility(input.entries.map((e) => ({ handle: e.receipt_handle, timeout: e.visibility_timeout ?? 0 })))
    const successful = input.entries.filter((_, i) => errors[i] === undefined).map((e) => ({ id: e.id }))
    const failed = input.entries.flatMap((e, i) => (errors[i] === undefined ? [] : [batchFailure(e.id, errors[i]!)]))
    return batchOutput(successful, failed)
  }
})
