/**
 * Lambda deliveries retry by the schedule AWS keeps for the endpoints it manages (three at
 * once, two 1 s apart, then backing off), not the HTTP default of three 20 s apart, so a
 * function that is briefly failing still gets its message within seconds; a function
 * shardline has no endpoint for is a client error, dead-lettered after one attempt.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { subscriber } from './helpers/http-subscriber.js'
import { drain, makeQueue, startTopicServer, topicName, type TopicTestServer } from './helpers/topics.js'

let calls = 0
const FAILURES = 5
let flaky: Awaited<ReturnType<typeof subscriber>>
let s: TopicTestServer
beforeAll(async () => {
  flaky = await subscriber(() => (++calls <= FAILURES ? 503 : 200))
  s = await startTopicServer({ lambdaEndpoints: { flaky: flaky.url } })
})
afterAll(async () => {
  await s.close()
  await flaky.close()
})

describe('Lambda retries', () => {
  it('try a failing function again at once, then a second apart, until it answers', async () => {
    const { topicArn } = await s.topics.createTopic({ name: topicName() })
    await s.topics.subscribe({ topicArn, protocol: 'lambda', endpoint: 'arn:aws:lambda:us-east-1:000000000000:function:flaky' })
    const { messageId } = await s.topics.publish({ topicArn, message: 'eventually' })
    await expect.poll(() => flaky.got.length, { timeout: 10_000 }).toBe(FAILURES + 1)
    const at = flaky.got.map((g) => g.at)
    // Attempts 1-4 back to back; 5 and 6 a second after the one before.
    expect(at[3]! - at[0]!).toBeLessThan(900)
    expect(at[4]! - at[3]!).toBeGreaterThanOrEqual(900)
    expect(at[5]! - at[4]!).toBeGreaterThanOrEqual(900)
    for (const g of flaky.got) expect(JSON.parse(g.body).Records[0].Sns.MessageId).toBe(messageId)
  })

  it('dead-letter a function without an endpoint after one attempt', async () => {
    const { topicArn } = await s.topics.createTopic({ name: topicName() })
    const dlq = await makeQueue(s, topicName('dlq'))
    await s.topics.subscribe({ topicArn, protocol: 'lambda', endpoint: 'arn:aws:lambda:us-east-1:000000000000:function:nowhere', attributes: { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn }) } })
    const started = Date.now()
    await s.topics.publish({ topicArn, message: 'lost' })
    const [dead] = await drain(s, dlq.queueUrl, 1)
    expect(Date.now() - started).toBeLessThan(3_000)
    expect(dead!.messageAttributes.ErrorCode?.stringValue).toBe('FunctionNotFound')
    expect(JSON.parse(dead!.body)).toMatchObject({ Message: 'lost' })
  })
})
