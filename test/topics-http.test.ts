/**
 * HTTP, Lambda and outbox deliveries: a subscriber server in the test gets the
 * SubscriptionConfirmation, confirms with a GET on SubscribeURL, then gets Notifications
 * with AWS's headers and verifiable signatures; a failing endpoint is retried per its
 * DeliveryPolicy and then dead-lettered; a Lambda-style handler gets the SNS event; the
 * outbox is read over gRPC and with an HTTP GET; UnsubscribeURL works.
 */
import { createVerify, X509Certificate } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { confirmedHttpSubscription, subscriber } from './helpers/http-subscriber.js'
import { drain, makeQueue, startTopicServer, topicName, type TopicTestServer } from './helpers/topics.js'

function verifies (message: Record<string, string>, pem: string): boolean {
  const fields = message.Type === 'Notification' ? ['Message', 'MessageId', 'Subject', 'Timestamp', 'TopicArn', 'Type'] : ['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type']
  const verify = createVerify(message.SignatureVersion === '2' ? 'RSA-SHA256' : 'RSA-SHA1')
  verify.update(fields.filter((f) => message[f] !== undefined).map((f) => `${f}\n${message[f]}\n`).join(''))
  return verify.verify(new X509Certificate(pem).publicKey, message.Signature!, 'base64')
}

let lambda: Awaited<ReturnType<typeof subscriber>>
let s: TopicTestServer
beforeAll(async () => {
  lambda = await subscriber()
  s = await startTopicServer({ lambdaEndpoints: { 'my-fn': lambda.url } })
})
afterAll(async () => {
  await s.close()
  await lambda.close()
})

describe('HTTP subscriptions', () => {
  it('confirm through SubscribeURL, then receive signed notifications with AWS\'s headers; UnsubscribeURL ends them', async () => {
    const hook = await subscriber()
    try {
      const { topicArn } = await s.topics.createTopic({ name: topicName(), attributes: { SignatureVersion: '2' } })
      const { subscriptionArn } = await s.topics.subscribe({ topicArn, protocol: 'http', endpoint: hook.url, returnSubscriptionArn: true })
      await expect.poll(() => hook.got.length).toBe(1)
      const confirmation = JSON.parse(hook.got[0]!.body)
      expect(hook.got[0]!.headers['x-amz-sns-message-type']).toBe('SubscriptionConfirmation')
      expect(confirmation).toMatchObject({ Type: 'SubscriptionConfirmation', TopicArn: topicArn, SignatureVersion: '2' })
      const pem = await (await fetch(confirmation.SigningCertURL)).text()
      expect(verifies(confirmation, pem)).toBe(true)
      // Unconfirmed: nothing is delivered.
      await s.topics.publish({ topicArn, message: 'too early' })
      // The link's checks, as AWS answers them: the token names the subscription, and the
      // TopicArn need only be a topic ARN of its region.
      const link = (change: Record<string, string>): string => {
        const url = new URL(confirmation.SubscribeURL)
        for (const [k, v] of Object.entries(change)) url.searchParams.set(k, v)
        return url.toString()
      }
      for (const [change, text] of [
        [{ TopicArn: 'not-an-arn' }, 'Invalid parameter: Topic'],
        [{ Token: 'abc123' }, 'Invalid parameter: Token'],
        [{ TopicArn: topicArn.replace('us-east-1', 'eu-west-1') }, 'Invalid parameter: Topic']
      ] as const) {
        const refused = await fetch(link(change))
        expect(refused.status).toBe(400)
        expect(await refused.text()).toContain(`<Message>${text}</Message>`)
      }
      const answer = await fetch(link({ TopicArn: `${topicArn}-not-this-one` }))
      expect(answer.status).toBe(200)
      expect(await answer.text()).toContain(`<SubscriptionArn>${subscriptionArn}</SubscriptionArn>`)
      expect((await s.topics.getSubscriptionAttributes({ subscriptionArn })).attributes.PendingConfirmation).toBe('false')
      const { messageId } = await s.topics.publish({ topicArn, message: 'hello http', subject: 'S' })
      await expect.poll(() => hook.got.length).toBe(2)
      const note = hook.got[1]!
      expect(note.headers).toMatchObject({ 'x-amz-sns-message-type': 'Notification', 'x-amz-sns-message-id': messageId, 'x-amz-sns-topic-arn': topicArn, 'x-amz-sns-subscription-arn': subscriptionArn })
      // AWS's agent headers, and none a browser-style client would add.
      for (const got of hook.got) {
        expect(got.headers).toMatchObject({ 'user-agent': 'Amazon Simple Notification Service Agent', 'accept-encoding': 'gzip,deflate', 'content-type': 'text/plain; charset=UTF-8' })
        for (const extra of ['accept', 'accept-language', 'sec-fetch-mode']) expect(got.headers[extra]).toBeUndefined()
      }
      const envelope = JSON.parse(note.body)
      expect(envelope).toMatchObject({ Message: 'hello http', Subject: 'S', MessageId: messageId })
      expect(verifies(envelope, pem)).toBe(true)
      expect((await fetch(envelope.UnsubscribeURL)).status).toBe(200)
      await s.topics.publish({ topicArn, message: 'after unsubscribe' })
      await new Promise((resolve) => setTimeout(resolve, 300))
      expect(hook.got).toHaveLength(2)
      expect((await s.topics.listSubscriptionsByTopic({ topicArn })).subscriptions).toEqual([])
    } finally {
      await hook.close()
    }
  })

  it('retries a 5xx per the DeliveryPolicy, then dead-letters; a 4xx counts as delivered', async () => {
    let answer = 500
    const hook = await subscriber(() => answer)
    try {
      const { topicArn } = await s.topics.createTopic({ name: topicName() })
      const dlq = await makeQueue(s, topicName('dlq'))
      await s.topics.subscribe({ topicArn, protocol: 'http', endpoint: hook.url })
      await expect.poll(() => hook.got.length).toBe(1)
      const { subscriptionArn } = await s.topics.confirmSubscription({ topicArn, token: JSON.parse(hook.got[0]!.body).Token })
      await s.topics.setSubscriptionAttributes({ subscriptionArn, attributeName: 'DeliveryPolicy', attributeValue: JSON.stringify({ healthyRetryPolicy: { minDelayTarget: 1, maxDelayTarget: 1, numRetries: 2, backoffFunction: 'linear' } }) })
      await s.topics.setSubscriptionAttributes({ subscriptionArn, attributeName: 'RedrivePolicy', attributeValue: JSON.stringify({ deadLetterTargetArn: dlq.arn }) })
      const { messageId } = await s.topics.publish({ topicArn, message: 'will fail' })
      const [dead] = await drain(s, dlq.queueUrl, 1, 8000)
      const attempts = hook.got.slice(1)
      expect(attempts).toHaveLength(3)
      expect(attempts[2]!.at - attempts[0]!.at).toBeGreaterThanOrEqual(1900)
      expect(JSON.parse(dead!.body)).toMatchObject({ MessageId: messageId, Message: 'will fail' })
      expect(dead!.messageAttributes.ErrorCode?.stringValue).toBe('HTTP 500')
      answer = 404
      await s.topics.publish({ topicArn, message: 'refused but delivered' })
      await expect.poll(() => hook.got.length).toBe(5)
      await new Promise((resolve) => setTimeout(resolve, 1200))
      expect(hook.got).toHaveLength(5)
    } finally {
      await hook.close()
    }
  })
})

describe('requestPolicy', () => {
  it('sets a Notification\'s Content-Type: the subscription\'s over the topic\'s, unless the topic disables overrides', async () => {
    const hooks = await Promise.all([subscriber(), subscriber(), subscriber()])
    try {
      const topicPolicy = (disable: boolean): string => JSON.stringify({ http: { disableSubscriptionOverrides: disable, defaultRequestPolicy: { headerContentType: 'application/json' } } })
      const { topicArn } = await s.topics.createTopic({ name: topicName(), attributes: { DeliveryPolicy: topicPolicy(false) } })
      const own = { DeliveryPolicy: JSON.stringify({ requestPolicy: { headerContentType: 'application/xml; charset=UTF-8' } }) }
      await confirmedHttpSubscription(s.topics, topicArn, hooks[0]!)
      await confirmedHttpSubscription(s.topics, topicArn, hooks[1]!, own)
      // The topic's alone, with or without the subscription's: the confirmation stays text/plain, as AWS's.
      for (const hook of hooks.slice(0, 2)) expect(hook.got[0]!.headers['content-type']).toBe('text/plain; charset=UTF-8')
      await s.topics.publish({ topicArn, message: 'typed' })
      await expect.poll(() => hooks.slice(0, 2).map((h) => h.notifications().length)).toEqual([1, 1])
      expect(hooks[0]!.notifications()[0]!.headers['content-type']).toBe('application/json')
      expect(hooks[1]!.notifications()[0]!.headers['content-type']).toBe('application/xml; charset=UTF-8')
      await s.topics.setTopicAttributes({ topicArn, attributeName: 'DeliveryPolicy', attributeValue: topicPolicy(true) })
      await confirmedHttpSubscription(s.topics, topicArn, hooks[2]!, { RawMessageDelivery: 'true', ...own })
      await s.topics.publish({ topicArn, message: 'overruled' })
      await expect.poll(() => hooks.map((h) => h.notifications().length)).toEqual([2, 2, 1])
      for (const hook of hooks) expect(hook.notifications().at(-1)!.headers['content-type']).toBe('application/json')
    } finally {
      await Promise.all(hooks.map((h) => h.close()))
    }
  })
})

describe('Lambda subscriptions', () => {
  it('invoke the function\'s --lambda-endpoint URL with the SNS event', async () => {
    const { topicArn } = await s.topics.createTopic({ name: topicName() })
    const { subscriptionArn } = await s.topics.subscribe({ topicArn, protocol: 'lambda', endpoint: 'arn:aws:lambda:us-east-1:000000000000:function:my-fn' })
    const before = lambda.got.length
    const { messageId } = await s.topics.publish({ topicArn, message: 'for lambda', messageAttributes: { k: { dataType: 'String', stringValue: 'v' } } })
    await expect.poll(() => lambda.got.length).toBe(before + 1)
    const event = JSON.parse(lambda.got[before]!.body)
    expect(event.Records).toHaveLength(1)
    expect(event.Records[0]).toMatchObject({ EventSource: 'aws:sns', EventVersion: '1.0', EventSubscriptionArn: subscriptionArn })
    expect(event.Records[0].Sns).toMatchObject({ Type: 'Notification', MessageId: messageId, TopicArn: topicArn, Message: 'for lambda', MessageAttributes: { k: { Type: 'String', Value: 'v' } } })
    expect(event.Records[0].Sns.SigningCertUrl).toContain('/SimpleNotificationService-')
  })
})

describe('the outbox', () => {
  it('holds email, email-json and sms deliveries, readable over gRPC and HTTP', async () => {
    const { topicArn } = await s.topics.createTopic({ name: topicName() })
    const sms = `+1555${String(process.pid).padStart(7, '0').slice(-7)}`
    await s.topics.subscribe({ topicArn, protocol: 'sms', endpoint: sms })
    const json = `${topicName('j')}@example.com`
    await s.topics.subscribe({ topicArn, protocol: 'email-json', endpoint: json })
    const token = JSON.parse((await s.topics.listOutbox({ endpoint: json })).entries[0]!.body).Token
    await s.topics.confirmSubscription({ topicArn, token })
    const { messageId } = await s.topics.publish({ topicArn, message: 'boxed', subject: 'Box' })
    await expect.poll(async () => (await s.topics.listOutbox({ topicArn })).entries.filter((e) => e.messageId === messageId).length).toBe(2)
    const { entries } = await s.topics.listOutbox({ topicArn })
    expect(entries.find((e) => e.protocol === 'sms')).toMatchObject({ endpoint: sms, body: 'boxed', subject: 'Box' })
    expect(JSON.parse(entries.find((e) => e.protocol === 'email-json' && e.messageId === messageId)!.body)).toMatchObject({ Type: 'Notification', Message: 'boxed' })
    const overHttp = await (await fetch(`${s.httpOrigin}/_shardline/sns/outbox?topicArn=${encodeURIComponent(topicArn)}`)).json() as { entries: Array<{ messageId: string }> }
    expect(overHttp.entries.filter((e) => e.messageId === messageId)).toHaveLength(2)
  })
})
