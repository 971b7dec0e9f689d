/**
 * Durability of topics: a clean restart keeps topics, attributes, tags, subscriptions and
 * their cursors (messages published before a restart are delivered after it, once); and
 * SIGKILL during fan-out to three queues, then a restart: every acknowledged publish
 * reaches every queue exactly once, since a queue's message and the subscription's cursor
 * are one LevelDB batch.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { afterEach, describe, expect, it } from 'vitest'
import { QueueClient, TopicClient } from '../client/index.js'
import { startChildServer } from './helpers/child-server.js'
import { drain, makeQueue, produce, startTopicServer } from './helpers/topics.js'

let dirs: string[] = []
afterEach(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })))
  dirs = []
})

async function tempDir (): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'shardline-topic-crash-'))
  dirs.push(dir)
  return dir
}

describe('restart', () => {
  it('keeps the control plane and resumes each subscription at its cursor', async () => {
    const dataDir = await tempDir()
    let s = await startTopicServer({ dataDir })
    const { topicArn } = await s.topics.createTopic({ name: 'kept', attributes: { DisplayName: 'Kept' }, tags: [{ key: 'a', value: 'b' }] })
    const q = await makeQueue(s, 'kept-q')
    const { subscriptionArn } = await s.topics.subscribe({ topicArn, protocol: 'sqs', endpoint: q.arn, attributes: { RawMessageDelivery: 'true', FilterPolicy: '{"k":["yes"]}' } })
    await s.topics.subscribe({ topicArn, protocol: 'email', endpoint: 'pending@example.com' })
    const yes = { k: { dataType: 'String', stringValue: 'yes' } }
    await s.topics.publish({ topicArn, message: 'one', messageAttributes: yes })
    expect((await drain(s, q.queueUrl, 1)).map((m) => m.body)).toEqual(['one'])
    await s.close()

    s = await startTopicServer({ dataDir })
    try {
      const { attributes } = await s.topics.getTopicAttributes({ topicArn })
      expect(attributes).toMatchObject({ DisplayName: 'Kept', SubscriptionsConfirmed: '1', SubscriptionsPending: '1' })
      expect((await s.topics.listTagsForResource({ resourceArn: topicArn })).tags).toEqual([{ key: 'a', value: 'b' }])
      expect((await s.topics.getSubscriptionAttributes({ subscriptionArn })).attributes.FilterPolicy).toBe('{"k":["yes"]}')
      await s.topics.publish({ topicArn, message: 'two', messageAttributes: yes })
      await s.topics.publish({ topicArn, message: 'filtered out' })
      // 'one' was delivered before the restart and is not delivered again.
      expect((await drain(s, q.queueUrl, 2, 1500)).map((m) => m.body)).toEqual(['two'])
    } finally {
      await s.close()
    }
  })
})

describe('SIGKILL during fan-out', () => {
  it('delivers every acknowledged publish exactly once to each of three queues', async () => {
    const dataDir = await tempDir()
    let child = await startChildServer(['--data', dataDir, '--limits', 'off'])
    let topics = new TopicClient({ endpoint: child.endpoint, deadlineMs: 5000 })
    let queues = new QueueClient({ endpoint: child.endpoint, deadlineMs: 5000 })
    const { topicArn } = await topics.createTopic({ name: 'crash' })
    const urls: string[] = []
    for (let i = 0; i < 3; i++) {
      const { queueUrl } = await queues.createQueue({ queueName: `crash-${i}` })
      const arn = (await queues.getQueueAttributes({ queueUrl, attributeNames: ['QueueArn'] })).attributes.QueueArn!
      await topics.subscribe({ topicArn, protocol: 'sqs', endpoint: arn, attributes: { RawMessageDelivery: 'true' } })
      urls.push(queueUrl)
    }
    const { acked, tried, stop } = produce(topics, topicArn)
    // Killed mid-stream: publishes and deliveries are both in flight.
    while (acked.size < 600) await sleep(20)
    child.process.kill('SIGKILL')
    await child.exited
    await stop()
    topics.close()
    queues.close()
    expect(acked.size).toBeGreaterThanOrEqual(600)

    child = await startChildServer(['--data', dataDir, '--limits', 'off'])
    topics = new TopicClient({ endpoint: child.endpoint, deadlineMs: 5000 })
    queues = new QueueClient({ endpoint: child.endpoint, deadlineMs: 5000 })
    try {
      for (const queueUrl of urls) {
        const seen = new Map<string, number>()
        let idle = 0
        while (idle < 1) {
          const { messages } = await queues.receiveMessage({ queueUrl, maxNumberOfMessages: 10, waitTimeSeconds: 1 })
          if (messages.length === 0) idle++
          else idle = 0
          for (const m of messages) seen.set(m.body, (seen.get(m.body) ?? 0) + 1)
          if (messages.length > 0) await queues.deleteMessageBatch({ queueUrl, entries: messages.map((m, i) => ({ id: `d${i}`, receiptHandle: m.receiptHandle })) })
        }
        for (const body of acked) expect(seen.get(body), `${body} in ${queueUrl}`).toBe(1)
        for (const [body, count] of seen) {
          expect(tried.has(body)).toBe(true)
          expect(count, `${body} in ${queueUrl}`).toBe(1)
        }
      }
    } finally {
      topics.close()
      queues.close()
      child.process.kill('SIGTERM')
      await child.exited
    }
  }, 60_000)
})

describe('SIGKILL with filtered subscriptions', () => {
  /** Every message left in `queueUrl`, received and deleted, by body. */
  async function bodiesIn (queues: QueueClient, queueUrl: string): Promise<string[]> {
    const bodies: string[] = []
    for (;;) {
      const { messages } = await queues.receiveMessage({ queueUrl, maxNumberOfMessages: 10, waitTimeSeconds: 1 })
      if (messages.length === 0) return bodies.sort()
      bodies.push(...messages.map((m) => m.body))
      await queues.deleteMessageBatch({ queueUrl, entries: messages.map((m, i) => ({ id: `d${i}`, receiptHandle: m.receiptHandle })) })
    }
  }

  it('a new filter policy is not applied to messages the old one passed over, though their cursor moved in memory only', async () => {
    const dataDir = await tempDir()
    let child = await startChildServer(['--data', dataDir, '--limits', 'off'])
    let topics = new TopicClient({ endpoint: child.endpoint, deadlineMs: 5000 })
    let queues = new QueueClient({ endpoint: child.endpoint, deadlineMs: 5000 })
    const { topicArn } = await topics.createTopic({ name: 'refiltered' })
    const { queueUrl } = await queues.createQueue({ queueName: 'refiltered-q' })
    const arn = (await queues.getQueueAttributes({ queueUrl, attributeNames: ['QueueArn'] })).attributes.QueueArn!
    const { subscriptionArn } = await topics.subscribe({ topicArn, protocol: 'sqs', endpoint: arn, attributes: { RawMessageDelivery: 'true', FilterPolicy: '{"k":["a"]}' } })
    const b = { k: { dataType: 'String', stringValue: 'b' } }
    await topics.publish({ topicArn, message: 'a-0', messageAttributes: { k: { dataType: 'String', stringValue: 'a' } } })
    for (let i = 0; i < 20; i++) await topics.publish({ topicArn, message: `b-${i}`, messageAttributes: b })
    // The pump has passed over the b messages (in memory) once a-0 is in the queue and a
    // moment has gone by; well within the second before those moves are logged on their own.
    const deadline = Date.now() + 5000
    while (Number((await queues.getQueueAttributes({ queueUrl, attributeNames: ['ApproximateNumberOfMessages'] })).attributes.ApproximateNumberOfMessages) < 1 && Date.now() < deadline) await sleep(5)
    await sleep(50)
    await topics.setSubscriptionAttributes({ subscriptionArn, attributeName: 'FilterPolicy', attributeValue: '{"k":["b"]}' })
    child.process.kill('SIGKILL')
    await child.exited
    topics.close()
    queues.close()

    child = await startChildServer(['--data', dataDir, '--limits', 'off'])
    topics = new TopicClient({ endpoint: child.endpoint, deadlineMs: 5000 })
    queues = new QueueClient({ endpoint: child.endpoint, deadlineMs: 5000 })
    try {
      await topics.publish({ topicArn, message: 'b-after', messageAttributes: b })
      // The b messages published under the old policy stay passed over; only the new one arrives.
      expect(await bodiesIn(queues, queueUrl)).toEqual(['a-0', 'b-after'])
    } finally {
      topics.close()
      queues.close()
      child.process.kill('SIGTERM')
      await child.exited
    }
  }, 60_000)

  it('delivers every acknowledged matching publish exactly once, and nothing else, after a kill', async () => {
    const dataDir = await tempDir()
    let child = await startChildServer(['--data', dataDir, '--limits', 'off'])
    let topics = new TopicClient({ endpoint: child.endpoint, deadlineMs: 5000 })
    let queues = new QueueClient({ endpoint: child.endpoint, deadlineMs: 5000 })
    const { topicArn } = await topics.createTopic({ name: 'filtered-crash' })
    const urls: string[] = []
    // Subscription i takes the messages whose number is i modulo 4; the others pass over them.
    for (let i = 0; i < 4; i++) {
      const { queueUrl } = await queues.createQueue({ queueName: `filtered-crash-${i}` })
      const arn = (await queues.getQueueAttributes({ queueUrl, attributeNames: ['QueueArn'] })).attributes.QueueArn!
      await topics.subscribe({ topicArn, protocol: 'sqs', endpoint: arn, attributes: { RawMessageDelivery: 'true', FilterPolicy: JSON.stringify({ r: [String(i)] }) } })
      urls.push(queueUrl)
    }
    const acked: string[] = []
    const tried: string[] = []
    let n = 0
    const run = { stopping: false }
    const publisher = async (): Promise<void> => {
      while (!run.stopping) {
        const body = `m-${n++}`
        tried.push(body)
        try {
          await topics.publish({ topicArn, message: body, messageAttributes: { r: { dataType: 'String', stringValue: String(Number(body.slice(2)) % 4) } } })
          acked.push(body)
        } catch {
          return
        }
      }
    }
    const publishers = Array.from({ length: 4 }, publisher)
    while (acked.length < 400) await sleep(20)
    child.process.kill('SIGKILL')
    await child.exited
    run.stopping = true
    await Promise.all(publishers)
    topics.close()
    queues.close()

    child = await startChildServer(['--data', dataDir, '--limits', 'off'])
    topics = new TopicClient({ endpoint: child.endpoint, deadlineMs: 5000 })
    queues = new QueueClient({ endpoint: child.endpoint, deadlineMs: 5000 })
    try {
      for (let i = 0; i < 4; i++) {
        const got = await bodiesIn(queues, urls[i]!)
        expect(new Set(got).size, `no duplicates in queue ${i}`).toBe(got.length)
        for (const body of got) {
          expect(Number(body.slice(2)) % 4, `${body} in queue ${i}`).toBe(i)
          expect(tried).toContain(body)
        }
        for (const body of acked.filter((b) => Number(b.slice(2)) % 4 === i)) expect(got, `queue ${i}`).toContain(body)
      }
    } finally {
      topics.close()
      queues.close()
      child.process.kill('SIGTERM')
      await child.exited
    }
  }, 60_000)
})
