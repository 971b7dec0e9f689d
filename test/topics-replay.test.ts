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

  it('shows when the archive began, and turns the archive off with an empty policy', async () => {
    const before = Date.now()
    const { topicArn } = await s.topics.createTopic({ name: topicName(), attributes: { ArchivePolicy: '{"MessageRetentionPeriod":"7"}' } })
    const began = (await s.topics.getTopicAttributes({ topicArn })).attributes.BeginningArchiveTime!
    expect(began).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/)
    expect(Date.parse(began)).toBeGreaterThanOrEqual(before)
    expect(Date.parse(began)).toBeLessThanOrEqual(Date.now())
    // A new retention period keeps the archive, and its beginning.
    await s.topics.setTopicAttributes({ topicArn, attributeName: 'ArchivePolicy', attributeValue: '{"MessageRetentionPeriod":"30"}' })
    expect((await s.topics.getTopicAttributes({ topicArn })).attributes).toMatchObject({ ArchivePolicy: '{"MessageRetentionPeriod":"30"}', BeginningArchiveTime: began })
    await expectCode(s.topics.setTopicAttributes({ topicArn, attributeName: 'BeginningArchiveTime', attributeValue: began }), 'SNS_INVALID_PARAMETER')
    await s.topics.setTopicAttributes({ topicArn, attributeName: 'ArchivePolicy', attributeValue: '{}' })
    const off = (await s.topics.getTopicAttributes({ topicArn })).attributes
    expect(off.ArchivePolicy).toBeUndefined()
    expect(off.BeginningArchiveTime).toBeUndefined()
    // An archive begun again begins now.
    await sleep(5)
    await s.topics.setTopicAttributes({ topicArn, attributeName: 'ArchivePolicy', attributeValue: '{"MessageRetentionPeriod":"1"}' })
    expect(Date.parse((await s.topics.getTopicAttributes({ topicArn })).attributes.BeginningArchiveTime!)).toBeGreaterThan(Date.parse(began))
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
