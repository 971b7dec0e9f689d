/**
 * Archive and replay: a topic's stream is its archive; a subscription's ReplayPolicy moves
 * its cursor back to a timestamp and re-delivers from there (its filter applied), skipping
 * what came after the EndingPoint, and ReplayStatus reports progress. The archive can be
 * read with the stream API too.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { expectCode } from './helpers/server.js'
import { drain, makeQueue, startTopicServer, topicName, type TopicTestServer } from './helpers/topics.js'

let s: TopicTestServer
beforeAll(async () => { s = await startTopicServer() })
afterAll(async () => { await s.close() })

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

describe('replay', () => {
  it('re-delivers archived messages from a timestamp, with the filter, up to the EndingPoint', async () => {
    const { topicArn } = await s.topics.createTopic({ name: topicName(), attributes: { ArchivePolicy: '{"MessageRetentionPeriod":"30"}' } })
    const q = await makeQueue(s, topicName('q'))
    const { subscriptionArn } = await s.topics.subscribe({ topicArn, protocol: 'sqs', endpoint: q.arn, attributes: { RawMessageDelivery: 'true', FilterPolicy: '{"keep":["yes"]}' } })
    const keep = { keep: { dataType: 'String', stringValue: 'yes' } }
    await s.topics.publish({ topicArn, message: 'old', messageAttributes: keep })
    await sleep(20)
    const start = Date.now()
    await sleep(20)
    await s.topics.publish({ topicArn, message: 'a', messageAttributes: keep })
    await s.topics.publish({ topicArn, message: 'filtered' })
    await s.topics.publish({ topicArn, message: 'b', messageAttributes: keep })
    await sleep(20)
    const end = Date.now()
    await sleep(20)
    await s.topics.publish({ topicArn, message: 'after the end', messageAttributes: keep })
    expect((await drain(s, q.queueUrl, 4)).map((m) => m.body)).toEqual(['old', 'a', 'b', 'after the end'])

    await s.topics.setSubscriptionAttributes({ subscriptionArn, attributeName: 'ReplayPolicy', attributeValue: JSON.stringify({ PointType: 'Timestamp', StartingPoint: new Date(start).toISOString(), EndingPoint: new Date(end).toISOString() }) })
    expect((await drain(s, q.queueUrl, 3, 2000)).map((m) => m.body)).toEqual(['a', 'b'])
    await expect.poll(async () => (await s.topics.getSubscriptionAttributes({ subscriptionArn })).attributes.ReplayStatus).toBe('Completed')
    // Live delivery goes on after the replay, without repeats.
    await s.topics.publish({ topicArn, message: 'live', messageAttributes: keep })
    expect((await drain(s, q.queueUrl, 2, 1500)).map((m) => m.body)).toEqual(['live'])
  })

  it('refuses a malformed ReplayPolicy', async () => {
    const { topicArn } = await s.topics.createTopic({ name: topicName() })
    const q = await makeQueue(s, topicName('q'))
    const { subscriptionArn } = await s.topics.subscribe({ topicArn, protocol: 'sqs', endpoint: q.arn })
    await expectCode(s.topics.setSubscriptionAttributes({ subscriptionArn, attributeName: 'ReplayPolicy', attributeValue: '{"PointType":"Sequence"}' }), 'SNS_INVALID_PARAMETER')
    await expectCode(s.topics.setSubscriptionAttributes({ subscriptionArn, attributeName: 'ReplayPolicy', attributeValue: '{"PointType":"Timestamp","StartingPoint":"soon"}' }), 'SNS_INVALID_PARAMETER')
    expect((await s.topics.getSubscriptionAttributes({ subscriptionArn })).attributes.ReplayStatus).toBeUndefined()
  })

  it('the archive is readable with the stream API', async () => {
    const name = topicName()
    const { topicArn } = await s.topics.createTopic({ name })
    const { messageId } = await s.topics.publish({ topicArn, message: 'archived', subject: 'Subj' })
    const { shardIterator } = await s.client.getShardIterator({ streamName: `__topic.${name}`, shardId: 'shardId-000000000000', shardIteratorType: 'TRIM_HORIZON' })
    const { records } = await s.client.getRecords({ shardIterator: shardIterator! })
    expect(records.map((r) => JSON.parse(Buffer.from(r.data).toString('utf8')))).toEqual([{ id: messageId, message: 'archived', subject: 'Subj' }])
  })
})
