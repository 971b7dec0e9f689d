/**
 * DeliveryPolicy throttles for HTTP/S subscriptions: the topic's
 * `http.defaultThrottlePolicy.maxReceivesPerSecond`, a subscription's
 * `throttlePolicy.maxReceivesPerSecond` over it, the topic's again with
 * `disableSubscriptionOverrides`; a subscriber in the test sees no more POSTs in any
 * second than the rate. A rate below 1 is refused (through @aws-sdk/client-sns).
 */
import { SetSubscriptionAttributesCommand, SetTopicAttributesCommand, SNSClient } from '@aws-sdk/client-sns'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { TEST_CREDENTIALS } from './helpers/aws-sdk.js'
import { confirmedHttpSubscription, subscriber, type Received } from './helpers/http-subscriber.js'
import { startTopicServer, topicName, type TopicTestServer } from './helpers/topics.js'

let s: TopicTestServer
let sns: SNSClient
beforeAll(async () => {
  s = await startTopicServer()
  sns = new SNSClient({ endpoint: s.httpOrigin, region: 'us-east-1', credentials: TEST_CREDENTIALS, maxAttempts: 1 })
})
afterAll(async () => {
  sns.destroy()
  await s.close()
})

/** The most POSTs that arrived within any 900 ms (the 100 ms spare absorbs the network's jitter). */
function mostInASecond (got: Received[]): number {
  let most = 0
  for (let i = 0; i < got.length; i++) {
    let n = 0
    while (i + n < got.length && got[i + n]!.at - got[i]!.at < 900) n++
    most = Math.max(most, n)
  }
  return most
}

/** Publishes `count` messages at once to a topic with one confirmed HTTP subscriber; returns the notifications, once all arrived. */
async function deliveriesOf (count: number, topicPolicy: object | undefined, subscriptionPolicy: object | undefined): Promise<Received[]> {
  const hook = await subscriber()
  try {
    const { topicArn } = await s.topics.createTopic({ name: topicName('throttle'), attributes: topicPolicy === undefined ? {} : { DeliveryPolicy: JSON.stringify(topicPolicy) } })
    await confirmedHttpSubscription(s.topics, topicArn, hook, subscriptionPolicy === undefined ? {} : { DeliveryPolicy: JSON.stringify(subscriptionPolicy) })
    const entries = Array.from({ length: count }, (_, i) => ({ id: `e${i}`, message: `m${i}` }))
    for (let i = 0; i < count; i += 10) await s.topics.publishBatch({ topicArn, publishBatchRequestEntries: entries.slice(i, i + 10) })
    await expect.poll(() => hook.notifications().length, { timeout: 15_000 }).toBe(count)
    return hook.notifications()
  } finally {
    await hook.close()
  }
}

describe('throttlePolicy', () => {
  it('holds a subscriber to the topic\'s defaultThrottlePolicy', async () => {
    const got = await deliveriesOf(15, { http: { defaultThrottlePolicy: { maxReceivesPerSecond: 5 } } }, undefined)
    expect(mostInASecond(got)).toBeLessThanOrEqual(5)
    // 15 at 5 a second: the last starts at least 2 s after the first.
    expect(got.at(-1)!.at - got[0]!.at).toBeGreaterThanOrEqual(1900)
  })

  it('lets a subscription\'s throttlePolicy override the topic\'s', async () => {
    const got = await deliveriesOf(20, { http: { defaultThrottlePolicy: { maxReceivesPerSecond: 2 } } }, { throttlePolicy: { maxReceivesPerSecond: 10 } })
    expect(mostInASecond(got)).toBeLessThanOrEqual(10)
    expect(got.at(-1)!.at - got[0]!.at).toBeGreaterThanOrEqual(900)
    // At the topic's 2 a second, 20 would take over 9 s.
    expect(got.at(-1)!.at - got[0]!.at).toBeLessThan(5000)
  })

  it('keeps the topic\'s rate when it disables subscription overrides', async () => {
    const got = await deliveriesOf(8, { http: { disableSubscriptionOverrides: true, defaultThrottlePolicy: { maxReceivesPerSecond: 4 } } }, { throttlePolicy: { maxReceivesPerSecond: 100 } })
    expect(mostInASecond(got)).toBeLessThanOrEqual(4)
    expect(got.at(-1)!.at - got[0]!.at).toBeGreaterThanOrEqual(900)
  })

  it('does not limit a subscription without one', async () => {
    const got = await deliveriesOf(20, undefined, undefined)
    expect(got.at(-1)!.at - got[0]!.at).toBeLessThan(900)
  })

  it('refuses a rate below 1, at topic and subscription level, changing nothing', async () => {
    const { topicArn } = await s.topics.createTopic({ name: topicName('throttle') })
    const topicErr = await sns.send(new SetTopicAttributesCommand({ TopicArn: topicArn, AttributeName: 'DeliveryPolicy', AttributeValue: JSON.stringify({ http: { defaultThrottlePolicy: { maxReceivesPerSecond: 0 } } }) })).catch((e: unknown) => e as Error)
    expect(topicErr).toMatchObject({ name: 'InvalidParameterException', message: expect.stringMatching(/maxReceivesPerSecond must be an integer greater than or equal to 1/) })
    expect((await s.topics.getTopicAttributes({ topicArn })).attributes.DeliveryPolicy).toBeUndefined()
    const { subscriptionArn } = await s.topics.subscribe({ topicArn, protocol: 'sqs', endpoint: 'arn:aws:sqs:us-east-1:000000000000:nowhere', returnSubscriptionArn: true })
    const subErr = await sns.send(new SetSubscriptionAttributesCommand({ SubscriptionArn: subscriptionArn, AttributeName: 'DeliveryPolicy', AttributeValue: JSON.stringify({ throttlePolicy: { maxReceivesPerSecond: 1.5 } }) })).catch((e: unknown) => e as Error)
    expect(subErr).toMatchObject({ name: 'InvalidParameterException', message: expect.stringMatching(/throttlePolicy.maxReceivesPerSecond must be an integer/) })
    expect((await s.topics.getSubscriptionAttributes({ subscriptionArn })).attributes.DeliveryPolicy).toBeUndefined()
  })
})
