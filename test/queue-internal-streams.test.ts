/**
 * A queue's internal streams through the stream API: listed, described, read (a queue's
 * history replays with GetShardIterator and GetRecords, and its records decode as the
 * README says), never written; their names are reserved.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { decodeMessage } from '../src/queues/message-codec.js'
import { decodeEvent } from '../src/queues/queue-events.js'
import { expectCode } from './helpers/server.js'
import { queueName, startQueueServer, type QueueTestServer } from './helpers/queues.js'

let t: QueueTestServer
beforeAll(async () => { t = await startQueueServer() })
afterAll(async () => { await t.close() })

async function readAll (streamName: string): Promise<Array<{ data: Buffer, partitionKey: string, sequenceNumber: string }>> {
  let { shardIterator } = await t.client.getShardIterator({ streamName, shardId: 'shardId-000000000000', shardIteratorType: 'TRIM_HORIZON' })
  const out: Array<{ data: Buffer, partitionKey: string, sequenceNumber: string }> = []
  for (;;) {
    const page = await t.client.getRecords({ shardIterator })
    out.push(...page.records.map((r) => ({ data: Buffer.from(r.data), partitionKey: r.partitionKey, sequenceNumber: r.sequenceNumber })))
    if (page.records.length === 0) return out
    shardIterator = page.nextShardIterator!
  }
}

describe('internal streams', () => {
  it('are listed and described in the queue\'s scope, with the queue\'s retention', async () => {
    const name = queueName('in')
    await t.queues.createQueue({ queueName: name, attributes: { MessageRetentionPeriod: '7200' } })
    const { streamNames } = await t.client.listStreams({})
    expect(streamNames).toEqual(expect.arrayContaining([`__queue.${name}`, `__queue-log.${name}`]))
    const { streamDescription } = await t.client.describeStream({ streamName: `__queue.${name}` })
    expect(streamDescription.shards).toHaveLength(1)
    expect(streamDescription.retentionPeriodHours).toBe(2)
  })

  it('replay the queue\'s history: its messages and every change of their state, decodable', async () => {
    const name = queueName('replay')
    const { queueUrl } = await t.queues.createQueue({ queueName: name })
    const sent = await t.queues.sendMessageBatch({ queueUrl, entries: ['one', 'two', 'three'].map((b) => ({ id: b, messageBody: b, messageAttributes: { n: { dataType: 'Number', stringValue: '7' } } })) })
    const received = (await t.queues.receiveMessage({ queueUrl, maxNumberOfMessages: 2, visibilityTimeout: 60 })).messages
    await t.queues.changeMessageVisibility({ queueUrl, receiptHandle: received[1]!.receiptHandle, visibilityTimeout: 120 })
    await t.queues.deleteMessage({ queueUrl, receiptHandle: received[0]!.receiptHandle })
    await t.queues.purgeQueue({ queueUrl })

    const messages = (await readAll(`__queue.${name}`)).map((r) => ({ key: r.partitionKey, ...decodeMessage(r.data) }))
    expect(messages.map((m) => [m.body, m.messageId, m.key])).toEqual(sent.successful.map((s, i) => [['one', 'two', 'three'][i], s.messageId, s.messageId]))
    expect(messages[0]!.attributes).toEqual([['n', { dataType: 'Number', stringValue: '7' }]])
    expect(messages[0]!.md5OfMessageAttributes).toBe(sent.successful[0]!.md5OfMessageAttributes)

    const events = (await readAll(`__queue-log.${name}`)).map((r) => ({ key: r.partitionKey, event: decodeEvent(r.data) }))
    expect(events.map((e) => e.key)).toEqual(['received', 'visibility', 'deleted', 'purged'])
    expect(events.map((e) => e.event.e)).toEqual(['received', 'visibility', 'deleted', 'purged'])
    const receivedEvent = events[0]!.event as { m: number[][] }
    expect(receivedEvent.m.map((item) => item[0])).toEqual([1, 2])
    expect(receivedEvent.m.map((item) => item[4])).toEqual([1, 1])
    expect((events[2]!.event as { c: number[] }).c).toEqual([1])
    expect((events[3]!.event as { upTo: number }).upTo).toBe(3)
  })

  it('refuse every write and change through the stream API', async () => {
    const name = queueName('ro')
    await t.queues.createQueue({ queueName: name })
    const streamName = `__queue.${name}`
    const err = await expectCode(t.client.putRecord({ streamName, partitionKey: 'k', data: Buffer.from('x') }), 'STREAM_READ_ONLY')
    expect(err.awsType).toBe('AccessDeniedException')
    await expectCode(t.client.putRecords({ streamName, records: [{ partitionKey: 'k', data: Buffer.from('x') }] }), 'STREAM_READ_ONLY')
    await expectCode(t.client.deleteStream({ streamName }), 'STREAM_READ_ONLY')
    await expectCode(t.client.addTagsToStream({ streamName, tags: { a: 'b' } }), 'STREAM_READ_ONLY')
    await expectCode(t.client.increaseStreamRetentionPeriod({ streamName, retentionPeriodHours: 48 }), 'STREAM_READ_ONLY')
    await expectCode(t.client.updateShardCount({ streamName, targetShardCount: 2, scalingType: 'UNIFORM_SCALING' }), 'STREAM_READ_ONLY')
    await expectCode(t.client.putRecord({ streamName: `__queue-log.${name}`, partitionKey: 'k', data: Buffer.from('x') }), 'STREAM_READ_ONLY')
    // Reading with enhanced fan-out is allowed.
    const { streamDescription } = await t.client.describeStream({ streamName })
    const { consumer } = await t.client.registerStreamConsumer({ streamArn: streamDescription.streamArn, consumerName: 'reader' })
    expect(consumer.consumerName).toBe('reader')
  })

  it('do not count toward the account\'s Kinesis shard quota', async () => {
    const before = (await t.client.describeLimits()).openShardCount
    await t.queues.createQueue({ queueName: queueName('quota') })
    expect((await t.client.describeLimits()).openShardCount).toBe(before)
  })

  it('keep their names reserved', async () => {
    for (const streamName of ['__queue.mine', '__queue-log.mine', '__topic.mine']) {
      const err = await expectCode(t.client.createStream({ streamName, shardCount: 1 }), 'INVALID_ARGUMENT')
      expect(err.message).toContain('reserved')
    }
  })
})
