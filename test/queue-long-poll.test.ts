/**
 * Long polling: a waiting receive answers the moment a message becomes receivable (a
 * send, a delay or a visibility timeout ending), never on a polling interval; with several
 * waiters each message goes to one of them; shutdown ends waits at once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { QueueClient } from '../client/index.js'
import { queueName, startQueueServer, type QueueTestServer } from './helpers/queues.js'

let t: QueueTestServer
beforeAll(async () => { t = await startQueueServer() })
afterAll(async () => { await t.close() })

async function queue (attributes: Record<string, string> = {}): Promise<string> {
  return (await t.queues.createQueue({ queueName: queueName('poll'), attributes })).queueUrl
}

/** Lets a receive reach the server and start waiting. */
const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 100))

describe('long polling', () => {
  it('returns within milliseconds of a send', async () => {
    const queueUrl = await queue()
    const latencies: number[] = []
    for (let i = 0; i < 5; i++) {
      const waiting = t.queues.receiveMessage({ queueUrl, waitTimeSeconds: 10 })
      await settle()
      const sentAt = performance.now()
      await t.queues.sendMessage({ queueUrl, messageBody: `m${i}` })
      const { messages } = await waiting
      latencies.push(performance.now() - sentAt)
      expect(messages.map((m) => m.body)).toEqual([`m${i}`])
      await t.queues.deleteMessage({ queueUrl, receiptHandle: messages[0]!.receiptHandle })
    }
    // From the send's call to the receive's answer: two gRPC round trips and a commit.
    latencies.sort((a, b) => a - b)
    expect(latencies[2]).toBeLessThan(100)
  })

  it('answers with what is there at once, without waiting to fill MaxNumberOfMessages', async () => {
    const queueUrl = await queue()
    await t.queues.sendMessage({ queueUrl, messageBody: 'one' })
    const started = performance.now()
    expect((await t.queues.receiveMessage({ queueUrl, waitTimeSeconds: 10, maxNumberOfMessages: 10 })).messages).toHaveLength(1)
    expect(performance.now() - started).toBeLessThan(1000)
  })

  it('gives each message to one of several waiters, in the order they came', async () => {
    const queueUrl = await queue()
    const waiters = Array.from({ length: 4 }, () => t.queues.receiveMessage({ queueUrl, waitTimeSeconds: 10 }))
    await settle()
    await t.queues.sendMessageBatch({ queueUrl, entries: ['a', 'b', 'c'].map((b) => ({ id: b, messageBody: b })) })
    const got = await Promise.race([
      Promise.all(waiters.slice(0, 3)),
      new Promise<never>((_resolve, reject) => setTimeout(() => reject(new Error('the first three waiters did not all get a message')), 3000))
    ])
    expect(got.flatMap((r) => r.messages.map((m) => m.body)).sort()).toEqual(['a', 'b', 'c'])
    await t.queues.sendMessage({ queueUrl, messageBody: 'd' })
    expect((await waiters[3]!).messages.map((m) => m.body)).toEqual(['d'])
  })

  it('wakes when a delay or a visibility timeout ends', async () => {
    const queueUrl = await queue({ DelaySeconds: '1' })
    await t.queues.sendMessage({ queueUrl, messageBody: 'delayed' })
    let started = performance.now()
    const [m] = (await t.queues.receiveMessage({ queueUrl, waitTimeSeconds: 5, visibilityTimeout: 1 })).messages
    expect(m!.body).toBe('delayed')
    expect(performance.now() - started).toBeGreaterThan(800)
    expect(performance.now() - started).toBeLessThan(2500)
    started = performance.now()
    const again = (await t.queues.receiveMessage({ queueUrl, waitTimeSeconds: 5 })).messages
    expect(again.map((x) => x.body)).toEqual(['delayed'])
    expect(performance.now() - started).toBeLessThan(2500)
  })

  it('ends empty after WaitTimeSeconds, or the queue\'s ReceiveMessageWaitTimeSeconds', async () => {
    const queueUrl = await queue({ ReceiveMessageWaitTimeSeconds: '1' })
    const started = performance.now()
    expect((await t.queues.receiveMessage({ queueUrl })).messages).toEqual([])
    expect(performance.now() - started).toBeGreaterThan(900)
  })
})

describe('shutdown', () => {
  it('ends waiting receives at once, empty', async () => {
    const own = await startQueueServer()
    const client = new QueueClient({ endpoint: own.endpoint })
    const { queueUrl } = await client.createQueue({ queueName: 'waiting' })
    const waiting = client.receiveMessage({ queueUrl, waitTimeSeconds: 20 })
    await settle()
    const started = performance.now()
    const closing = own.close()
    const outcome = await waiting.then((r) => r.messages.length, (err: Error) => err.message)
    await closing
    client.close()
    expect(outcome).toBe(0)
    expect(performance.now() - started).toBeLessThan(2000)
  })
})
