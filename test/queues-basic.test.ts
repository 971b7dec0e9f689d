/**
 * SQS over gRPC, the life of a message: create a queue, send, receive, delete, and watch
 * the exact counts move.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { queueName, startQueueServer, type QueueTestServer } from './helpers/queues.js'

let t: QueueTestServer
beforeAll(async () => { t = await startQueueServer() })
afterAll(async () => { await t.close() })

async function counts (queueUrl: string): Promise<[number, number, number]> {
  const { attributes } = await t.queues.getQueueAttributes({ queueUrl, attributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed'] })
  return [Number(attributes.ApproximateNumberOfMessages), Number(attributes.ApproximateNumberOfMessagesNotVisible), Number(attributes.ApproximateNumberOfMessagesDelayed)]
}

describe('a message\'s life', () => {
  it('is sent, counted, received, counted in flight, deleted', async () => {
    const { queueUrl } = await t.queues.createQueue({ queueName: queueName() })
    expect(queueUrl).toBe(`http://127.0.0.1:${t.server.httpPort}/000000000000/${queueUrl.split('/').pop()!}`)
    const sent = await t.queues.sendMessage({ queueUrl, messageBody: 'message' })
    expect(sent.md5OfMessageBody).toBe('78e731027d8fd50ed642340b7c9a63b3')
    expect(sent.messageId).toMatch(/^[0-9a-f-]{36}$/)
    expect(await counts(queueUrl)).toEqual([1, 0, 0])
    const { messages } = await t.queues.receiveMessage({ queueUrl })
    expect(messages).toHaveLength(1)
    expect(messages[0]!.body).toBe('message')
    expect(messages[0]!.messageId).toBe(sent.messageId)
    expect(await counts(queueUrl)).toEqual([0, 1, 0])
    expect((await t.queues.receiveMessage({ queueUrl })).messages).toEqual([])
    await t.queues.deleteMessage({ queueUrl, receiptHandle: messages[0]!.receiptHandle })
    expect(await counts(queueUrl)).toEqual([0, 0, 0])
  })

  it('gives each of ten messages to exactly one of several receives', async () => {
    const { queueUrl } = await t.queues.createQueue({ queueName: queueName() })
    await t.queues.sendMessageBatch({ queueUrl, entries: Array.from({ length: 10 }, (_, i) => ({ id: `m${i}`, messageBody: `body ${i}` })) })
    const batches = await Promise.all(Array.from({ length: 5 }, () => t.queues.receiveMessage({ queueUrl, maxNumberOfMessages: 3 })))
    const bodies = batches.flatMap((b) => b.messages.map((m) => m.body)).sort()
    expect(bodies).toEqual(Array.from({ length: 10 }, (_, i) => `body ${i}`).sort())
  })
})
