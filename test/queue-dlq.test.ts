/**
 * Dead-letter queues and message move tasks: a message received maxReceiveCount times
 * moves on the next receive attempt, keeping its id, attributes and SentTimestamp;
 * RedrivePolicy and RedriveAllowPolicy are checked as AWS checks them;
 * ListDeadLetterSourceQueues; move tasks redrive at a rate, are listed with their counts
 * and can be cancelled. Time is a ManualClock.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { expectCode, type ManualClock } from './helpers/server.js'
import { queueName, startClockedQueueServer, type QueueTestServer } from './helpers/queues.js'

let t: QueueTestServer & { clock: ManualClock }
beforeAll(async () => { t = await startClockedQueueServer() })
afterAll(async () => { await t.close() })

async function arnOf (queueUrl: string): Promise<string> {
  return (await t.queues.getQueueAttributes({ queueUrl, attributeNames: ['QueueArn'] })).attributes.QueueArn!
}

async function pair (maxReceiveCount = 2, fifo = false): Promise<{ source: string, dlq: string, dlqArn: string, sourceArn: string }> {
  const suffix = fifo ? '.fifo' : ''
  const fifoAttributes: Record<string, string> = fifo ? { FifoQueue: 'true', ContentBasedDeduplication: 'true' } : {}
  const dlq = (await t.queues.createQueue({ queueName: queueName('dlq') + suffix, attributes: fifoAttributes })).queueUrl
  const dlqArn = await arnOf(dlq)
  const source = (await t.queues.createQueue({
    queueName: queueName('src') + suffix,
    attributes: { ...fifoAttributes, VisibilityTimeout: '10', RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: String(maxReceiveCount) }) }
  })).queueUrl
  return { source, dlq, dlqArn, sourceArn: await arnOf(source) }
}

async function visible (queueUrl: string): Promise<number> {
  return Number((await t.queues.getQueueAttributes({ queueUrl, attributeNames: ['ApproximateNumberOfMessages'] })).attributes.ApproximateNumberOfMessages)
}

describe('dead-letter queues', () => {
  it('moves a message after maxReceiveCount receives, on the next receive attempt, with its id, attributes and SentTimestamp', async () => {
    const { source, dlq, sourceArn } = await pair(2)
    const sent = await t.queues.sendMessage({ queueUrl: source, messageBody: 'poison', messageAttributes: { k: { dataType: 'String', stringValue: 'x' } } })
    for (let i = 0; i < 2; i++) {
      expect((await t.queues.receiveMessage({ queueUrl: source })).messages).toHaveLength(1)
      t.clock.advance(10_000)
    }
    expect((await t.queues.receiveMessage({ queueUrl: source })).messages).toEqual([])
    expect(await visible(source)).toBe(0)
    const [moved] = (await t.queues.receiveMessage({ queueUrl: dlq, attributeNames: ['All'], messageAttributeNames: ['All'] })).messages
    expect(moved!.messageId).toBe(sent.messageId)
    expect(moved!.md5OfMessageAttributes).toBe('a45daa70926828a2f0a1db3418e6feb4')
    expect(moved!.messageAttributes).toEqual({ k: { dataType: 'String', stringValue: 'x' } })
    expect(moved!.attributes.ApproximateReceiveCount).toBe('3')
    expect(moved!.attributes.DeadLetterQueueSourceArn).toBe(sourceArn)
    expect(Number(moved!.attributes.SentTimestamp)).toBeLessThan(t.clock.time - 19_000)
  })

  it('keeps FIFO order into a FIFO dead-letter queue', async () => {
    const { source, dlq } = await pair(1, true)
    for (const body of ['a', 'b']) await t.queues.sendMessage({ queueUrl: source, messageBody: body, messageGroupId: 'g' })
    expect((await t.queues.receiveMessage({ queueUrl: source, maxNumberOfMessages: 10 })).messages.map((m) => m.body)).toEqual(['a', 'b'])
    t.clock.advance(10_000)
    expect((await t.queues.receiveMessage({ queueUrl: source, maxNumberOfMessages: 10 })).messages).toEqual([])
    expect((await t.queues.receiveMessage({ queueUrl: dlq, maxNumberOfMessages: 10 })).messages.map((m) => m.body)).toEqual(['a', 'b'])
  })

  it('checks the RedrivePolicy: an existing target of the same type, allowed by its RedriveAllowPolicy, maxReceiveCount 1 to 1000', async () => {
    const dlq = (await t.queues.createQueue({ queueName: queueName('target') })).queueUrl
    const dlqArn = await arnOf(dlq)
    const q = (await t.queues.createQueue({ queueName: queueName('q') })).queueUrl
    const policy = (count: unknown, arn = dlqArn): string => JSON.stringify({ deadLetterTargetArn: arn, maxReceiveCount: count })
    const zero = await expectCode(t.queues.setQueueAttributes({ queueUrl: q, attributes: { RedrivePolicy: policy(0) } }), 'INVALID_PARAMETER_VALUE')
    expect(zero.message).toBe(`Value ${policy(0)} for parameter RedrivePolicy is invalid. Reason: Invalid value for maxReceiveCount: 0, valid values are from 1 to 1000 both inclusive.`)
    await expectCode(t.queues.setQueueAttributes({ queueUrl: q, attributes: { RedrivePolicy: policy(1, 'arn:aws:sqs:us-east-1:000000000000:missing') } }), 'INVALID_PARAMETER_VALUE')
    const fifo = (await t.queues.createQueue({ queueName: `${queueName('f')}.fifo`, attributes: { FifoQueue: 'true' } })).queueUrl
    await expectCode(t.queues.setQueueAttributes({ queueUrl: q, attributes: { RedrivePolicy: policy(1, await arnOf(fifo)) } }), 'INVALID_PARAMETER_VALUE')
    await t.queues.setQueueAttributes({ queueUrl: dlq, attributes: { RedriveAllowPolicy: JSON.stringify({ redrivePermission: 'denyAll' }) } })
    await expectCode(t.queues.setQueueAttributes({ queueUrl: q, attributes: { RedrivePolicy: policy(5) } }), 'INVALID_PARAMETER_VALUE')
    await t.queues.setQueueAttributes({ queueUrl: dlq, attributes: { RedriveAllowPolicy: JSON.stringify({ redrivePermission: 'byQueue', sourceQueueArns: [await arnOf(q)] }) } })
    await t.queues.setQueueAttributes({ queueUrl: q, attributes: { RedrivePolicy: policy('5') } })
    const { attributes } = await t.queues.getQueueAttributes({ queueUrl: q, attributeNames: ['RedrivePolicy'] })
    expect(JSON.parse(attributes.RedrivePolicy!)).toEqual({ deadLetterTargetArn: dlqArn, maxReceiveCount: 5 })
    expect((await t.queues.listDeadLetterSourceQueues({ queueUrl: dlq })).queueUrls).toEqual([q])
    await t.queues.setQueueAttributes({ queueUrl: q, attributes: { RedrivePolicy: '' } })
    expect((await t.queues.listDeadLetterSourceQueues({ queueUrl: dlq })).queueUrls).toEqual([])
  })

  it('names a RedrivePolicy key that is missing, maxReceiveCount first, on create and set', async () => {
    const q = (await t.queues.createQueue({ queueName: queueName('q') })).queueUrl
    const reason = (raw: string, key: string): string => `Value ${raw} for parameter RedrivePolicy is invalid. Reason: Redrive policy does not contain mandatory attribute: ${key}.`
    const noCount = '{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:000000000000:q1"}'
    const created = await expectCode(t.queues.createQueue({ queueName: queueName('q'), attributes: { RedrivePolicy: noCount } }), 'INVALID_PARAMETER_VALUE')
    expect(created.message).toBe(reason(noCount, 'maxReceiveCount'))
    for (const [raw, key] of [[noCount, 'maxReceiveCount'], ['{}', 'maxReceiveCount'], ['{"maxReceiveCount":"5"}', 'deadLetterTargetArn']] as const) {
      const err = await expectCode(t.queues.setQueueAttributes({ queueUrl: q, attributes: { RedrivePolicy: raw } }), 'INVALID_PARAMETER_VALUE')
      expect(err.message).toBe(reason(raw, key))
    }
  })
})

async function waitFor<T> (read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  const until = Date.now() + 10_000
  for (;;) {
    const value = await read()
    if (done(value) || Date.now() > until) return value
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

async function fillDlq (count: number): Promise<{ source: string, dlq: string, dlqArn: string, sourceArn: string }> {
  const p = await pair(1)
  for (let i = 0; i < count; i += 10) {
    await t.queues.sendMessageBatch({ queueUrl: p.source, entries: Array.from({ length: Math.min(10, count - i) }, (_, j) => ({ id: `e${j}`, messageBody: `m${i + j}` })) })
  }
  for (let got = 0; got < count;) got += (await t.queues.receiveMessage({ queueUrl: p.source, maxNumberOfMessages: 10 })).messages.length
  t.clock.advance(10_000)
  expect((await t.queues.receiveMessage({ queueUrl: p.source, maxNumberOfMessages: 10 })).messages).toEqual([])
  for (let i = 0; i < count && (await visible(p.dlq)) < count; i++) await t.queues.receiveMessage({ queueUrl: p.source, maxNumberOfMessages: 10 })
  expect(await visible(p.dlq)).toBe(count)
  return p
}

describe('message move tasks', () => {
  it('redrives a dead-letter queue back to its source and reports the task', async () => {
    const { source, dlq, dlqArn, sourceArn } = await fillDlq(25)
    const { taskHandle } = await t.queues.startMessageMoveTask({ sourceArn: dlqArn })
    const tasks = await waitFor(() => t.queues.listMessageMoveTasks({ sourceArn: dlqArn }), (r) => r.results[0]?.status === 'COMPLETED')
    expect(tasks.results[0]).toMatchObject({ status: 'COMPLETED', sourceArn: dlqArn, approximateNumberOfMessagesMoved: 25, approximateNumberOfMessagesToMove: 25 })
    expect(tasks.results[0]!.taskHandle).toBeUndefined()
    expect(taskHandle).not.toBe('')
    expect(await visible(dlq)).toBe(0)
    expect(await visible(source)).toBe(25)
    const back = (await t.queues.receiveMessage({ queueUrl: source, attributeNames: ['All'] })).messages[0]!
    expect(back.attributes.DeadLetterQueueSourceArn).toBeUndefined()
    expect(sourceArn).toContain(':src-')
  })

  it('moves at MaxNumberOfMessagesPerSecond by the server clock, and can be cancelled', async () => {
    const { dlq, dlqArn } = await fillDlq(30)
    const other = (await t.queues.createQueue({ queueName: queueName('dest') })).queueUrl
    const { taskHandle } = await t.queues.startMessageMoveTask({ sourceArn: dlqArn, destinationArn: await arnOf(other), maxNumberOfMessagesPerSecond: 10 })
    await expectCode(t.queues.startMessageMoveTask({ sourceArn: dlqArn }), 'INVALID_PARAMETER_VALUE')
    t.clock.advance(1000)
    await waitFor(() => visible(other), (n) => n === 10)
    await new Promise((resolve) => setTimeout(resolve, 200))
    expect(await visible(other)).toBe(10)
    const { approximateNumberOfMessagesMoved } = await t.queues.cancelMessageMoveTask({ taskHandle })
    expect(approximateNumberOfMessagesMoved).toBe(10)
    const tasks = await waitFor(() => t.queues.listMessageMoveTasks({ sourceArn: dlqArn, maxResults: 10 }), (r) => r.results[0]?.status === 'CANCELLED')
    expect(tasks.results[0]).toMatchObject({ status: 'CANCELLED', approximateNumberOfMessagesMoved: 10, maxNumberOfMessagesPerSecond: 10 })
    expect(await visible(dlq)).toBe(20)
  })

  it('answers AWS\'s errors', async () => {
    const plain = (await t.queues.createQueue({ queueName: queueName('plain') })).queueUrl
    const notDlq = await expectCode(t.queues.startMessageMoveTask({ sourceArn: await arnOf(plain) }), 'INVALID_PARAMETER_VALUE')
    expect(notDlq.message).toBe('Source queue must be configured as a Dead Letter Queue.')
    await expectCode(t.queues.startMessageMoveTask({ sourceArn: 'arn:aws:sqs:us-east-1:000000000000:nothing' }), 'QUEUE_RESOURCE_NOT_FOUND')
    const { dlqArn } = await pair(1)
    const dest = await expectCode(t.queues.startMessageMoveTask({ sourceArn: dlqArn, destinationArn: 'arn:aws:sqs:us-east-1:000000000000:nothing' }), 'QUEUE_RESOURCE_NOT_FOUND')
    expect(dest.message).toBe('The resource that you specified for the DestinationArn parameter doesn\'t exist.')
    const bad = await expectCode(t.queues.cancelMessageMoveTask({ taskHandle: 'foobared' }), 'INVALID_PARAMETER_VALUE')
    expect(bad.message).toBe('Value for parameter TaskHandle is invalid.')
    const unknown = Buffer.from(JSON.stringify({ taskId: 'nope', sourceArn: dlqArn })).toString('base64')
    expect((await expectCode(t.queues.cancelMessageMoveTask({ taskHandle: unknown }), 'QUEUE_RESOURCE_NOT_FOUND')).message).toBe('Task does not exist.')
  })
})
