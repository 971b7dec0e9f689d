/**
 * FIFO queues: order within a group, a group blocked while a message of it is in flight,
 * deduplication within and after the 5-minute window (also after the original was
 * deleted), content-based deduplication, DeduplicationScope messageGroup, sequence numbers,
 * ReceiveRequestAttemptId, and AWS's FIFO-only errors. Time is a ManualClock.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { expectCode, type ManualClock } from './helpers/server.js'
import { queueName, startClockedQueueServer, type QueueTestServer } from './helpers/queues.js'

let t: QueueTestServer & { clock: ManualClock }
beforeAll(async () => { t = await startClockedQueueServer() })
afterAll(async () => { await t.close() })

async function fifo (attributes: Record<string, string> = {}): Promise<string> {
  return (await t.queues.createQueue({ queueName: `${queueName('fifo')}.fifo`, attributes: { FifoQueue: 'true', ...attributes } })).queueUrl
}

async function send (queueUrl: string, group: string, body: string, dedup: string = body): Promise<{ messageId: string, sequenceNumber?: string }> {
  return t.queues.sendMessage({ queueUrl, messageBody: body, messageGroupId: group, messageDeduplicationId: dedup })
}

async function bodies (queueUrl: string, max = 10, visibilityTimeout?: number): Promise<string[]> {
  return (await t.queues.receiveMessage({ queueUrl, maxNumberOfMessages: max, ...(visibilityTimeout === undefined ? {} : { visibilityTimeout }) })).messages.map((m) => m.body)
}

describe('order and groups', () => {
  it('delivers a group in order and nothing more of it while one of its messages is in flight', async () => {
    const queueUrl = await fifo({ VisibilityTimeout: '30' })
    for (const body of ['a1', 'a2', 'a3']) await send(queueUrl, 'a', body)
    for (const body of ['b1', 'b2']) await send(queueUrl, 'b', body)
    const first = await t.queues.receiveMessage({ queueUrl, maxNumberOfMessages: 2 })
    expect(first.messages.map((m) => m.body)).toEqual(['a1', 'a2'])
    // Group a is blocked; b is served.
    expect(await bodies(queueUrl)).toEqual(['b1', 'b2'])
    expect(await bodies(queueUrl)).toEqual([])
    // Deleting a1 is not enough: a2 is still in flight.
    await t.queues.deleteMessage({ queueUrl, receiptHandle: first.messages[0]!.receiptHandle })
    expect(await bodies(queueUrl)).toEqual([])
    await t.queues.deleteMessage({ queueUrl, receiptHandle: first.messages[1]!.receiptHandle })
    expect(await bodies(queueUrl)).toEqual(['a3'])
  })

  it('counts messages waiting behind a blocked group as visible', async () => {
    const queueUrl = await fifo()
    for (const body of ['1', '2', '3', '4']) await send(queueUrl, 'g', body)
    await t.queues.receiveMessage({ queueUrl })
    const { attributes } = await t.queues.getQueueAttributes({ queueUrl, attributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] })
    expect(attributes).toEqual({ ApproximateNumberOfMessages: '3', ApproximateNumberOfMessagesNotVisible: '1' })
  })

  it('redelivers a group from its first message whose visibility ended, and no further than its first one still in flight (AWS)', async () => {
    const queueUrl = await fifo()
    for (const body of ['m0', 'm1', 'm2']) await send(queueUrl, 'g', body)
    const received = (await t.queues.receiveMessage({ queueUrl, maxNumberOfMessages: 3, visibilityTimeout: 10 })).messages
    await t.queues.changeMessageVisibility({ queueUrl, receiptHandle: received[1]!.receiptHandle, visibilityTimeout: 100 })
    t.clock.advance(10_000)
    expect(await bodies(queueUrl, 10, 1)).toEqual(['m0'])
    t.clock.advance(1000)
    await t.queues.changeMessageVisibility({ queueUrl, receiptHandle: received[1]!.receiptHandle, visibilityTimeout: 0 })
    expect(await bodies(queueUrl, 10)).toEqual(['m0', 'm1', 'm2'])
  })

  // The next three are AWS-validated cases of LocalStack's suite: a group receivable again
  // (its visibility ended, or was changed to 0) goes behind the groups already waiting.
  it('serves a group that became receivable again after the groups already waiting (visibility changed to 0)', async () => {
    const queueUrl = await fifo({ VisibilityTimeout: '30' })
    for (const [group, body] of [['g1', 'g1-m1'], ['g1', 'g1-m2'], ['g2', 'g2-m1']]) await send(queueUrl, group!, body!)
    const first = (await t.queues.receiveMessage({ queueUrl, maxNumberOfMessages: 2 })).messages
    expect(first.map((m) => m.body)).toEqual(['g1-m1', 'g1-m2'])
    await t.queues.changeMessageVisibility({ queueUrl, receiptHandle: first[0]!.receiptHandle, visibilityTimeout: 0 })
    expect(await bodies(queueUrl, 3)).toEqual(['g2-m1', 'g1-m1'])
  })

  it('serves a group whose visibility timeout ended after the groups already waiting', async () => {
    const queueUrl = await fifo({ VisibilityTimeout: '30' })
    for (const [group, body] of [['g1', 'g1-m1'], ['g1', 'g1-m2'], ['g2', 'g2-m1']]) await send(queueUrl, group!, body!)
    const first = (await t.queues.receiveMessage({ queueUrl, maxNumberOfMessages: 2 })).messages
    await t.queues.changeMessageVisibility({ queueUrl, receiptHandle: first[0]!.receiptHandle, visibilityTimeout: 1 })
    t.clock.advance(2_000)
    expect(await bodies(queueUrl, 3)).toEqual(['g2-m1', 'g1-m1'])
  })

  it('with visibility timeout 0, serves groups never received before those received', async () => {
    const queueUrl = await fifo()
    for (const [group, body] of [['g1', 'g1-m1'], ['g2', 'g2-m1'], ['g2', 'g2-m2'], ['g3', 'g3-m1'], ['g1', 'g1-m2']]) await send(queueUrl, group!, body!)
    expect(await bodies(queueUrl, 3, 0)).toEqual(['g1-m1', 'g1-m2', 'g2-m1'])
    expect(await bodies(queueUrl, 10, 0)).toEqual(['g3-m1', 'g1-m1', 'g1-m2', 'g2-m1', 'g2-m2'])
  })

  it('gives every message a sequence number that grows within the group, the same on receive', async () => {
    const queueUrl = await fifo()
    const sent = [await send(queueUrl, 'g', 'x'), await send(queueUrl, 'g', 'y'), await send(queueUrl, 'h', 'z')]
    expect(sent.every((s) => /^\d{56}$/.test(s.sequenceNumber!))).toBe(true)
    expect(sent[0]!.sequenceNumber! < sent[1]!.sequenceNumber!).toBe(true)
    const received = (await t.queues.receiveMessage({ queueUrl, maxNumberOfMessages: 10, messageSystemAttributeNames: ['All'] })).messages
    expect(received.map((m) => m.attributes.SequenceNumber)).toEqual(sent.map((s) => s.sequenceNumber))
    expect(received[0]!.attributes).toMatchObject({ MessageGroupId: 'g', MessageDeduplicationId: 'x' })
  })
})

describe('deduplication', () => {
  it('accepts a duplicate within 5 minutes, answering with the original id and sequence number, and never delivers it; even after the original was deleted', async () => {
    const queueUrl = await fifo()
    const original = await send(queueUrl, 'g', 'once', 'd1')
    const duplicate = await send(queueUrl, 'g', 'twice', 'd1')
    expect(duplicate).toMatchObject({ messageId: original.messageId, sequenceNumber: original.sequenceNumber })
    const [m] = (await t.queues.receiveMessage({ queueUrl, maxNumberOfMessages: 10 })).messages
    expect(m!.body).toBe('once')
    await t.queues.deleteMessage({ queueUrl, receiptHandle: m!.receiptHandle })
    t.clock.advance(299_999)
    expect((await send(queueUrl, 'g', 'thrice', 'd1')).messageId).toBe(original.messageId)
    expect(await bodies(queueUrl)).toEqual([])
    t.clock.advance(1)
    const after = await send(queueUrl, 'g', 'after the window', 'd1')
    expect(after.messageId).not.toBe(original.messageId)
    expect(await bodies(queueUrl)).toEqual(['after the window'])
  })

  it('deduplicates by the body\'s SHA-256 with ContentBasedDeduplication, an explicit id overriding it', async () => {
    const queueUrl = await fifo({ ContentBasedDeduplication: 'true' })
    const a = await t.queues.sendMessage({ queueUrl, messageBody: 'same', messageGroupId: 'g' })
    const b = await t.queues.sendMessage({ queueUrl, messageBody: 'same', messageGroupId: 'g' })
    const c = await t.queues.sendMessage({ queueUrl, messageBody: 'same', messageGroupId: 'g', messageDeduplicationId: 'other' })
    expect(b.messageId).toBe(a.messageId)
    expect(c.messageId).not.toBe(a.messageId)
    const received = (await t.queues.receiveMessage({ queueUrl, maxNumberOfMessages: 10, attributeNames: ['MessageDeduplicationId'] })).messages
    expect(received).toHaveLength(2)
    // SHA-256 of "same".
    expect(received[0]!.attributes.MessageDeduplicationId).toBe('0967115f2813a3541eaef77de9d9d5773f1c0c04314b0bbfe4ff3b3b1c55b5d5')
    expect(received[1]!.attributes.MessageDeduplicationId).toBe('other')
  })

  it('deduplicates per queue by default and per group with DeduplicationScope messageGroup', async () => {
    const perQueue = await fifo()
    await send(perQueue, 'g1', 'first', 'same-id')
    await send(perQueue, 'g2', 'second', 'same-id')
    expect(await bodies(perQueue)).toEqual(['first'])
    const perGroup = await fifo({ DeduplicationScope: 'messageGroup', FifoThroughputLimit: 'perMessageGroupId' })
    await send(perGroup, 'g1', 'first', 'same-id')
    await send(perGroup, 'g2', 'second', 'same-id')
    expect((await bodies(perGroup)).sort()).toEqual(['first', 'second'])
  })

  it('forgets deduplication ids on PurgeQueue', async () => {
    const queueUrl = await fifo()
    const original = await send(queueUrl, 'g', 'x', 'p1')
    await t.queues.purgeQueue({ queueUrl })
    expect((await send(queueUrl, 'g', 'x', 'p1')).messageId).not.toBe(original.messageId)
    expect(await bodies(queueUrl)).toEqual(['x'])
  })
})

describe('receive attempts', () => {
  it('returns the same messages and handles to a receive retried with its ReceiveRequestAttemptId, until one is deleted', async () => {
    const queueUrl = await fifo()
    for (const body of ['1', '2']) await send(queueUrl, 'g', body)
    await send(queueUrl, 'h', '3')
    const first = await t.queues.receiveMessage({ queueUrl, maxNumberOfMessages: 2, receiveRequestAttemptId: 'attempt-1', visibilityTimeout: 30 })
    t.clock.advance(20_000)
    const retry = await t.queues.receiveMessage({ queueUrl, maxNumberOfMessages: 2, receiveRequestAttemptId: 'attempt-1', visibilityTimeout: 30 })
    expect(retry.messages.map((m) => [m.body, m.receiptHandle])).toEqual(first.messages.map((m) => [m.body, m.receiptHandle]))
    // The retry reset the visibility: 20 s later they are still in flight.
    t.clock.advance(20_000)
    expect(await bodies(queueUrl, 10)).toEqual(['3'])
    await t.queues.deleteMessage({ queueUrl, receiptHandle: first.messages[0]!.receiptHandle })
    const third = await t.queues.receiveMessage({ queueUrl, maxNumberOfMessages: 2, receiveRequestAttemptId: 'attempt-1' })
    expect(third.messages.map((m) => m.receiptHandle)).not.toContain(first.messages[1]!.receiptHandle)
  })
})

describe('FIFO rules', () => {
  it('refuses a per-message delay other than 0, which leaves the queue\'s delay in force', async () => {
    const queueUrl = await fifo({ DelaySeconds: '10' })
    const err = await expectCode(t.queues.sendMessage({ queueUrl, messageBody: 'x', messageGroupId: 'g', messageDeduplicationId: 'a', delaySeconds: 2 }), 'INVALID_PARAMETER_VALUE')
    expect(err.message).toBe('Value 2 for parameter DelaySeconds is invalid. Reason: The request include parameter that is not valid for this queue type.')
    await t.queues.sendMessage({ queueUrl, messageBody: 'x', messageGroupId: 'g', messageDeduplicationId: 'b', delaySeconds: 0 })
    expect(await bodies(queueUrl)).toEqual([])
    t.clock.advance(10_000)
    expect(await bodies(queueUrl)).toEqual(['x'])
  })

  it('needs a MessageGroupId (MissingParameter; InvalidParameterValue in a batch) and a deduplication id or ContentBasedDeduplication', async () => {
    const queueUrl = await fifo()
    const single = await expectCode(t.queues.sendMessage({ queueUrl, messageBody: 'x', messageDeduplicationId: 'a' }), 'MISSING_PARAMETER')
    expect(single.message).toBe('The request must contain the parameter MessageGroupId.')
    const batch = await expectCode(t.queues.sendMessageBatch({ queueUrl, entries: [{ id: 'a', messageBody: 'x', messageDeduplicationId: 'a' }] }), 'INVALID_PARAMETER_VALUE')
    expect(batch.message).toBe('The request must contain the parameter MessageGroupId.')
    const dedup = await expectCode(t.queues.sendMessage({ queueUrl, messageBody: 'x', messageGroupId: 'g' }), 'INVALID_PARAMETER_VALUE')
    expect(dedup.message).toBe('The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly')
  })

  it('refuses to delete with a handle whose visibility ended', async () => {
    const queueUrl = await fifo()
    await send(queueUrl, 'g', 'x')
    const [m] = (await t.queues.receiveMessage({ queueUrl, visibilityTimeout: 5 })).messages
    t.clock.advance(5000)
    const err = await expectCode(t.queues.deleteMessage({ queueUrl, receiptHandle: m!.receiptHandle }), 'INVALID_PARAMETER_VALUE')
    expect(err.message).toBe(`Value ${m!.receiptHandle} for parameter ReceiptHandle is invalid. Reason: The receipt handle has expired.`)
  })

  it('takes 300 sends per second without high throughput, with --limits aws (RequestThrottled)', async () => {
    const queueUrl = await fifo()
    const entries = Array.from({ length: 10 }, (_, i) => ({ id: `e${i}`, messageBody: `b${i}`, messageGroupId: 'g', messageDeduplicationId: `d-${i}` }))
    // 300 calls, 30 at a time; the clock stands still, so the bucket does not refill.
    for (let i = 0; i < 300; i += 30) {
      await Promise.all(Array.from({ length: 30 }, (_, j) => t.queues.sendMessageBatch({ queueUrl, entries: entries.map((e) => ({ ...e, messageDeduplicationId: `${e.messageDeduplicationId}-${i + j}` })) })))
    }
    await expectCode(t.queues.sendMessage({ queueUrl, messageBody: 'x', messageGroupId: 'g', messageDeduplicationId: 'over' }), 'REQUEST_THROTTLED')
    t.clock.advance(1000)
    await t.queues.sendMessage({ queueUrl, messageBody: 'x', messageGroupId: 'g', messageDeduplicationId: 'over' })
    const high = await fifo({ DeduplicationScope: 'messageGroup', FifoThroughputLimit: 'perMessageGroupId' })
    for (let i = 0; i < 310; i += 31) {
      await Promise.all(Array.from({ length: 31 }, (_, j) => t.queues.sendMessage({ queueUrl: high, messageBody: 'x', messageGroupId: 'g', messageDeduplicationId: `h${i + j}` })))
    }
  })
})
