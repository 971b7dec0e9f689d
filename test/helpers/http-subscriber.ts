/**
 * An HTTP subscriber in the test process: records each POST (headers, body, arrival time)
 * and answers with `status()`; `confirm` subscribes it to a topic and confirms through the
 * SubscriptionConfirmation's SubscribeURL, as a real endpoint would.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { TopicClient } from '../../client/index.js'

export interface Received { headers: IncomingHttpHeaders, body: string, at: number }

export interface Subscriber {
  readonly url: string
  readonly got: Received[]
  /** Notifications only (no SubscriptionConfirmation). */
  notifications (): Received[]
  close (): Promise<void>
}

export async function subscriber (status: () => number = () => 200): Promise<Subscriber> {
  const got: Received[] = []
  const server: Server = createServer((req, res) => {
    let body = ''
    req.on('data', (c: Buffer) => { body += c.toString('utf8') })
    req.on('end', () => {
      got.push({ headers: req.headers, body, at: Date.now() })
      res.statusCode = status()
      res.end()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/hook`,
    got,
    notifications: () => got.filter((r) => r.headers['x-amz-sns-message-type'] === 'Notification'),
    close: () => new Promise((resolve) => server.close(() => resolve()))
  }
}

/** Subscribes `hook` to the topic and confirms it with a GET on SubscribeURL; returns the subscription ARN. */
export async function confirmedHttpSubscription (topics: TopicClient, topicArn: string, hook: Subscriber, attributes: Record<string, string> = {}): Promise<string> {
  const before = hook.got.length
  const { subscriptionArn } = await topics.subscribe({ topicArn, protocol: 'http', endpoint: hook.url, attributes, returnSubscriptionArn: true })
  const deadline = Date.now() + 5000
  let confirmation: Received | undefined
  while (confirmation === undefined && Date.now() < deadline) {
    confirmation = hook.got.slice(before).find((r) => r.headers['x-amz-sns-message-type'] === 'SubscriptionConfirmation')
    if (confirmation === undefined) await new Promise((resolve) => setTimeout(resolve, 20))
  }
  if (confirmation === undefined) throw new Error('no SubscriptionConfirmation arrived')
  const answer = await fetch((JSON.parse(confirmation.body) as { SubscribeURL: string }).SubscribeURL)
  if (answer.status !== 200) throw new Error(`SubscribeURL answered ${answer.status}`)
  return subscriptionArn
}
