/**
 * SQS with the clients people use, unchanged but for the endpoint: boto3 and the AWS CLI
 * as installed by default (current botocore: JSON 1.0), Debian's python3-boto3 1.26 and
 * awscli 2.9 (Query; .ci/run installs them where it can), and the npm libraries
 * sqs-producer and sqs-consumer moving 1,000 messages with none lost. Each part is skipped,
 * with the reason printed, where its tool is not installed.
 */
import { createHash } from 'node:crypto'
import { join } from 'node:path'
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs'
import { NodeHttpHandler } from '@smithy/node-http-handler'
import { Consumer } from 'sqs-consumer'
import { Producer } from 'sqs-producer'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { awsFailure, awsJson, findClis, findPythons, runPython } from './helpers/aws-tools.js'
import { REPO_ROOT } from './helpers/child-server.js'
import { queueName } from './helpers/queues.js'
import { startServer, type TestServer } from './helpers/server.js'

const PYTHONS = await findPythons()
const CLIS = await findClis()

let t: TestServer
let endpoint: string
beforeAll(async () => {
  t = await startServer({ limits: 'off' })
  endpoint = `http://127.0.0.1:${t.server.httpPort}`
})
afterAll(async () => { await t.close() })

describe.each(PYTHONS)('$label', (python) => {
  it.skipIf(python.version === undefined)(`runs an SQS lifecycle (boto3 ${python.version ?? 'absent'})`, async () => {
    const prefix = queueName('boto3')
    const out = JSON.parse(await runPython(python.file, [join(REPO_ROOT, 'test/helpers/sqs-boto3.py')], [endpoint, prefix])) as Record<string, unknown>
    // Debian's boto3 1.26 predates SQS JSON: it must have spoken Query.
    if (python.version?.startsWith('1.26.') === true) expect(out.protocol).toBe('query')
    else expect(out.protocol).toBe('json')
    expect(out.url).toBe(`${endpoint}/000000000000/${prefix}-std`)
    expect(out.md5BodyOk).toBe(true)
    expect(out.received).toEqual({ count: 1, bodyOk: true, md5Ok: true, attributes: ['bin', 'num', 'text'], bin: [0, 1, 255], text: 'v"\r', receiveCount: '1' })
    expect(out.deleteBatch).toEqual({ ok: ['ok'], failed: ['ReceiptHandleIsInvalid'] })
    expect(out.counts).toEqual({ ApproximateNumberOfMessages: '0', ApproximateNumberOfMessagesDelayed: '1' })
    expect(out.tags).toEqual({ team: 'q' })
    expect(out.dedup).toBe(true)
    expect(out.fifoBodies).toEqual(['once'])
    expect(out.error).toEqual({ code: 'AWS.SimpleQueueService.NonExistentQueue', status: 400 })
    expect(out.invalid).toEqual({ code: 'InvalidParameterValue', message: 'Value 1000 for parameter DelaySeconds is invalid. Reason: Must be >= 0 and <= 900, if provided.' })
    expect(out.listed).toEqual([`${endpoint}/000000000000/${prefix}-std`, `${endpoint}/000000000000/${prefix}.fifo`])
  }, 90_000)
})

describe.each(CLIS)('$label', (cli) => {
  const aws = (...args: string[]): Promise<Record<string, unknown>> => awsJson(cli.file, endpoint, 'sqs', ...args)

  it.skipIf(cli.version === undefined)(`creates a queue, sends, receives and deletes (${cli.version ?? 'absent'})`, async () => {
    const name = queueName('cli')
    const { QueueUrl } = await aws('create-queue', '--queue-name', name, '--attributes', 'VisibilityTimeout=40') as { QueueUrl: string }
    expect(QueueUrl).toBe(`${endpoint}/000000000000/${name}`)
    const body = 'from the "CLI" ünï'
    const sent = await aws('send-message', '--queue-url', QueueUrl, '--message-body', body, '--message-attributes', JSON.stringify({ kind: { DataType: 'String', StringValue: 'test' } }))
    expect(sent.MD5OfMessageBody).toBe(createHash('md5').update(body).digest('hex'))
    const { Messages } = await aws('receive-message', '--queue-url', QueueUrl, '--attribute-names', 'All', '--message-attribute-names', 'All') as { Messages: Array<{ Body: string, ReceiptHandle: string, MessageAttributes: Record<string, { StringValue: string }>, Attributes: Record<string, string> }> }
    expect(Messages).toHaveLength(1)
    expect(Messages[0]!.Body).toBe(body)
    expect(Messages[0]!.MessageAttributes.kind!.StringValue).toBe('test')
    expect(Messages[0]!.Attributes.SenderId).toBe('AKIDSHARDLINECLI')
    await aws('delete-message', '--queue-url', QueueUrl, '--receipt-handle', Messages[0]!.ReceiptHandle)
    const { Attributes } = await aws('get-queue-attributes', '--queue-url', QueueUrl, '--attribute-names', 'All') as { Attributes: Record<string, string> }
    expect(Attributes).toMatchObject({ VisibilityTimeout: '40', ApproximateNumberOfMessages: '0', ApproximateNumberOfMessagesNotVisible: '0' })
    const failed = await awsFailure(cli.file, endpoint, 'sqs', 'get-queue-url', '--queue-name', `${name}-missing`)
    expect(failed?.code).not.toBe(0)
    expect(failed?.stderr).toMatch(/AWS\.SimpleQueueService\.NonExistentQueue|QueueDoesNotExist/)
  }, 60_000)
})

describe('sqs-producer and sqs-consumer', () => {
  it('move 1,000 messages through a queue with none lost or duplicated', async () => {
    const sqs = new SQSClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'AKIDLIBS', secretAccessKey: 'x' }, requestHandler: new NodeHttpHandler() })
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: queueName('libs') }))
    const producer = Producer.create({ queueUrl: QueueUrl!, region: 'us-east-1', sqs, batchSize: 10 })
    const total = 1000
    const ids = Array.from({ length: total }, (_, i) => `m${i}`)
    for (let i = 0; i < total; i += 100) {
      await producer.send(ids.slice(i, i + 100).map((id) => ({ id, body: JSON.stringify({ id }), messageAttributes: { n: { DataType: 'Number', StringValue: id.slice(1) } } })))
    }
    const seen = new Map<string, number>()
    let resolveDone: () => void = () => {}
    const done = new Promise<void>((resolve) => { resolveDone = resolve })
    const consumer = Consumer.create({
      queueUrl: QueueUrl!,
      sqs,
      batchSize: 10,
      waitTimeSeconds: 1,
      messageAttributeNames: ['All'],
      handleMessageBatch: async (messages) => {
        for (const m of messages) {
          const id = (JSON.parse(m.Body!) as { id: string }).id
          expect(m.MessageAttributes?.n?.StringValue).toBe(id.slice(1))
          seen.set(id, (seen.get(id) ?? 0) + 1)
        }
        if (seen.size === total) resolveDone()
        return messages
      }
    })
    const errors: Error[] = []
    consumer.on('error', (err) => errors.push(err))
    consumer.on('processing_error', (err) => errors.push(err))
    consumer.start()
    await Promise.race([done, new Promise((resolve) => setTimeout(resolve, 60_000))])
    expect(errors).toEqual([])
    expect(seen.size).toBe(total)
    expect([...seen.values()].every((n) => n === 1)).toBe(true)
    // The consumer deletes each batch once handled; the last deletes may still be on their way.
    const counts = async (): Promise<Record<string, string> | undefined> => (await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }))).Attributes
    let left = await counts()
    for (let i = 0; i < 50 && left?.ApproximateNumberOfMessagesNotVisible !== '0'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100))
      left = await counts()
    }
    consumer.stop({ abort: true })
    expect(left).toEqual({ ApproximateNumberOfMessages: '0', ApproximateNumberOfMessagesNotVisible: '0' })
    sqs.destroy()
  }, 90_000)
})
