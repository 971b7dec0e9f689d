/**
 * The console's Topics view in a real browser (Debian's chromium, driven by
 * playwright-core): a topic's subscriptions with protocol, filter policy, confirmation
 * and delivery state and dead-letter queue; a message published from the page arriving
 * in a subscribed SQS queue and in the outbox; a failed delivery dead-lettered and shown;
 * a bad publish showing SNS's error. Screenshots go to test/output/ for review. And,
 * without a browser, the feed's topic snapshot: counts, confirmation, and a failing
 * endpoint's retry under way.
 */
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TopicDetail, TopicSummary } from '../src/console/topic-summary.js'
import { browserMissing, openBrowser, type TestBrowser } from './helpers/browser.js'
import { confirmedHttpSubscription, subscriber } from './helpers/http-subscriber.js'
import { drain, makeQueue, startTopicServer, topicName, type TopicTestServer } from './helpers/topics.js'

let s: TopicTestServer
beforeAll(async () => { s = await startTopicServer() })
afterAll(async () => { await s?.close() })

/** What a feed snapshot holds of topics (console-feed.ts). */
interface TopicFeed {
  readonly topics: TopicSummary[]
  readonly topic?: TopicDetail
}

/** The first snapshot of `GET /console/events` that passes `until`. */
async function feedUntil (query: string, until: (feed: TopicFeed) => boolean, timeoutMs = 10_000): Promise<TopicFeed> {
  const abort = new AbortController()
  const timer = setTimeout(() => abort.abort(), timeoutMs)
  try {
    const res = await fetch(`http://127.0.0.1:${s.server.httpPort}/console/events?${query}`, { signal: abort.signal })
    expect(res.headers.get('content-type')).toBe('text/event-stream')
    const decoder = new TextDecoder()
    let buffer = ''
    for await (const chunk of res.body!) {
      buffer += decoder.decode(chunk as Uint8Array, { stream: true })
      let end
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const event = buffer.slice(0, end)
        buffer = buffer.slice(end + 2)
        if (!event.startsWith('data: ')) continue
        const feed = JSON.parse(event.slice(6)) as TopicFeed
        if (until(feed)) return feed
      }
    }
    throw new Error('the feed ended')
  } finally {
    clearTimeout(timer)
    abort.abort()
  }
}

describe('the console feed\'s topics', () => {
  it('lists topics with their counts, and shows a failing endpoint\'s retry under way', async () => {
    const name = topicName('feed')
    // Retries 5 s apart: long enough to see the first one waiting.
    const policy = { http: { defaultHealthyRetryPolicy: { numRetries: 2, minDelayTarget: 5, maxDelayTarget: 5 } } }
    const { topicArn } = await s.topics.createTopic({ name, attributes: { DeliveryPolicy: JSON.stringify(policy) } })
    // An endpoint that answers every notification 503.
    const hook = await subscriber(() => 503)
    try {
      const subscriptionArn = await confirmedHttpSubscription(s.topics, topicArn, hook)
      await s.topics.subscribe({ topicArn, protocol: 'email-json', endpoint: 'someone@example.com' })
      await s.topics.publish({ topicArn, message: 'will not arrive' })
      const feed = await feedUntil(`topic=${name}`, (f) => f.topic?.subscriptions.some((sub) => sub.delivery?.retrying !== undefined) === true)
      expect(feed.topics.find((t) => t.name === name)).toEqual({ name, arn: topicArn, fifo: false, confirmed: 1, pending: 1, deleted: 0, published: 1 })
      const [http, email] = feed.topic!.subscriptions
      expect(http).toMatchObject({ arn: subscriptionArn, protocol: 'http', status: 'confirmed' })
      expect(http!.delivery).toMatchObject({ behind: 1, delivered: 0, failed: 0, failedAttempts: 1, retrying: { attempt: 1, of: 3 }, lastFailure: { code: 'HTTP 503' } })
      expect(email).toMatchObject({ protocol: 'email-json', status: 'PendingConfirmation', endpoint: 'someone@example.com' })
      expect(email!.delivery).toBeUndefined()
      // The email's confirmation request is the topic's one outbox entry.
      expect(feed.topic!.outbox).toHaveLength(1)
      expect(feed.topic!.outboxTotal).toBe(1)
      expect(feed.topic!.attributes.TopicArn).toBe(topicArn)
    } finally {
      await hook.close()
    }
    // A page that follows no topic gets the list only.
    const plain = await feedUntil('', () => true)
    expect(plain.topic).toBeUndefined()
    expect(plain.topics.some((t) => t.name === name)).toBe(true)
  }, 20_000)
})

describe('the console\'s topics view in Chromium', () => {
  const reason = browserMissing("the console's topics browser tests")

  let browser: TestBrowser | undefined
  let page: Page
  const base = (): string => `http://127.0.0.1:${s.server.httpPort}/console`
  const shot = async (name: string): Promise<void> => { await browser!.screenshot(`console-${name}`) }

  beforeAll(async () => {
    if (reason !== undefined) return
    browser = await openBrowser({ width: 1280, height: 1000 })
    page = browser.page
  }, 60_000)

  afterAll(async () => {
    await browser?.close()
  })

  it.skipIf(reason !== undefined)('shows subscriptions and their state, publishes from the page, and shows the delivery in the queue, the outbox and the dead-letter queue', async () => {
    const name = topicName('console')
    const { topicArn } = await s.topics.createTopic({ name })
    const blue = await makeQueue(s, topicName('blue'))
    const dlq = await makeQueue(s, topicName('dlq'))
    const gone = await makeQueue(s, topicName('gone'))
    const filterPolicy = JSON.stringify({ color: ['blue'] })
    const { subscriptionArn: blueArn } = await s.topics.subscribe({ topicArn, protocol: 'sqs', endpoint: blue.arn, attributes: { FilterPolicy: filterPolicy, RawMessageDelivery: 'true' } })
    const { subscriptionArn: goneArn } = await s.topics.subscribe({ topicArn, protocol: 'sqs', endpoint: gone.arn, attributes: { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn }) } })
    const { subscriptionArn: smsArn } = await s.topics.subscribe({ topicArn, protocol: 'sms', endpoint: '+15555550100' })
    await s.topics.subscribe({ topicArn, protocol: 'email', endpoint: 'learner@example.com' })
    // Its queue is gone: deliveries to it fail and go to the subscription's dead-letter queue.
    await s.queues.deleteQueue({ queueUrl: gone.queueUrl })

    await page.goto(`${base()}#/topics/${name}`)
    const row = (arn: string): string => `#subscriptions tr[data-subscription="${arn}"]`
    await page.waitForSelector(row(blueArn))
    const topicCells = async (): Promise<string[]> => await page.locator(`#topics tr[data-topic="${name}"] td`).allInnerTexts()
    expect((await topicCells()).slice(1)).toEqual(['3', '1', '0', '0'])
    expect(await page.locator(`${row(blueArn)} [data-field="status"]`).innerText()).toBe('confirmed')
    expect(await page.locator('#subscriptions tr[data-protocol="email"] [data-field="status"]').innerText()).toBe('PendingConfirmation')
    expect(await page.locator('#subscriptions tr[data-protocol="email"]').innerText()).toContain('waiting for ConfirmSubscription')
    expect(await page.locator(row(blueArn)).innerText()).toContain('"color":["blue"]')
    expect(await page.locator(`${row(goneArn)} [data-field="dlq"]`).innerText()).toBe(dlq.arn.split(':').pop())
    // The pending email subscription's confirmation request is in the outbox already.
    await page.waitForSelector('#outbox tr[data-message]')
    expect(await page.locator('#outbox').innerText()).toContain('learner@example.com')

    await page.fill('#publish-message', 'from the page')
    await page.fill('#publish-subject', 'Hello')
    await page.fill('#publish-attr-name', 'color')
    await page.fill('#publish-attr-value', 'blue')
    await page.click('#publish')
    await page.waitForSelector('#publish-form + div .ok')
    const messageId = (await page.locator('#publish-form + div .ok').innerText()).replace('published ', '')
    expect(messageId).toMatch(/^[0-9a-f-]{36}$/)

    // The message reaches the filtered queue, raw; the dead-letter queue gets the failed one.
    const [got] = await drain(s, blue.queueUrl, 1)
    expect(got?.body).toBe('from the page')
    const [dead] = await drain(s, dlq.queueUrl, 1)
    expect(JSON.parse(dead!.body)).toMatchObject({ Type: 'Notification', MessageId: messageId, Message: 'from the page' })
    expect(dead!.messageAttributes.ErrorCode?.stringValue).toBe('NonExistentQueue')

    // And the page shows it all, live.
    await expect.poll(async () => (await topicCells())[4], { timeout: 10_000 }).toBe('1')
    expect(await page.locator('#topic-count-published').innerText()).toBe('1')
    await expect.poll(async () => await page.locator(`${row(blueArn)} [data-field="delivered"]`).innerText(), { timeout: 10_000 }).toBe('1 delivered')
    expect(await page.locator(`${row(blueArn)} [data-field="behind"]`).innerText()).toBe('0 behind')
    await expect.poll(async () => await page.locator(`${row(goneArn)} [data-field="failed"]`).innerText(), { timeout: 10_000 }).toBe('1 failed')
    expect(await page.locator(`${row(goneArn)} [data-field="last-failure"]`).innerText()).toContain('NonExistentQueue')
    await expect.poll(async () => await page.locator(`#outbox tr[data-message="${messageId}"]`).count(), { timeout: 10_000 }).toBe(1)
    const outboxRow = await page.locator(`#outbox tr[data-message="${messageId}"] td`).allInnerTexts()
    expect(outboxRow.slice(1)).toEqual(['sms', '+15555550100', 'Hello', 'from the page'])
    expect(await page.locator(`${row(smsArn)} [data-field="delivered"]`).innerText()).toBe('1 delivered')

    // A bad publish shows SNS's own error, and publishes nothing.
    await page.fill('#publish-message', '')
    await page.click('#publish')
    await expect.poll(async () => await page.locator('#publish-form + div .error').innerText()).toContain('Invalid parameter: Empty message')
    await shot('topics')
    expect((await topicCells())[4]).toBe('1')
  }, 40_000)

  it.skipIf(reason !== undefined)('lists topics, and says so when the named one does not exist', async () => {
    await page.goto(`${base()}#/topics`)
    await page.waitForSelector('#topics tr[data-topic]')
    await page.goto(`${base()}#/topics/${topicName('missing')}`)
    await page.waitForSelector('#topic-detail .error')
    expect(await page.locator('#topic-detail .error').innerText()).toContain('does not exist')
  })
})
