/**
 * Time-dependent queue behaviour, driven by a ManualClock (no sleeps): visibility expiry and
 * redelivery, changing visibility, delays (queue and per message), retention, purge's 60 s
 * rule.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { expectCode } from './helpers/server.js'
import { queueName, startClockedQueueServer, type QueueTestServer } from './helpers/queues.js'
import type { ManualClock } from './helpers/server.js'

let t: QueueTestServer & { clock: ManualClock }
beforeAll(async () => { t = await startClockedQueueServer() })
afterAll(async () => { await t.close() })

async function counts (queueUrl: string): Promise<{ visible: number, notVisible: number, delayed: number }> {
  const { attributes: a } = await t.queues.getQueueAttributes({ queueUrl, attributeNames: ['All'] })
  return { visible: Number(a.ApproximateNumberOfMessages), notVisible: Number(a.ApproximateNumberOfMessagesNotVisible), delayed: Number(a.ApproximateNumberOfMessagesDelayed) }
}

async function queue (attributes: Record<string, string> = {}): Promise<string> {
  return (await t.queues.createQueue({ queueName: queueName('time'), attributes })).queueUrl
}

describe('visibility', () => {
  it('hides a received message until its visibility timeout ends, then delivers it again with a new handle and a higher count', async () => {
    const queueUrl = await queue({ VisibilityTimeout: '30' })
    await t.queues.sendMessage({ queueUrl, messageBody: 'once' })
    const first = (await t.queues.receiveMessage({ queueUrl, attributeNames: ['All'] })).messages[0]!
    expect(first.attributes.ApproximateReceiveCount).toBe('1')
    const firstReceive = first.attributes.ApproximateFirstReceiveTimestamp
    t.clock.advance(29_999)
    expect((await t.queues.receiveMessage({ queueUrl })).messages).toEqual([])
    expect(await counts(queueUrl)).toEqual({ visible: 0, notVisible: 1, delayed: 0 })
    t.clock.advance(1)
    expect(await counts(queueUrl)).toEqual({ visible: 1, notVisible: 0, delayed: 0 })
    const again = (await t.queues.receiveMessage({ queueUrl, attributeNames: ['All'] })).messages[0]!
    expect(again.messageId).toBe(first.messageId)
    expect(again.receiptHandle).not.toBe(first.receiptHandle)
    expect(again.attributes.ApproximateReceiveCount).toBe('2')
    expect(again.attributes.ApproximateFirstReceiveTimestamp).toBe(firstReceive)
  })

  it('takes the receive\'s own VisibilityTimeout, 0 meaning at once', async () => {
    const queueUrl = await queue()
    await t.queues.sendMessage({ queueUrl, messageBody: 'x' })
    await t.queues.receiveMessage({ queueUrl, visibilityTimeout: 0 })
    expect((await t.queues.receiveMessage({ queueUrl, visibilityTimeout: 5 })).messages).toHaveLength(1)
    t.clock.advance(4999)
    expect((await t.queues.receiveMessage({ queueUrl })).messages).toHaveLength(0)
    t.clock.advance(1)
    expect((await t.queues.receiveMessage({ queueUrl })).messages).toHaveLength(1)
  })

  it('ChangeMessageVisibility sets a new deadline from now, 0 releases the message, and the total stays within 12 h of the receive', async () => {
    const queueUrl = await queue({ VisibilityTimeout: '10' })
    await t.queues.sendMessage({ queueUrl, messageBody: 'x' })
    const m = (await t.queues.receiveMessage({ queueUrl })).messages[0]!
    t.clock.advance(5000)
    await t.queues.changeMessageVisibility({ queueUrl, receiptHandle: m.receiptHandle, visibilityTimeout: 60 })
    t.clock.advance(59_999)
    expect((await t.queues.receiveMessage({ queueUrl })).messages).toHaveLength(0)
    await t.queues.changeMessageVisibility({ queueUrl, receiptHandle: m.receiptHandle, visibilityTimeout: 0 })
    const again = (await t.queues.receiveMessage({ queueUrl, visibilityTimeout: 43_200 })).messages[0]!
    expect(again.messageId).toBe(m.messageId)
    // 12 h from this receive, not from the first.
    t.clock.advance(3_600_000)
    await t.queues.changeMessageVisibility({ queueUrl, receiptHandle: again.receiptHandle, visibilityTimeout: 39_600 })
    const err = await expectCode(t.queues.changeMessageVisibility({ queueUrl, receiptHandle: again.receiptHandle, visibilityTimeout: 39_601 }), 'INVALID_PARAMETER_VALUE')
    expect(err.message).toBe('Value 39601 for parameter VisibilityTimeout is invalid. Reason: Total VisibilityTimeout for the message is beyond the limit [43200 seconds]')
  })

  it('refuses to change the visibility of a message not in flight under that handle (MessageNotInflight), or of a deleted one', async () => {
    const queueUrl = await queue({ VisibilityTimeout: '10' })
    await t.queues.sendMessage({ queueUrl, messageBody: 'x' })
    const old = (await t.queues.receiveMessage({ queueUrl })).messages[0]!
    t.clock.advance(10_000)
    await expectCode(t.queues.changeMessageVisibility({ queueUrl, receiptHandle: old.receiptHandle, visibilityTimeout: 5 }), 'MESSAGE_NOT_INFLIGHT')
    const fresh = (await t.queues.receiveMessage({ queueUrl })).messages[0]!
    await expectCode(t.queues.changeMessageVisibility({ queueUrl, receiptHandle: old.receiptHandle, visibilityTimeout: 5 }), 'MESSAGE_NOT_INFLIGHT')
    await t.queues.deleteMessage({ queueUrl, receiptHandle: fresh.receiptHandle })
    const err = await expectCode(t.queues.changeMessageVisibility({ queueUrl, receiptHandle: fresh.receiptHandle, visibilityTimeout: 5 }), 'INVALID_PARAMETER_VALUE')
    expect(err.message).toBe(`Value ${fresh.receiptHandle} for parameter ReceiptHandle is invalid. Reason: Message does not exist or is not available for visibility timeout change.`)
  })

  it('deletes with an old receipt handle on a standard queue, and again without complaint', async () => {
    const queueUrl = await queue({ VisibilityTimeout: '10' })
    await t.queues.sendMessage({ queueUrl, messageBody: 'x' })
    const old = (await t.queues.receiveMessage({ queueUrl })).messages[0]!
    t.clock.advance(10_000)
    await t.queues.receiveMessage({ queueUrl })
    await t.queues.deleteMessage({ queueUrl, receiptHandle: old.receiptHandle })
    await t.queues.deleteMessage({ queueUrl, receiptHandle: old.receiptHandle })
    expect(await counts(queueUrl)).toEqual({ visible: 0, notVisible: 0, delayed: 0 })
    t.clock.advance(10_000)
    expect((await t.queues.receiveMessage({ queueUrl })).messages).toEqual([])
  })
})

describe('delay', () => {
  it('holds messages for the queue\'s DelaySeconds, counted as delayed', async () => {
    const queueUrl = await queue({ DelaySeconds: '60' })
    await t.queues.sendMessage({ queueUrl, messageBody: 'later' })
    expect(await counts(queueUrl)).toEqual({ visible: 0, notVisible: 0, delayed: 1 })
    expect((await t.queues.receiveMessage({ queueUrl })).messages).toEqual([])
    t.clock.advance(59_999)
    expect((await t.queues.receiveMessage({ queueUrl })).messages).toEqual([])
    t.clock.advance(1)
    expect(await counts(queueUrl)).toEqual({ visible: 1, notVisible: 0, delayed: 0 })
    expect((await t.queues.receiveMessage({ queueUrl })).messages.map((m) => m.body)).toEqual(['later'])
  })

  it('lets a message\'s own DelaySeconds override the queue\'s, and does not hold back the messages after it', async () => {
    const queueUrl = await queue({ DelaySeconds: '30' })
    await t.queues.sendMessage({ queueUrl, messageBody: 'slow', delaySeconds: 120 })
    await t.queues.sendMessage({ queueUrl, messageBody: 'now', delaySeconds: 0 })
    await t.queues.sendMessage({ queueUrl, messageBody: 'queue-delay' })
    expect(await counts(queueUrl)).toEqual({ visible: 1, notVisible: 0, delayed: 2 })
    const now = (await t.queues.receiveMessage({ queueUrl, maxNumberOfMessages: 10 })).messages
    expect(now.map((m) => m.body)).toEqual(['now'])
    await t.queues.deleteMessage({ queueUrl, receiptHandle: now[0]!.receiptHandle })
    t.clock.advance(30_000)
    const delayed = (await t.queues.receiveMessage({ queueUrl, maxNumberOfMessages: 10 })).messages
    expect(delayed.map((m) => m.body)).toEqual(['queue-delay'])
    await t.queues.deleteMessage({ queueUrl, receiptHandle: delayed[0]!.receiptHandle })
    t.clock.advance(90_000)
    expect((await t.queues.receiveMessage({ queueUrl, maxNumberOfMessages: 10 })).messages.map((m) => m.body)).toEqual(['slow'])
  })
})

describe('retention', () => {
  it('never returns messages older than MessageRetentionPeriod, in flight or not, and stops counting them', async () => {
    const queueUrl = await queue({ MessageRetentionPeriod: '60', VisibilityTimeout: '100' })
    await t.queues.sendMessage({ queueUrl, messageBody: 'old-in-flight' })
    await t.queues.receiveMessage({ queueUrl })
    await t.queues.sendMessage({ queueUrl, messageBody: 'old' })
    t.clock.advance(30_000)
    await t.queues.sendMessage({ queueUrl, messageBody: 'young' })
    expect(await counts(queueUrl)).toEqual({ visible: 2, notVisible: 1, delayed: 0 })
    t.clock.advance(30_001)
    expect(await counts(queueUrl)).toEqual({ visible: 1, notVisible: 0, delayed: 0 })
    expect((await t.queues.receiveMessage({ queueUrl, maxNumberOfMessages: 10 })).messages.map((m) => m.body)).toEqual(['young'])
  })

  it('expires a backlog never read ahead (found by a seek), and removes it from storage', async () => {
    const queueUrl = await queue({ MessageRetentionPeriod: '60' })
    for (let i = 0; i < 30; i++) {
      await t.queues.sendMessageBatch({ queueUrl, entries: Array.from({ length: 10 }, (_, j) => ({ id: `e${j}`, messageBody: `old ${i}.${j}` })) })
    }
    t.clock.advance(61_000)
    await t.queues.sendMessage({ queueUrl, messageBody: 'young' })
    expect(await counts(queueUrl)).toEqual({ visible: 1, notVisible: 0, delayed: 0 })
    await t.server.trimNow()
    const name = queueUrl.split('/').pop()!
    const { shardIterator } = await t.client.getShardIterator({ streamName: `__queue.${name}`, shardId: 'shardId-000000000000', shardIteratorType: 'TRIM_HORIZON' })
    const page = await t.client.getRecords({ shardIterator })
    expect(page.records).toHaveLength(1)
    expect((await t.queues.receiveMessage({ queueUrl, maxNumberOfMessages: 10 })).messages.map((m) => m.body)).toEqual(['young'])
  })

  it('does not bring expired messages back when the retention period grows', async () => {
    const queueUrl = await queue({ MessageRetentionPeriod: '60' })
    await t.queues.sendMessage({ queueUrl, messageBody: 'gone' })
    t.clock.advance(61_000)
    await t.queues.setQueueAttributes({ queueUrl, attributes: { MessageRetentionPeriod: '3600' } })
    expect(await counts(queueUrl)).toEqual({ visible: 0, notVisible: 0, delayed: 0 })
    expect((await t.queues.receiveMessage({ queueUrl })).messages).toEqual([])
  })
})

describe('purge', () => {
  it('removes visible, in-flight and delayed messages sent before it, keeps later ones, and refuses a second purge within 60 s', async () => {
    const queueUrl = await queue()
    await t.queues.sendMessage({ queueUrl, messageBody: 'visible' })
    await t.queues.sendMessage({ queueUrl, messageBody: 'delayed', delaySeconds: 100 })
    await t.queues.sendMessage({ queueUrl, messageBody: 'in flight' })
    await t.queues.receiveMessage({ queueUrl })
    await t.queues.purgeQueue({ queueUrl })
    expect(await counts(queueUrl)).toEqual({ visible: 0, notVisible: 0, delayed: 0 })
    await t.queues.sendMessage({ queueUrl, messageBody: 'after' })
    const err = await expectCode(t.queues.purgeQueue({ queueUrl }), 'PURGE_IN_PROGRESS')
    expect(err.message).toBe(`Only one PurgeQueue operation on ${queueUrl.split('/').pop()!} is allowed every 60 seconds.`)
    t.clock.advance(200_000)
    expect((await t.queues.receiveMessage({ queueUrl, maxNumberOfMessages: 10 })).messages.map((m) => m.body)).toEqual(['after'])
    t.clock.advance(60_000)
    await t.queues.purgeQueue({ queueUrl })
  })
})
