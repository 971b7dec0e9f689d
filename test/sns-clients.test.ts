/**
 * SNS with the clients people use, unchanged but for the endpoint: boto3 under the default
 * python3 (current botocore) and Debian's python3-boto3 1.26, the AWS CLI on the PATH (v1)
 * and Debian's awscli 2.9. All of them speak SNS's Query protocol, the only one its models
 * have. Each client creates a topic and a queue, subscribes the queue by its ARN, sets
 * RawMessageDelivery and a filter policy, publishes with message attributes, receives what
 * the filter let through from the queue with the same client, lists the subscriptions and
 * deletes. Each part is skipped, with the reason printed, where its client is not installed.
 */
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { awsFailure, awsJson, findClis, findPythons, runPython } from './helpers/aws-tools.js'
import { REPO_ROOT } from './helpers/child-server.js'
import { startServer, type TestServer } from './helpers/server.js'
import { topicName } from './helpers/topics.js'

const PYTHONS = await findPythons()
const CLIS = await findClis()

let t: TestServer
let endpoint: string
beforeAll(async () => {
  t = await startServer({ limits: 'off' })
  endpoint = `http://127.0.0.1:${t.server.httpPort}`
})
afterAll(async () => { await t.close() })

const ACCOUNT = '000000000000'

describe.each(PYTHONS)('$label', (python) => {
  it.skipIf(python.version === undefined)(`fans a topic out into a queue, raw and filtered (boto3 ${python.version ?? 'absent'})`, async () => {
    const name = topicName('boto3')
    const out = JSON.parse(await runPython(python.file, [join(REPO_ROOT, 'test/helpers/sns-boto3.py')], [endpoint, name], 90_000)) as Record<string, unknown>
    const topic = `arn:aws:sns:us-east-1:${ACCOUNT}:${name}`
    const queueArn = `arn:aws:sqs:us-east-1:${ACCOUNT}:${name}`
    expect(out.protocol).toBe('query')
    expect(out.topic).toBe(topic)
    expect(out.subscription).toMatch(new RegExp(`^${topic}:[0-9a-f-]{36}$`))
    expect(out.envelope).toEqual({ Type: 'Notification', MessageId: expect.any(String), TopicArn: topic, Subject: 'hello', Message: 'enveloped', SignatureVersion: '1', idOk: true, attributes: { color: { Type: 'String', Value: 'red' } } })
    expect(out.subscriptionAttributes).toEqual({ RawMessageDelivery: 'true', Protocol: 'sqs', Endpoint: queueArn, TopicArn: topic, PendingConfirmation: 'false' })
    expect(out.filterPolicy).toEqual({ color: ['red'], size: [{ numeric: ['>', 10] }] })
    expect(out.batch).toEqual({ ok: ['no', 'yes'], failed: [] })
    // Of five publishes after the filter was set, only the one with color red and size > 10
    // arrives: the bare message, its attributes as the SQS message's.
    expect(out.raw).toEqual([{ body: 'raw "match" ü', attributes: { blob: [0, 255], color: 'red', size: '11' }, types: { blob: 'Binary', color: 'String', size: 'Number' } }])
    expect(out.listed).toEqual([{ SubscriptionArn: out.subscription, Owner: ACCOUNT, Protocol: 'sqs', Endpoint: queueArn, TopicArn: topic }])
    expect(out.listedByTopic).toEqual([out.subscription])
    expect(out.emptyResults).toEqual([[], [], [], []])
    expect(out.tags).toEqual([{ Key: 'stage', Value: 'dev' }])
    expect(out.queueUrlRefused).toBe('InvalidParameter')
    expect(out.afterUnsubscribe).toEqual([])
    expect(out.topicsLeft).toEqual([])
    expect(out.error).toEqual({ code: 'NotFound', status: 404 })
  }, 120_000)
})

describe.each(CLIS)('$label', (cli) => {
  const sns = (...args: string[]): Promise<Record<string, unknown>> => awsJson(cli.file, endpoint, 'sns', ...args)
  const sqs = (...args: string[]): Promise<Record<string, unknown>> => awsJson(cli.file, endpoint, 'sqs', ...args)

  interface Received { Body: string, MessageAttributes?: Record<string, { DataType: string, StringValue?: string }> }
  /** Long-polls until `want` messages arrived (or 10 s passed); they stay in flight (15 minutes) while the test runs. */
  async function receive (url: string, want: number): Promise<Received[]> {
    const got: Received[] = []
    const deadline = Date.now() + 10_000
    while (got.length < want && Date.now() < deadline) {
      const { Messages } = await sqs('receive-message', '--queue-url', url, '--max-number-of-messages', '10', '--wait-time-seconds', '1', '--visibility-timeout', '900', '--message-attribute-names', 'All') as { Messages?: Received[] }
      got.push(...(Messages ?? []))
    }
    return got
  }

  // A long timeout: each command starts a Python interpreter, seconds apiece on a busy machine.
  it.skipIf(cli.version === undefined)(`fans a topic out into a queue, raw and filtered (${cli.version ?? 'absent'})`, async () => {
    const name = topicName('cli')
    const { TopicArn } = await sns('create-topic', '--name', name) as { TopicArn: string }
    expect(TopicArn).toBe(`arn:aws:sns:us-east-1:${ACCOUNT}:${name}`)
    const { QueueUrl } = await sqs('create-queue', '--queue-name', name) as { QueueUrl: string }
    const { Attributes: { QueueArn } } = await sqs('get-queue-attributes', '--queue-url', QueueUrl, '--attribute-names', 'QueueArn') as { Attributes: { QueueArn: string } }
    const { SubscriptionArn } = await sns('subscribe', '--topic-arn', TopicArn, '--protocol', 'sqs', '--notification-endpoint', QueueArn, '--return-subscription-arn') as { SubscriptionArn: string }
    expect(SubscriptionArn).toMatch(new RegExp(`^${TopicArn}:[0-9a-f-]{36}$`))

    const enveloped = await sns('publish', '--topic-arn', TopicArn, '--message', 'enveloped', '--subject', 'S')
    const [first] = await receive(QueueUrl, 1)
    expect(JSON.parse(first!.Body)).toMatchObject({ Type: 'Notification', MessageId: enveloped.MessageId, TopicArn, Subject: 'S', Message: 'enveloped' })

    await sns('set-subscription-attributes', '--subscription-arn', SubscriptionArn, '--attribute-name', 'RawMessageDelivery', '--attribute-value', 'true')
    await sns('set-subscription-attributes', '--subscription-arn', SubscriptionArn, '--attribute-name', 'FilterPolicy', '--attribute-value', JSON.stringify({ kind: [{ prefix: 'ord' }] }))
    const { Attributes } = await sns('get-subscription-attributes', '--subscription-arn', SubscriptionArn) as { Attributes: Record<string, string> }
    expect(Attributes).toMatchObject({ RawMessageDelivery: 'true', FilterPolicy: JSON.stringify({ kind: [{ prefix: 'ord' }] }), Endpoint: QueueArn, Protocol: 'sqs' })

    // The filtered-out one first: delivery keeps publish order, so once the match arrived it was decided.
    const attributes = (kind: string): string => JSON.stringify({ kind: { DataType: 'String', StringValue: kind }, n: { DataType: 'Number', StringValue: '7' } })
    await sns('publish', '--topic-arn', TopicArn, '--message', 'a refund', '--message-attributes', attributes('refund'))
    await sns('publish', '--topic-arn', TopicArn, '--message', 'an "order" ü', '--message-attributes', attributes('order'))
    const raw = await receive(QueueUrl, 1)
    const { Messages: more } = await sqs('receive-message', '--queue-url', QueueUrl, '--wait-time-seconds', '0') as { Messages?: Received[] }
    expect(more ?? []).toEqual([])
    expect(raw.map((m) => [m.Body, m.MessageAttributes])).toEqual([['an "order" ü', { kind: { DataType: 'String', StringValue: 'order' }, n: { DataType: 'Number', StringValue: '7' } }]])

    const { Subscriptions } = await sns('list-subscriptions') as { Subscriptions: Array<Record<string, string>> }
    expect(Subscriptions.filter((s) => s.TopicArn === TopicArn)).toEqual([{ SubscriptionArn, Owner: ACCOUNT, Protocol: 'sqs', Endpoint: QueueArn, TopicArn }])

    await sns('unsubscribe', '--subscription-arn', SubscriptionArn)
    expect((await sns('list-subscriptions-by-topic', '--topic-arn', TopicArn)).Subscriptions).toEqual([])
    await sns('delete-topic', '--topic-arn', TopicArn)
    const failed = await awsFailure(cli.file, endpoint, 'sns', 'get-topic-attributes', '--topic-arn', TopicArn)
    expect(failed?.code).not.toBe(0)
    expect(failed?.stderr).toMatch(/\(NotFound\).*Topic does not exist/)
    await sqs('delete-queue', '--queue-url', QueueUrl)
  }, 240_000)
})
