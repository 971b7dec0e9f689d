/**
 * Asking again for a confirmation: Subscribe repeated for a pending endpoint sends its
 * SubscriptionConfirmation once more (what the console's "Request confirmation" does),
 * and the subscription stays one; a confirmed subscription gets none.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { subscriber } from './helpers/http-subscriber.js'
import { startTopicServer, topicName, type TopicTestServer } from './helpers/topics.js'

let s: TopicTestServer
beforeAll(async () => { s = await startTopicServer() })
afterAll(async () => { await s.close() })

describe('a repeated Subscribe', () => {
  it('sends a pending HTTP endpoint its confirmation again, and nothing once it is confirmed', async () => {
    const hook = await subscriber()
    try {
      const { topicArn } = await s.topics.createTopic({ name: topicName() })
      const first = await s.topics.subscribe({ topicArn, protocol: 'http', endpoint: hook.url, returnSubscriptionArn: true })
      await expect.poll(() => hook.got.length).toBe(1)
      const again = await s.topics.subscribe({ topicArn, protocol: 'http', endpoint: hook.url, returnSubscriptionArn: true })
      expect(again.subscriptionArn).toBe(first.subscriptionArn)
      await expect.poll(() => hook.got.length).toBe(2)
      const [one, two] = hook.got.map((g) => JSON.parse(g.body) as Record<string, string>)
      expect(two).toMatchObject({ Type: 'SubscriptionConfirmation', TopicArn: topicArn, Token: one!.Token })
      expect(two!.MessageId).not.toBe(one!.MessageId)
      expect((await s.topics.listSubscriptionsByTopic({ topicArn })).subscriptions).toHaveLength(1)

      expect((await fetch(two!.SubscribeURL!)).status).toBe(200)
      await s.topics.subscribe({ topicArn, protocol: 'http', endpoint: hook.url })
      await new Promise((resolve) => setTimeout(resolve, 200))
      expect(hook.got).toHaveLength(2)
    } finally {
      await hook.close()
    }
  })

  it('puts an email endpoint\'s second confirmation in the outbox', async () => {
    const { topicArn } = await s.topics.createTopic({ name: topicName() })
    const endpoint = `${topicName('u')}@example.com`
    await s.topics.subscribe({ topicArn, protocol: 'email', endpoint })
    await s.topics.subscribe({ topicArn, protocol: 'email', endpoint })
    const { entries } = await s.topics.listOutbox({ endpoint })
    expect(entries.map((e) => JSON.parse(e.body).Type)).toEqual(['SubscriptionConfirmation', 'SubscriptionConfirmation'])
  })
})
