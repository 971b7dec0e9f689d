import { Type } from '@sinclair/typebox'
import { defineAction } from '../action.js'
import { batchFailure, batchOutput, checkDistinctIds } from './common.js'
import { BatchEntries, BatchEntryId, Failed, invalid, QueueUrl, ReceiptHandle } from './fields.js'

export const deleteMessageBatch = defineAction({
  name: 'DeleteMessageBatch',
  input: Type.Object({
    queue_url: QueueUrl,
    entries: BatchEntries(Type.Object({ id: BatchEntryId, receipt_handle: ReceiptHandle }), 'DeleteMessageBatchRequestEntry')
  }),
  output: Type.Object({
    successful: Type.Optional(Type.Array(Type.Object({ id: Type.String() }), { queryName: 'DeleteMessageBatchResultEntry' })),
    failed: Type.Optional(Failed)
  }),
  invalid,
  async handle (ctx, input) {
    const queue = ctx.queues.require(input.queue_url)
    checkDistinctIds(input.entries)
    const errors = await queue.delete(input.entries.map((e) => e.receipt_handle))
    const successful = input.entries.filter((_, i) => errors[i] === undefined).map((e) => ({ id: e.id }))
    const failed = input.entries.flatMap((e, i) => (errors[i] === undefined ? [] : [batchFailure(e.id, errors[i]!)]))
    return batchOutput(successful, failed)
  }
})
