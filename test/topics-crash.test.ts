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
