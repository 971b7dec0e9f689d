/**
 * SNS's control plane over gRPC: topics (names, idempotent creation, attributes and their
 * exact subscription counts, paging), subscriptions (protocols, endpoints, attributes,
 * confirmation), tags, permissions, data protection policies, and the account-level
 * resources (platform applications and endpoints, SMS), each with serialization,
 * validation and functionality.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { expectCode } from './helpers/server.js'
import { makeQueue, startTopicServer, topicName, type TopicTestServer } from './helpers/topics.js'

let s: TopicTestServer
beforeAll(async () => { s = await startTopicServer() })
afterAll(async () => { await s.close() })

describe('CreateTopic', () => {
  it('answers the ARN, and the same ARN again for the same attributes', async () => {
    const name = topicName()
    const first = await s.topics.createTopic({ name, attributes: { DisplayName: 'shown' } })
    expect(first.topicArn).toBe(`arn:aws:sns:us-east-1:000000000000:${name}`)
    const again = await s.topics.createTopic({ name, attributes: { DisplayName: 'shown' } })
    expect(again.topicArn).toBe(first.topicArn)
  })

  it('refuses the same name with different attributes or tags, and changes nothing', async () => {
    const name = topicName()
    const { topicArn } = await s.topics.createTopic({ name, attributes: { DisplayName: 'a' }, tags: [{ key: 'k', value: 'v' }] })
    const err = await expectCode(s.topics.createTopic({ name, attributes: { DisplayName: 'b' } }), 'SNS_INVALID_PARAMETER')
    expect(err.message).toBe('Invalid parameter: Attributes Reason: Topic already exists with different attributes')
    expect(err.awsType).toBe('InvalidParameterException')
    const tagErr = await expectCode(s.topics.createTopic({ name, tags: [{ key: 'k', value: 'other' }] }), 'SNS_INVALID_PARAMETER')
    expect(tagErr.message).toBe('Invalid parameter: Tags Reason: Topic already exists with different tags')
    expect((await s.topics.getTopicAttributes({ topicArn })).attributes.DisplayName).toBe('a')
  })

  it('takes FIFO topics only with a .fifo name and FifoTopic true', async () => {
    const name = `${topicName()}.fifo`
    await expectCode(s.topics.createTopic({ name }), 'SNS_INVALID_PARAMETER')
    const noSuffix = await expectCode(s.topics.createTopic({ name: topicName(), attributes: { FifoTopic: 'true' } }), 'SNS_INVALID_PARAMETER')
    expect(noSuffix.message).toBe('Invalid parameter: Topic Name')
    const { topicArn } = await s.topics.createTopic({ name, attributes: { FifoTopic: 'true', ContentBasedDeduplication: 'true' } })
    const { attributes } = await s.topics.getTopicAttributes({ topicArn })
    expect(attributes.FifoTopic).toBe('true')
    expect(attributes.ContentBasedDeduplication).toBe('true')
  })

  it('refuses bad names, unknown attributes and bad values', async () => {
    expect((await expectCode(s.topics.createTopic({ name: 'has space' }), 'SNS_INVALID_PARAMETER')).message).toBe('Invalid parameter: Topic Name')
    await expectCode(s.topics.createTopic({ name: 'x'.repeat(257) }), 'SNS_INVALID_PARAMETER')
    await expectCode(s.topics.createTopic({ name: topicName(), attributes: { Nope: '1' } }), 'SNS_INVALID_PARAMETER')
    await expectCode(s.topics.createTopic({ name: topicName(), attributes: { SignatureVersion: '3' } }), 'SNS_INVALID_PARAMETER')
    await expectCode(s.topics.createTopic({ name: topicName(), attributes: { ContentBasedDeduplication: 'true' } }), 'SNS_INVALID_PARAMETER')
    await expectCode(s.topics.createTopic({ name: topicName(), attributes: { MaximumMessageSize: '1023' } }), 'SNS_INVALID_PARAMETER')
    await expectCode(s.topics.createTopic({ name: topicName(), attributes: { ArchivePolicy: '{"MessageRetentionPeriod":400}' } }), 'SNS_INVALID_PARAMETER')
  })

  it('reports a missing name as SNS does', async () => {
    const err = await expectCode(s.topics.createTopic({} as never), 'SNS_MISSING_PARAMETER')
    expect(err.message).toBe("1 validation error detected: Value null at 'name' failed to satisfy constraint: Member must not be null")
  })
})

describe('topic attributes', () => {
  it('sets, returns and removes them; read-only ones are refused', async () => {
    const { topicArn } = await s.topics.createTopic({ name: topicName() })
    for (const [name, value] of [['DisplayName', 'Shown'], ['SignatureVersion', '2'], ['TracingConfig', 'Active'], ['KmsMasterKeyId', 'alias/aws/sns'], ['MaximumMessageSize', '2048'], ['ArchivePolicy', '{"MessageRetentionPeriod":"7"}']] as const) {
      await s.topics.setTopicAttributes({ topicArn, attributeName: name, attributeValue: value })
    }
    await s.topics.setTopicAttributes({ topicArn, attributeName: 'DeliveryPolicy', attributeValue: '{"http":{"defaultHealthyRetryPolicy":{"numRetries":5}}}' })
    const { attributes } = await s.topics.getTopicAttributes({ topicArn })
    expect(attributes).toMatchObject({ DisplayName: 'Shown', SignatureVersion: '2', TracingConfig: 'Active', KmsMasterKeyId: 'alias/aws/sns', MaximumMessageSize: '2048', TopicArn: topicArn, Owner: '000000000000' })
    // AWS fills the fields left out with its defaults (LocalStack's recording of AWS).
    expect(JSON.parse(attributes.EffectiveDeliveryPolicy!).http.defaultHealthyRetryPolicy).toEqual({ minDelayTarget: 20, maxDelayTarget: 20, numRetries: 5, numMaxDelayRetries: 0, numNoDelayRetries: 0, numMinDelayRetries: 0, backoffFunction: 'linear' })
    await s.topics.setTopicAttributes({ topicArn, attributeName: 'KmsMasterKeyId', attributeValue: '' })
    expect((await s.topics.getTopicAttributes({ topicArn })).attributes.KmsMasterKeyId).toBeUndefined()
    for (const readOnly of ['TopicArn', 'Owner', 'SubscriptionsConfirmed', 'FifoTopic']) {
      expect((await expectCode(s.topics.setTopicAttributes({ topicArn, attributeName: readOnly, attributeValue: 'x' }), 'SNS_INVALID_PARAMETER')).message).toBe('Invalid parameter: AttributeName')
    }
  })

  it('counts confirmed, pending and deleted subscriptions exactly', async () => {
    const { topicArn } = await s.topics.createTopic({ name: topicName() })
    const q1 = await makeQueue(s, topicName('q'))
    const q2 = await makeQueue(s, topicName('q'))
    const a = await s.topics.subscribe({ topicArn, protocol: 'sqs', endpoint: q1.arn })
    await s.topics.subscribe({ topicArn, protocol: 'sqs', endpoint: q2.arn })
    // An http endpoint that answers nothing stays pending.
    const pending = await s.topics.subscribe({ topicArn, protocol: 'http', endpoint: 'http://127.0.0.1:9/hook' })
    expect(pending.subscriptionArn).toBe('pending confirmation')
    await s.topics.unsubscribe({ subscriptionArn: a.subscriptionArn })
    const { attributes } = await s.topics.getTopicAttributes({ topicArn })
    expect([attributes.SubscriptionsConfirmed, attributes.SubscriptionsPending, attributes.SubscriptionsDeleted]).toEqual(['1', '1', '1'])
  })

  it('NotFound for a topic that does not exist, InvalidParameter for a malformed ARN', async () => {
    const err = await expectCode(s.topics.getTopicAttributes({ topicArn: 'arn:aws:sns:us-east-1:000000000000:nope' }), 'SNS_NOT_FOUND')
    expect(err.message).toBe('Topic does not exist')
    expect(err.awsType).toBe('NotFoundException')
    const bad = await expectCode(s.topics.getTopicAttributes({ topicArn: 'not-an-arn' }), 'SNS_INVALID_PARAMETER')
    expect(bad.message).toBe('Invalid parameter: TopicArn Reason: An ARN must have at least 6 elements, not 1')
    const short = await expectCode(s.topics.subscribe({ topicArn: 'arn:aws:sns:us-east-1:random', protocol: 'sqs', endpoint: 'arn:aws:sqs:us-east-1:000000000000:q' }), 'SNS_INVALID_PARAMETER')
    expect(short.message).toBe('Invalid parameter: TopicArn Reason: An ARN must have at least 6 elements, not 5')
    const publish = await expectCode(s.topics.publish({ topicArn: 'randomstring:1', message: 'x' }), 'SNS_INVALID_PARAMETER')
    expect(publish.message).toBe('Invalid parameter: TopicArn Reason: An ARN must have at least 6 elements, not 2')
    const sub = await expectCode(s.topics.unsubscribe({ subscriptionArn: 'pending confirmation' }), 'SNS_INVALID_PARAMETER')
    expect(sub.message).toBe('Invalid parameter: SubscriptionArn Reason: An ARN must have at least 6 elements, not 1')
    const topicArnForSub = await expectCode(s.topics.unsubscribe({ subscriptionArn: 'arn:aws:sns:us-east-1:111111111111:random' }), 'SNS_INVALID_PARAMETER')
    expect(topicArnForSub.message).toBe('Invalid parameter: SubscriptionId')
    const none = await expectCode(s.topics.unsubscribe({ subscriptionArn: '' }), 'SNS_INVALID_PARAMETER')
    expect(none.message).toBe('Invalid parameter: SubscriptionArn Reason: no value for required parameter')
  })

  it('a topic ARN of another region is an invalid parameter, as AWS answers it', async () => {
    const { topicArn } = await s.topics.createTopic({ name: topicName() })
    const elsewhere = topicArn.replace('us-east-1', 'us-west-2')
    for (const call of [s.topics.getTopicAttributes({ topicArn: elsewhere }), s.topics.publish({ topicArn: elsewhere, message: 'x' }), s.topics.deleteTopic({ topicArn: elsewhere })]) {
      expect((await expectCode(call, 'SNS_INVALID_PARAMETER')).message).toBe('Invalid parameter: TopicArn')
    }
    expect((await s.topics.getTopicAttributes({ topicArn })).attributes.TopicArn).toBe(topicArn)
  })
})

describe('ListTopics and DeleteTopic', () => {
  it('pages 100 at a time and lists each topic once', async () => {
    const local = await startTopicServer()
    try {
      const made = new Set<string>()
      for (let i = 0; i < 230; i++) made.add((await local.topics.createTopic({ name: `page-${String(i).padStart(3, '0')}` })).topicArn)
      const pages: number[] = []
      const seen = new Set<string>()
      let token: string | undefined
      do {
        const page = await local.topics.listTopics(token === undefined ? {} : { nextToken: token })
        pages.push(page.topics.length)
        for (const t of page.topics) seen.add(t.topicArn)
        token = page.nextToken
        // Standard base64 with its padding, as AWS's tokens are (clients decode them).
        if (token !== undefined) expect(Buffer.from(token, 'base64').toString('base64')).toBe(token)
      } while (token !== undefined)
      expect(pages).toEqual([100, 100, 30])
      expect(seen).toEqual(made)
      await expectCode(local.topics.listTopics({ nextToken: 'forged' }), 'SNS_INVALID_PARAMETER')
    } finally {
      await local.close()
    }
  })

  it('deletes a topic with its subscriptions; deleting again succeeds', async () => {
    const { topicArn } = await s.topics.createTopic({ name: topicName() })
    const q = await makeQueue(s, topicName('q'))
    const { subscriptionArn } = await s.topics.subscribe({ topicArn, protocol: 'sqs', endpoint: q.arn })
    await s.topics.deleteTopic({ topicArn })
    await s.topics.deleteTopic({ topicArn })
    await expectCode(s.topics.getTopicAttributes({ topicArn }), 'SNS_NOT_FOUND')
    await expectCode(s.topics.getSubscriptionAttributes({ subscriptionArn }), 'SNS_NOT_FOUND')
    expect((await s.topics.listTopics()).topics.map((t) => t.topicArn)).not.toContain(topicArn)
  })
})

describe('Subscribe and subscription attributes', () => {
  it('refuses a queue URL as an SQS endpoint, as AWS does', async () => {
    const { topicArn } = await s.topics.createTopic({ name: topicName() })
    const q = await makeQueue(s, topicName('q'))
    const err = await expectCode(s.topics.subscribe({ topicArn, protocol: 'sqs', endpoint: q.queueUrl }), 'SNS_INVALID_PARAMETER')
    expect(err.message).toBe('Invalid parameter: SQS endpoint ARN')
    expect((await s.topics.listSubscriptionsByTopic({ topicArn })).subscriptions).toEqual([])
  })

  it('refuses unknown protocols and endpoints that do not fit theirs', async () => {
    const { topicArn } = await s.topics.createTopic({ name: topicName() })
    expect((await expectCode(s.topics.subscribe({ topicArn, protocol: 'ftp', endpoint: 'x' }), 'SNS_INVALID_PARAMETER')).message).toBe('Invalid parameter: Amazon SNS does not support this protocol string: ftp')
    await expectCode(s.topics.subscribe({ topicArn, protocol: 'https', endpoint: 'http://example.com' }), 'SNS_INVALID_PARAMETER')
    await expectCode(s.topics.subscribe({ topicArn, protocol: 'email', endpoint: 'nobody' }), 'SNS_INVALID_PARAMETER')
    await expectCode(s.topics.subscribe({ topicArn, protocol: 'lambda', endpoint: 'arn:aws:sqs:us-east-1:000000000000:q' }), 'SNS_INVALID_PARAMETER')
    await expectCode(s.topics.subscribe({ topicArn, protocol: 'sqs' }), 'SNS_INVALID_PARAMETER')
    for (const bad of ['+15--551234567', 'NAA+15551234567', '+15551234567.', '/+15551234567']) {
      expect((await expectCode(s.topics.subscribe({ topicArn, protocol: 'sms', endpoint: bad }), 'SNS_INVALID_PARAMETER')).message).toBe(`Invalid SMS endpoint: ${bad}`)
    }
    // Separators between digits are taken, as AWS takes them.
    expect((await s.topics.subscribe({ topicArn, protocol: 'sms', endpoint: '+12/34-567.890' })).subscriptionArn).toMatch(/^arn:aws:sns:/)
  })

  it('FIFO topics take only SQS subscriptions', async () => {
    const { topicArn } = await s.topics.createTopic({ name: `${topicName()}.fifo`, attributes: { FifoTopic: 'true' } })
    await expectCode(s.topics.subscribe({ topicArn, protocol: 'https', endpoint: 'https://example.com/x' }), 'SNS_INVALID_PARAMETER')
    const q = await makeQueue(s, topicName('q'))
    expect((await s.topics.subscribe({ topicArn, protocol: 'sqs', endpoint: q.arn })).subscriptionArn).toMatch(/^arn:aws:sns:/)
  })

  it('is idempotent for the same endpoint and attributes, refuses different ones', async () => {
    const { topicArn } = await s.topics.createTopic({ name: topicName() })
    const q = await makeQueue(s, topicName('q'))
    const a = await s.topics.subscribe({ topicArn, protocol: 'sqs', endpoint: q.arn, attributes: { RawMessageDelivery: 'true' } })
    const b = await s.topics.subscribe({ topicArn, protocol: 'sqs', endpoint: q.arn, attributes: { RawMessageDelivery: 'true' } })
    expect(b.subscriptionArn).toBe(a.subscriptionArn)
    await expectCode(s.topics.subscribe({ topicArn, protocol: 'sqs', endpoint: q.arn, attributes: { RawMessageDelivery: 'false' } }), 'SNS_INVALID_PARAMETER')
    // An attribute given at its default value is the same attributes; RawMessageDelivery is
    // taken in any case and kept lower-case.
    const c = await s.topics.subscribe({ topicArn, protocol: 'sqs', endpoint: q.arn, attributes: { RawMessageDelivery: 'TrUe', FilterPolicyScope: 'MessageAttributes' } })
    expect(c.subscriptionArn).toBe(a.subscriptionArn)
    expect((await s.topics.getSubscriptionAttributes({ subscriptionArn: a.subscriptionArn })).attributes.RawMessageDelivery).toBe('true')
  })

  it('refuses a FIFO queue on a standard topic, and a standard dead-letter queue on a FIFO topic', async () => {
    const fifoQueue = await makeQueue(s, `${topicName('q')}.fifo`, { FifoQueue: 'true' })
    const { topicArn } = await s.topics.createTopic({ name: topicName() })
    const err = await expectCode(s.topics.subscribe({ topicArn, protocol: 'sqs', endpoint: fifoQueue.arn }), 'SNS_INVALID_PARAMETER')
    expect(err.message).toBe('Invalid parameter: Invalid parameter: Endpoint Reason: FIFO SQS Queues can not be subscribed to standard SNS topics')
    const fifo = await s.topics.createTopic({ name: `${topicName()}.fifo`, attributes: { FifoTopic: 'true' } })
    const { subscriptionArn } = await s.topics.subscribe({ topicArn: fifo.topicArn, protocol: 'sqs', endpoint: fifoQueue.arn })
    const standardDlq = await makeQueue(s, topicName('dlq'))
    const dlqErr = await expectCode(s.topics.setSubscriptionAttributes({ subscriptionArn, attributeName: 'RedrivePolicy', attributeValue: JSON.stringify({ deadLetterTargetArn: standardDlq.arn }) }), 'SNS_INVALID_PARAMETER')
    expect(dlqErr.message).toBe('Invalid parameter: RedrivePolicy: must use a FIFO queue as DLQ for a FIFO Subscription to a FIFO Topic.')
    expect((await s.topics.getSubscriptionAttributes({ subscriptionArn })).attributes.RedrivePolicy).toBeUndefined()
  })

  it('shows FilterPolicyScope only beside a filter policy', async () => {
    const { topicArn } = await s.topics.createTopic({ name: topicName() })
    const q = await makeQueue(s, topicName('q'))
    const { subscriptionArn } = await s.topics.subscribe({ topicArn, protocol: 'sqs', endpoint: q.arn, attributes: { FilterPolicyScope: 'MessageBody', FilterPolicy: '' } })
    const before = (await s.topics.getSubscriptionAttributes({ subscriptionArn })).attributes
    expect(before.FilterPolicy).toBeUndefined()
    expect(before.FilterPolicyScope).toBeUndefined()
    await s.topics.setSubscriptionAttributes({ subscriptionArn, attributeName: 'FilterPolicy', attributeValue: '{"a":{"b":["c"]}}' })
    expect((await s.topics.getSubscriptionAttributes({ subscriptionArn })).attributes).toMatchObject({ FilterPolicy: '{"a":{"b":["c"]}}', FilterPolicyScope: 'MessageBody' })
    const bad = await expectCode(s.topics.setSubscriptionAttributes({ subscriptionArn, attributeName: 'FilterPolicyScope', attributeValue: 'RandomValue' }), 'SNS_INVALID_PARAMETER')
    expect(bad.message).toBe('Invalid parameter: FilterPolicyScope: Invalid value [RandomValue]. Please use either MessageBody or MessageAttributes')
    const json = await expectCode(s.topics.setSubscriptionAttributes({ subscriptionArn, attributeName: 'RedrivePolicy', attributeValue: '{invalidjson}' }), 'SNS_INVALID_PARAMETER')
    expect(json.message).toMatch(/^Invalid parameter: RedrivePolicy: failed to parse JSON\./)
  })

  it('gets and sets subscription attributes, refusing bad ones', async () => {
    const { topicArn } = await s.topics.createTopic({ name: topicName() })
    const q = await makeQueue(s, topicName('q'))
    const dlq = await makeQueue(s, topicName('dlq'))
    const { subscriptionArn } = await s.topics.subscribe({ topicArn, protocol: 'sqs', endpoint: q.arn })
    await s.topics.setSubscriptionAttributes({ subscriptionArn, attributeName: 'RawMessageDelivery', attributeValue: 'true' })
    await s.topics.setSubscriptionAttributes({ subscriptionArn, attributeName: 'FilterPolicy', attributeValue: '{"a":["b"]}' })
    await s.topics.setSubscriptionAttributes({ subscriptionArn, attributeName: 'RedrivePolicy', attributeValue: JSON.stringify({ deadLetterTargetArn: dlq.arn }) })
    const { attributes } = await s.topics.getSubscriptionAttributes({ subscriptionArn })
    expect(attributes).toMatchObject({
      SubscriptionArn: subscriptionArn,
      TopicArn: topicArn,
      Protocol: 'sqs',
      Endpoint: q.arn,
      Owner: '000000000000',
      PendingConfirmation: 'false',
      RawMessageDelivery: 'true',
      FilterPolicy: '{"a":["b"]}',
      FilterPolicyScope: 'MessageAttributes'
    })
    await expectCode(s.topics.setSubscriptionAttributes({ subscriptionArn, attributeName: 'Protocol', attributeValue: 'http' }), 'SNS_INVALID_PARAMETER')
    await expectCode(s.topics.setSubscriptionAttributes({ subscriptionArn, attributeName: 'RawMessageDelivery', attributeValue: 'yes' }), 'SNS_INVALID_PARAMETER')
    await expectCode(s.topics.setSubscriptionAttributes({ subscriptionArn, attributeName: 'RedrivePolicy', attributeValue: '{"deadLetterTargetArn":"nope"}' }), 'SNS_INVALID_PARAMETER')
    const bad = await expectCode(s.topics.setSubscriptionAttributes({ subscriptionArn, attributeName: 'FilterPolicy', attributeValue: '{"a":[{"wildcard":"x*"}]}' }), 'SNS_INVALID_PARAMETER')
    expect(bad.message).toBe('Invalid parameter: FilterPolicy: Unrecognized match type wildcard')
    expect((await s.topics.getSubscriptionAttributes({ subscriptionArn })).attributes.FilterPolicy).toBe('{"a":["b"]}')
  })

  it('lists subscriptions, pending ones as PendingConfirmation', async () => {
    const { topicArn } = await s.topics.createTopic({ name: topicName() })
    const q = await makeQueue(s, topicName('q'))
    await s.topics.subscribe({ topicArn, protocol: 'sqs', endpoint: q.arn })
    await s.topics.subscribe({ topicArn, protocol: 'email', endpoint: 'me@example.com' })
    const { subscriptions } = await s.topics.listSubscriptionsByTopic({ topicArn })
    expect(subscriptions.map((x) => [x.protocol, x.subscriptionArn === 'PendingConfirmation'])).toEqual(expect.arrayContaining([['sqs', false], ['email', true]]))
    const all = await s.topics.listSubscriptions()
    expect(all.subscriptions.filter((x) => x.topicArn === topicArn)).toHaveLength(2)
  })

  it('confirms with the token an email confirmation carried (read from the outbox)', async () => {
    const { topicArn } = await s.topics.createTopic({ name: topicName() })
    const endpoint = `${topicName('user')}@example.com`
    await s.topics.subscribe({ topicArn, protocol: 'email', endpoint })
    const { entries } = await s.topics.listOutbox({ endpoint })
    const message = JSON.parse(entries[0]!.body)
    expect(message.Type).toBe('SubscriptionConfirmation')
    expect((await expectCode(s.topics.confirmSubscription({ topicArn, token: 'wrong' }), 'SNS_INVALID_PARAMETER')).message).toBe('Invalid token')
    const formed = 'ab'.repeat(64)
    expect((await expectCode(s.topics.confirmSubscription({ topicArn, token: formed }), 'SNS_INVALID_PARAMETER')).message).toBe('Invalid parameter: Token')
    expect((await expectCode(s.topics.confirmSubscription({ topicArn: `${topicArn}x`, token: formed }), 'SNS_INVALID_PARAMETER')).message).toBe('Invalid parameter: Token')
    const { subscriptionArn } = await s.topics.confirmSubscription({ topicArn, token: message.Token })
    expect((await s.topics.getSubscriptionAttributes({ subscriptionArn })).attributes.PendingConfirmation).toBe('false')
    await s.topics.publish({ topicArn, message: 'to you', subject: 'Hi' })
    await expect.poll(async () => (await s.topics.listOutbox({ endpoint })).entries.map((e) => e.body)).toContain('to you')
  })
})

const RETRY_DEFAULTS = { minDelayTarget: 20, maxDelayTarget: 20, numRetries: 3, numMaxDelayRetries: 0, numNoDelayRetries: 0, numMinDelayRetries: 0, backoffFunction: 'linear' }

describe('DeliveryPolicy', () => {
  // Each bad policy, as a subscription's; a topic's is the same under http.default*.
  const refused: Array<[object, string]> = [
    [{ healthyRetryPolicy: { numRetries: 101 } }, 'healthyRetryPolicy.numRetries must be less than or equal to 100'],
    [{ healthyRetryPolicy: { numRetries: -1 } }, 'healthyRetryPolicy.numRetries must be greater than or equal to 0'],
    [{ healthyRetryPolicy: { numRetries: 2.5 } }, 'healthyRetryPolicy.numRetries must be an integer'],
    [{ healthyRetryPolicy: { minDelayTarget: 0 } }, 'healthyRetryPolicy.minDelayTarget must be greater than or equal to 1'],
    [{ healthyRetryPolicy: { minDelayTarget: 1, maxDelayTarget: 4000 } }, 'healthyRetryPolicy.maxDelayTarget must be less than or equal to 3600'],
    [{ healthyRetryPolicy: { minDelayTarget: 30, maxDelayTarget: 10 } }, 'healthyRetryPolicy: minDelayTarget (30) must not be greater than maxDelayTarget (10)'],
    [{ healthyRetryPolicy: { numNoDelayRetries: -1 } }, 'healthyRetryPolicy.numNoDelayRetries must be greater than or equal to 0'],
    [{ healthyRetryPolicy: { numRetries: 3, numNoDelayRetries: 2, numMaxDelayRetries: 2 } }, 'healthyRetryPolicy: numNoDelayRetries + numMinDelayRetries + numMaxDelayRetries (4) must not be greater than numRetries (3)'],
    [{ healthyRetryPolicy: { backoffFunction: 'weird' } }, 'healthyRetryPolicy.backoffFunction must be one of linear, arithmetic, geometric, exponential'],
    [{ healthyRetryPolicy: { minDelayTarget: 3599, maxDelayTarget: 3600 } }, 'healthyRetryPolicy: Total policy retry time cannot be greater than 3600 seconds'],
    [{ healthyRetryPolicy: { minDelayTarget: 40, maxDelayTarget: 40, numRetries: 100 } }, 'healthyRetryPolicy: Total policy retry time cannot be greater than 3600 seconds'],
    [{ healthyRetryPolicy: { numRetries: 3, retries: 3 } }, 'healthyRetryPolicy.retries is not a delivery policy field'],
    [{ healthyRetryPolicy: 3 }, 'healthyRetryPolicy must be an object'],
    [{ throttlePolicy: { maxReceivesPerSecond: 0 } }, 'throttlePolicy.maxReceivesPerSecond must be an integer greater than or equal to 1'],
    [{ requestPolicy: { headerContentType: 'plain text' } }, 'requestPolicy.headerContentType must be a media type, such as text/plain, application/json or application/xml'],
    [{ requestPolicy: { headerContentType: 7 } }, 'requestPolicy.headerContentType must be a media type'],
    [{ requestPolicy: { contentType: 'text/plain' } }, 'requestPolicy.contentType is not a delivery policy field'],
    [{ retryPolicy: {} }, 'retryPolicy is not a delivery policy field'],
    [{ guaranteed: 'yes' }, 'guaranteed must be true or false']
  ]
  const asTopic = (policy: Record<string, unknown>): object => ({ http: Object.fromEntries(Object.entries(policy).map(([k, v]) => [k === 'guaranteed' ? 'disableSubscriptionOverrides' : `default${k[0]!.toUpperCase()}${k.slice(1)}`, v])) })
  const kept = '{"http":{"defaultHealthyRetryPolicy":{"numRetries":5}}}'

  it('refuses a topic policy out of AWS\'s bounds, changing nothing', async () => {
    const { topicArn } = await s.topics.createTopic({ name: topicName(), attributes: { DeliveryPolicy: kept } })
    for (const [policy, text] of refused) {
      const topicText = text.replace(/^(healthyRetryPolicy|throttlePolicy|requestPolicy|retryPolicy)/, (m) => `http.default${m[0]!.toUpperCase()}${m.slice(1)}`).replace(/^guaranteed/, 'http.disableSubscriptionOverrides')
      const err = await expectCode(s.topics.setTopicAttributes({ topicArn, attributeName: 'DeliveryPolicy', attributeValue: JSON.stringify(asTopic(policy as Record<string, unknown>)) }), 'SNS_INVALID_PARAMETER')
      expect(err.message).toContain(`Invalid parameter: DeliveryPolicy: ${topicText}`)
    }
    const other = await expectCode(s.topics.setTopicAttributes({ topicArn, attributeName: 'DeliveryPolicy', attributeValue: '{"sqs":{}}' }), 'SNS_INVALID_PARAMETER')
    expect(other.message).toBe('Invalid parameter: DeliveryPolicy: sqs is not a delivery policy field; the fields are http')
    expect((await s.topics.getTopicAttributes({ topicArn })).attributes.DeliveryPolicy).toBe(kept)
    const created = await expectCode(s.topics.createTopic({ name: topicName(), attributes: { DeliveryPolicy: '{"http":{"defaultHealthyRetryPolicy":{"numRetries":101}}}' } }), 'SNS_INVALID_PARAMETER')
    expect(created.message).toBe('Invalid parameter: Attributes Reason: DeliveryPolicy: http.defaultHealthyRetryPolicy.numRetries must be less than or equal to 100')
  })

  it('refuses a subscription policy out of AWS\'s bounds, changing nothing', async () => {
    const { topicArn } = await s.topics.createTopic({ name: topicName() })
    const { subscriptionArn } = await s.topics.subscribe({ topicArn, protocol: 'http', endpoint: 'http://127.0.0.1:9/hook', returnSubscriptionArn: true })
    const own = '{"healthyRetryPolicy":{"numRetries":1}}'
    await s.topics.setSubscriptionAttributes({ subscriptionArn, attributeName: 'DeliveryPolicy', attributeValue: own })
    for (const [policy, text] of refused) {
      const err = await expectCode(s.topics.setSubscriptionAttributes({ subscriptionArn, attributeName: 'DeliveryPolicy', attributeValue: JSON.stringify(policy) }), 'SNS_INVALID_PARAMETER')
      expect(err.message).toContain(`Invalid parameter: DeliveryPolicy: ${text}`)
    }
    expect((await s.topics.getSubscriptionAttributes({ subscriptionArn })).attributes.DeliveryPolicy).toBe(own)
    const subscribed = await expectCode(s.topics.subscribe({ topicArn, protocol: 'http', endpoint: 'http://127.0.0.1:9/other', attributes: { DeliveryPolicy: '{"healthyRetryPolicy":{"backoffFunction":"weird"}}' } }), 'SNS_INVALID_PARAMETER')
    expect(subscribed.message).toBe('Invalid parameter: Attributes Reason: DeliveryPolicy: healthyRetryPolicy.backoffFunction must be one of linear, arithmetic, geometric, exponential')
  })

  it('takes AWS\'s documented example, parts set to null, and \'\' to remove a policy', async () => {
    const example = { healthyRetryPolicy: { minDelayTarget: 1, maxDelayTarget: 60, numRetries: 50, numNoDelayRetries: 3, numMinDelayRetries: 2, numMaxDelayRetries: 35, backoffFunction: 'exponential' }, throttlePolicy: { maxReceivesPerSecond: 10 }, requestPolicy: { headerContentType: 'application/json' } }
    const { topicArn } = await s.topics.createTopic({ name: topicName(), attributes: { DeliveryPolicy: JSON.stringify({ http: { defaultHealthyRetryPolicy: example.healthyRetryPolicy, disableSubscriptionOverrides: false, defaultThrottlePolicy: { maxReceivesPerSecond: 10 }, defaultRequestPolicy: { headerContentType: 'application/xml' } } }) } })
    const { subscriptionArn } = await s.topics.subscribe({ topicArn, protocol: 'https', endpoint: 'https://127.0.0.1:9/hook', attributes: { DeliveryPolicy: JSON.stringify(example) }, returnSubscriptionArn: true })
    // What AWS shows of a policy, taken back as it is.
    const shown = '{"healthyRetryPolicy":null,"sicklyRetryPolicy":null,"throttlePolicy":null,"requestPolicy":{"headerContentType":"text/plain; charset=UTF-8"},"guaranteed":false}'
    await s.topics.setSubscriptionAttributes({ subscriptionArn, attributeName: 'DeliveryPolicy', attributeValue: shown })
    await s.topics.setTopicAttributes({ topicArn, attributeName: 'DeliveryPolicy', attributeValue: '{"http":{"defaultHealthyRetryPolicy":null}}' })
    await s.topics.setTopicAttributes({ topicArn, attributeName: 'DeliveryPolicy', attributeValue: '' })
    await s.topics.setSubscriptionAttributes({ subscriptionArn, attributeName: 'DeliveryPolicy', attributeValue: '' })
    expect((await s.topics.getTopicAttributes({ topicArn })).attributes.DeliveryPolicy).toBeUndefined()
    expect((await s.topics.getSubscriptionAttributes({ subscriptionArn })).attributes.DeliveryPolicy).toBeUndefined()
  })

  it('shows a subscription\'s EffectiveDeliveryPolicy in the subscription\'s shape, as in force', async () => {
    const effective = async (subscriptionArn: string): Promise<unknown> => JSON.parse((await s.topics.getSubscriptionAttributes({ subscriptionArn })).attributes.EffectiveDeliveryPolicy!)
    const { topicArn } = await s.topics.createTopic({ name: topicName() })
    const { subscriptionArn } = await s.topics.subscribe({ topicArn, protocol: 'http', endpoint: 'http://127.0.0.1:9/hook', returnSubscriptionArn: true })
    // AWS's shape (LocalStack's recordings of AWS, test_subscribe_external_http_endpoint_content_type).
    expect(await effective(subscriptionArn)).toEqual({ healthyRetryPolicy: RETRY_DEFAULTS, sicklyRetryPolicy: null, throttlePolicy: null, requestPolicy: { headerContentType: 'text/plain; charset=UTF-8' }, guaranteed: false })
    const own = { healthyRetryPolicy: { minDelayTarget: 1, maxDelayTarget: 1, numRetries: 0, numMaxDelayRetries: 0, numNoDelayRetries: 0, numMinDelayRetries: 0, backoffFunction: 'linear' }, sicklyRetryPolicy: null, throttlePolicy: { maxReceivesPerSecond: 1000 }, guaranteed: false }
    await s.topics.setSubscriptionAttributes({ subscriptionArn, attributeName: 'DeliveryPolicy', attributeValue: JSON.stringify(own) })
    await s.topics.setTopicAttributes({ topicArn, attributeName: 'DeliveryPolicy', attributeValue: JSON.stringify({ http: { defaultRequestPolicy: { headerContentType: 'application/json' } } }) })
    expect(await effective(subscriptionArn)).toEqual({ ...own, requestPolicy: { headerContentType: 'application/json' } })
    // A partial retry policy is filled with AWS's defaults; the topic's throttle and retry apply where the subscription sets none.
    await s.topics.setSubscriptionAttributes({ subscriptionArn, attributeName: 'DeliveryPolicy', attributeValue: '{"healthyRetryPolicy":{"numRetries":7},"requestPolicy":{"headerContentType":"text/csv"}}' })
    await s.topics.setTopicAttributes({ topicArn, attributeName: 'DeliveryPolicy', attributeValue: JSON.stringify({ http: { defaultThrottlePolicy: { maxReceivesPerSecond: 5 } } }) })
    expect(await effective(subscriptionArn)).toEqual({ healthyRetryPolicy: { ...RETRY_DEFAULTS, numRetries: 7 }, sicklyRetryPolicy: null, throttlePolicy: { maxReceivesPerSecond: 5 }, requestPolicy: { headerContentType: 'text/csv' }, guaranteed: false })
    // The topic's own, whole, when it disables subscription overrides.
    await s.topics.setTopicAttributes({ topicArn, attributeName: 'DeliveryPolicy', attributeValue: JSON.stringify({ http: { disableSubscriptionOverrides: true, defaultHealthyRetryPolicy: { numRetries: 1 } } }) })
    expect(await effective(subscriptionArn)).toEqual({ healthyRetryPolicy: { ...RETRY_DEFAULTS, numRetries: 1 }, sicklyRetryPolicy: null, throttlePolicy: null, requestPolicy: { headerContentType: 'text/plain; charset=UTF-8' }, guaranteed: false })
    expect(JSON.parse((await s.topics.getTopicAttributes({ topicArn })).attributes.EffectiveDeliveryPolicy!)).toEqual({ http: { defaultHealthyRetryPolicy: { ...RETRY_DEFAULTS, numRetries: 1 }, disableSubscriptionOverrides: true, defaultRequestPolicy: { headerContentType: 'text/plain; charset=UTF-8' } } })
    // An SQS subscription shows none, as AWS's.
    const q = await makeQueue(s, topicName('q'))
    const { subscriptionArn: sqsArn } = await s.topics.subscribe({ topicArn, protocol: 'sqs', endpoint: q.arn, returnSubscriptionArn: true })
    expect((await s.topics.getSubscriptionAttributes({ subscriptionArn: sqsArn })).attributes.EffectiveDeliveryPolicy).toBeUndefined()
  })
})

describe('tags, permissions and data protection', () => {
  it('tags, lists and untags; too many tags and unknown resources are refused', async () => {
    const { topicArn } = await s.topics.createTopic({ name: topicName(), tags: [{ key: 'a', value: '1' }] })
    await s.topics.tagResource({ resourceArn: topicArn, tags: [{ key: 'b', value: '2' }, { key: 'a', value: '3' }] })
    expect((await s.topics.listTagsForResource({ resourceArn: topicArn })).tags).toEqual([{ key: 'a', value: '3' }, { key: 'b', value: '2' }])
    await s.topics.untagResource({ resourceArn: topicArn, tagKeys: ['a', 'missing'] })
    expect((await s.topics.listTagsForResource({ resourceArn: topicArn })).tags).toEqual([{ key: 'b', value: '2' }])
    const many = Array.from({ length: 50 }, (_, i) => ({ key: `k${i}`, value: 'v' }))
    await expectCode(s.topics.tagResource({ resourceArn: topicArn, tags: many }), 'SNS_TAG_LIMIT')
    const twice = await expectCode(s.topics.tagResource({ resourceArn: topicArn, tags: [{ key: 'c', value: '1' }, { key: 'c', value: '2' }] }), 'SNS_INVALID_PARAMETER')
    expect(twice.message).toBe('Invalid parameter: Duplicated keys are not allowed.')
    expect((await s.topics.listTagsForResource({ resourceArn: topicArn })).tags).toHaveLength(1)
    const missing = await expectCode(s.topics.listTagsForResource({ resourceArn: 'arn:aws:sns:us-east-1:000000000000:none' }), 'SNS_RESOURCE_NOT_FOUND')
    expect(missing.awsType).toBe('ResourceNotFoundException')
  })

  it('keeps AddPermission and RemovePermission in the Policy', async () => {
    const { topicArn } = await s.topics.createTopic({ name: topicName() })
    await s.topics.addPermission({ topicArn, label: 'share', awsAccountId: ['111122223333'], actionName: ['Publish', 'Subscribe'] })
    await expectCode(s.topics.addPermission({ topicArn, label: 'share', awsAccountId: ['111122223333'], actionName: ['Publish'] }), 'SNS_INVALID_PARAMETER')
    await expectCode(s.topics.addPermission({ topicArn, label: 'bad', awsAccountId: ['111122223333'], actionName: ['Fly'] }), 'SNS_INVALID_PARAMETER')
    let policy = JSON.parse((await s.topics.getTopicAttributes({ topicArn })).attributes.Policy!)
    expect(policy.Statement.find((st: { Sid: string }) => st.Sid === 'share')).toEqual({ Sid: 'share', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:root' }, Action: ['SNS:Publish', 'SNS:Subscribe'], Resource: topicArn })
    await s.topics.removePermission({ topicArn, label: 'share' })
    policy = JSON.parse((await s.topics.getTopicAttributes({ topicArn })).attributes.Policy!)
    expect(policy.Statement.map((st: { Sid: string }) => st.Sid)).toEqual(['__default_statement_ID'])
  })

  it('keeps and returns a data protection policy', async () => {
    const { topicArn } = await s.topics.createTopic({ name: topicName() })
    expect(await s.topics.getDataProtectionPolicy({ resourceArn: topicArn })).toEqual({})
    const doc = JSON.stringify({ Name: 'p', Version: '2021-06-01', Statement: [] })
    await s.topics.putDataProtectionPolicy({ resourceArn: topicArn, dataProtectionPolicy: doc })
    expect(await s.topics.getDataProtectionPolicy({ resourceArn: topicArn })).toEqual({ dataProtectionPolicy: doc })
    expect((await s.topics.getTopicAttributes({ topicArn })).attributes).not.toHaveProperty('__DataProtectionPolicy')
    await expectCode(s.topics.putDataProtectionPolicy({ resourceArn: topicArn, dataProtectionPolicy: 'nope' }), 'SNS_INVALID_PARAMETER')
  })
})

describe('platform applications, endpoints and SMS', () => {
  it('keeps applications and endpoints; publishing to an endpoint goes to the outbox', async () => {
    const { platformApplicationArn } = await s.topics.call('CreatePlatformApplication', { name: 'app', platform: 'GCM', attributes: { PlatformCredential: 'secret' } }) as { platformApplicationArn: string }
    expect(platformApplicationArn).toBe('arn:aws:sns:us-east-1:000000000000:app/GCM/app')
    await expectCode(s.topics.call('CreatePlatformApplication', { name: 'app', platform: 'NOPE', attributes: { PlatformCredential: 'x' } }), 'SNS_INVALID_PARAMETER')
    const refusals: Array<[Record<string, unknown>, string]> = [
      [{ name: '', platform: 'ADM', attributes: { PlatformCredential: 'c', PlatformPrincipal: 'p' } }, 'Invalid parameter:  Reason: cannot be empty'],
      [{ name: '@name', platform: 'ADM', attributes: { PlatformCredential: 'c', PlatformPrincipal: 'p' } }, "Invalid parameter: @name Reason: must contain only characters 'a'-'z', 'A'-'Z', '0'-'9', '_', '-', and '.'"],
      [{ name: 'a'.repeat(257), platform: 'ADM', attributes: { PlatformCredential: 'c', PlatformPrincipal: 'p' } }, `Invalid parameter: ${'a'.repeat(257)} Reason: must be at most 256 characters long`],
      [{ name: 'adm', platform: 'ADM', attributes: { PlatformCredential: 'c' } }, 'Invalid parameter: Attributes Reason: PlatformCredential attribute provided without PlatformPrincipal'],
      [{ name: 'adm', platform: 'ADM', attributes: { PlatformPrincipal: 'p' } }, 'Invalid parameter: Attributes Reason: PlatformPrincipal attribute provided without PlatformCredential']
    ]
    for (const [input, text] of refusals) {
      expect((await expectCode(s.topics.call('CreatePlatformApplication', input), 'SNS_INVALID_PARAMETER')).message).toBe(text)
    }
    const arnErr = await expectCode(s.topics.call('GetPlatformApplicationAttributes', { platformApplicationArn: 'invalid-arn' }), 'SNS_INVALID_PARAMETER')
    expect(arnErr.message).toBe('Invalid parameter: PlatformApplicationArn Reason: An ARN must have at least 6 elements, not 1')
    const { attributes: appAttributes } = await s.topics.call('GetPlatformApplicationAttributes', { platformApplicationArn }) as { attributes: Record<string, string> }
    expect(appAttributes).toEqual({ Enabled: 'true' })
    const { endpointArn } = await s.topics.call('CreatePlatformEndpoint', { platformApplicationArn, token: 'device-1', customUserData: 'me' }) as { endpointArn: string }
    const again = await s.topics.call('CreatePlatformEndpoint', { platformApplicationArn, token: 'device-1', customUserData: 'me' }) as { endpointArn: string }
    expect(again.endpointArn).toBe(endpointArn)
    const { attributes } = await s.topics.call('GetEndpointAttributes', { endpointArn }) as { attributes: Record<string, string> }
    expect(attributes).toEqual({ Enabled: 'true', Token: 'device-1', CustomUserData: 'me' })
    const { endpoints } = await s.topics.call('ListEndpointsByPlatformApplication', { platformApplicationArn }) as { endpoints: Array<{ endpointArn: string }> }
    expect(endpoints.map((e) => e.endpointArn)).toEqual([endpointArn])
    const { messageId } = await s.topics.publish({ targetArn: endpointArn, message: 'push!' })
    expect((await s.topics.listOutbox({ endpoint: endpointArn })).entries).toMatchObject([{ protocol: 'application', messageId, body: 'push!' }])
    // Attributes an endpoint does not take are refused with AWS's texts, and change nothing.
    const unknown = await expectCode(s.topics.call('SetEndpointAttributes', { endpointArn, attributes: { PlatformPrincipal: 'p' } }), 'SNS_INVALID_PARAMETER')
    expect(unknown.message).toBe('Invalid parameter: Attributes Reason: Invalid attribute name: PlatformPrincipal')
    const long = await expectCode(s.topics.call('CreatePlatformEndpoint', { platformApplicationArn, token: 'device-2', attributes: { CustomUserData: 'A'.repeat(2050) } }), 'SNS_INVALID_PARAMETER')
    expect(long.message).toBe('Invalid parameter: Attributes Reason: Invalid value for attribute: CustomUserData: must be at most 2048 bytes long in UTF-8 encoding')
    expect(((await s.topics.call('ListEndpointsByPlatformApplication', { platformApplicationArn })) as { endpoints: unknown[] }).endpoints).toHaveLength(1)
    // CustomUserData given both ways: the one in Attributes wins, as in AWS.
    const both = await s.topics.call('CreatePlatformEndpoint', { platformApplicationArn, token: 'device-3', customUserData: 'bar', attributes: { CustomUserData: 'foo' } }) as { endpointArn: string }
    expect(((await s.topics.call('GetEndpointAttributes', { endpointArn: both.endpointArn })) as { attributes: Record<string, string> }).attributes.CustomUserData).toBe('foo')
    await s.topics.call('SetEndpointAttributes', { endpointArn, attributes: { Enabled: 'false' } })
    await expectCode(s.topics.publish({ targetArn: endpointArn, message: 'again' }), 'SNS_ENDPOINT_DISABLED')
    await s.topics.call('DeletePlatformApplication', { platformApplicationArn })
    await expectCode(s.topics.call('GetEndpointAttributes', { endpointArn }), 'SNS_NOT_FOUND')
  })

  it('keeps SMS attributes and the sandbox; an SMS publish goes to the outbox', async () => {
    await s.topics.call('SetSMSAttributes', { attributes: { DefaultSMSType: 'Transactional', DefaultSenderID: 'me' } })
    expect(await s.topics.call('GetSMSAttributes', { attributes: ['DefaultSMSType'] })).toEqual({ attributes: { DefaultSMSType: 'Transactional' } })
    expect((await expectCode(s.topics.call('SetSMSAttributes', { attributes: { DefaultSMSType: 'Loud' } }), 'SNS_INVALID_PARAMETER')).message).toBe('DefaultSMSType is invalid')
    expect((await expectCode(s.topics.call('SetSMSAttributes', { attributes: { DefaultSendID: 'x' } }), 'SNS_INVALID_PARAMETER')).message).toBe('DefaultSendID is not a valid attribute')
    // AWS shows a spend limit of 1 that no one set, beside what was set.
    expect(await s.topics.call('GetSMSAttributes', {})).toMatchObject({ attributes: { MonthlySpendLimit: '1', DefaultSMSType: 'Transactional', DefaultSenderID: 'me' } })
    expect((await expectCode(s.topics.call('OptInPhoneNumber', { phoneNumber: 'invalid' }), 'SNS_INVALID_PARAMETER')).message).toBe('Invalid parameter: PhoneNumber Reason: input incorrectly formatted')
    await s.topics.call('CreateSMSSandboxPhoneNumber', { phoneNumber: '+15550100' })
    const otp = (await s.topics.listOutbox({ endpoint: '+15550100' })).entries[0]!.messageId
    await expectCode(s.topics.call('VerifySMSSandboxPhoneNumber', { phoneNumber: '+15550100', oneTimePassword: 'nope' }), 'SNS_VERIFICATION')
    await s.topics.call('VerifySMSSandboxPhoneNumber', { phoneNumber: '+15550100', oneTimePassword: otp })
    expect(await s.topics.call('ListSMSSandboxPhoneNumbers', {})).toEqual({ phoneNumbers: [{ phoneNumber: '+15550100', status: 'Verified' }] })
    expect(await s.topics.call('GetSMSSandboxAccountStatus', {})).toEqual({ isInSandbox: true })
    expect(await s.topics.call('CheckIfPhoneNumberIsOptedOut', { phoneNumber: '+15550100' })).toEqual({ isOptedOut: false })
    await s.topics.publish({ phoneNumber: '+15550100', message: 'text' })
    expect((await s.topics.listOutbox({ endpoint: '+15550100', protocol: 'sms' })).entries.map((e) => e.body)).toContain('text')
    await s.topics.call('DeleteSMSSandboxPhoneNumber', { phoneNumber: '+15550100' })
    await expectCode(s.topics.call('DeleteSMSSandboxPhoneNumber', { phoneNumber: '+15550100' }), 'SNS_RESOURCE_NOT_FOUND')
    expect(await s.topics.call('ListOriginationNumbers', {})).toEqual({})
  })
})
