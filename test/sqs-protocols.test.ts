/**
 * Every SQS action, one table of cases run over the three transports (sqs-drivers.ts):
 * JSON 1.0 (the current AWS SDK), Query (AWS SDK 3.445.0) and gRPC (QueueClient). Each case
 * checks validation (the error's JSON name, Query code, HTTP status and message, as far as
 * the transport carries them) and behaviour: the lifecycle with attributes, delays,
 * message attributes of every type (the SDKs check the MD5s), visibility, batches with
 * per-entry failures, FIFO with content-based deduplication, dead-letter queues and move
 * tasks, tags, permissions, purge and paging.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ERROR_CODES, type ErrorCode, type ErrorSpec } from '../src/errors.js'
import { DRIVERS, sqsDriver, type DriverName, type Outcome, type Shape, type SqsDriver } from './helpers/sqs-drivers.js'
import { queueName } from './helpers/queues.js'
import { startServer, type TestServer } from './helpers/server.js'

let t: TestServer
beforeAll(async () => { t = await startServer() })
afterAll(async () => { await t.close() })

type Messages = Array<Shape & { Body: string, ReceiptHandle: string, MessageId: string, Attributes?: Record<string, string>, MessageAttributes?: Record<string, Shape> }>

class Run {
  constructor (readonly d: SqsDriver) {}

  async ok (action: string, input: Shape): Promise<Shape> {
    const outcome = await this.d.call(action, input)
    if (!outcome.ok) throw new Error(`${this.d.name} ${action} failed: ${JSON.stringify(outcome.error)}`)
    return outcome.output
  }

  /** Asserts the call fails with the catalogue `code`, in every name the transport carries. */
  async fails (action: string, input: Shape, code: ErrorCode, message?: RegExp): Promise<void> {
    const outcome: Outcome = await this.d.call(action, input)
    expect(outcome.ok, `${action} should fail with ${code}`).toBe(false)
    if (outcome.ok) return
    const spec: ErrorSpec = ERROR_CODES[code]
    const e = outcome.error
    if (e.code !== undefined) expect(e.code, e.message).toBe(code)
    if (e.awsType !== undefined) expect(e.awsType, e.message).toBe(spec.awsType)
    if (e.queryCode !== undefined) expect(e.queryCode, e.message).toBe(spec.queryCode ?? spec.awsType)
    if (e.status !== undefined) expect(e.status).toBe(spec.httpStatus)
    if (message !== undefined) expect(e.message).toMatch(message)
  }

  async queue (attributes: Record<string, string> = {}, fifo = false): Promise<string> {
    const name = queueName(this.d.name) + (fifo ? '.fifo' : '')
    return (await this.ok('CreateQueue', { QueueName: name, Attributes: { ...(fifo ? { FifoQueue: 'true' } : {}), ...attributes } })).QueueUrl as string
  }

  async receive (QueueUrl: string, extra: Shape = {}): Promise<Messages> {
    return ((await this.ok('ReceiveMessage', { QueueUrl, MaxNumberOfMessages: 10, ...extra })).Messages ?? []) as Messages
  }

  async attribute (QueueUrl: string, name: string): Promise<string | undefined> {
    return ((await this.ok('GetQueueAttributes', { QueueUrl, AttributeNames: [name] })).Attributes as Record<string, string> | undefined)?.[name]
  }
}

const bytes = (...values: number[]): Uint8Array => Uint8Array.from(values)

/** Binary values as every transport hands them back (Buffer, Uint8Array) compared by content. */
function binary (value: unknown): number[] {
  return [...(value as Uint8Array)]
}

async function eventually<T> (read: () => Promise<T>, done: (value: T) => boolean, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms
  for (;;) {
    const value = await read()
    if (done(value) || Date.now() > deadline) return value
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

interface Case { readonly name: string, run (r: Run, driver: DriverName): Promise<void> }

const CASES: Case[] = [
  {
    name: 'CreateQueue with attributes and tags, GetQueueUrl, GetQueueAttributes, and its refusals',
    async run (r) {
      const name = queueName(r.d.name)
      const { QueueUrl } = await r.ok('CreateQueue', { QueueName: name, Attributes: { VisibilityTimeout: '7', DelaySeconds: '1' }, tags: { team: 'a' } })
      expect(QueueUrl).toBe(`http://127.0.0.1:${t.server.httpPort}/000000000000/${name}`)
      // The same attributes: the same URL; a different value: QueueAlreadyExists naming it.
      expect((await r.ok('CreateQueue', { QueueName: name, Attributes: { VisibilityTimeout: '7' } })).QueueUrl).toBe(QueueUrl)
      await r.fails('CreateQueue', { QueueName: name, Attributes: { VisibilityTimeout: '8' } }, 'QUEUE_EXISTS', /VisibilityTimeout/)
      await r.fails('CreateQueue', { QueueName: 'bad name!' }, 'INVALID_PARAMETER_VALUE', /alphanumeric/)
      await r.fails('CreateQueue', { QueueName: queueName(), Attributes: { DelaySeconds: '901' } }, 'INVALID_ATTRIBUTE_VALUE', /DelaySeconds/)
      await r.fails('CreateQueue', { QueueName: queueName(), Attributes: { Bogus: '1' } }, 'INVALID_ATTRIBUTE_NAME', /Bogus/)
      await r.fails('CreateQueue', { QueueName: queueName(), Attributes: { ContentBasedDeduplication: 'true' } }, 'INVALID_ATTRIBUTE_NAME')
      await r.fails('CreateQueue', { QueueName: `${queueName()}.fifo` }, 'INVALID_PARAMETER_VALUE')
      expect((await r.ok('GetQueueUrl', { QueueName: name })).QueueUrl).toBe(QueueUrl)
      expect((await r.ok('GetQueueUrl', { QueueName: name, QueueOwnerAWSAccountId: '000000000000' })).QueueUrl).toBe(QueueUrl)
      await r.fails('GetQueueUrl', { QueueName: 'no-such-queue' }, 'QUEUE_NOT_FOUND', /does not exist/)
      const attributes = (await r.ok('GetQueueAttributes', { QueueUrl, AttributeNames: ['All'] })).Attributes as Record<string, string>
      expect(attributes).toMatchObject({ VisibilityTimeout: '7', DelaySeconds: '1', QueueArn: `arn:aws:sqs:us-east-1:000000000000:${name}`, ApproximateNumberOfMessages: '0' })
      await r.fails('GetQueueAttributes', { QueueUrl, AttributeNames: ['Nope'] }, 'INVALID_ATTRIBUTE_NAME')
      // AWS's own URL forms name the queue by account and name.
      expect(await r.attribute(`https://sqs.us-east-1.amazonaws.com/000000000000/${name}`, 'VisibilityTimeout')).toBe('7')
      expect(await r.attribute(`https://queue.amazonaws.com/000000000000/${name}`, 'VisibilityTimeout')).toBe('7')
      await r.fails('GetQueueAttributes', { QueueUrl: `${QueueUrl}-missing` }, 'QUEUE_NOT_FOUND')
    }
  },
  {
    name: 'SetQueueAttributes changes what it names and refuses a bad value, changing nothing',
    async run (r) {
      const QueueUrl = await r.queue()
      await r.ok('SetQueueAttributes', { QueueUrl, Attributes: { MaximumMessageSize: '2048', ReceiveMessageWaitTimeSeconds: '1' } })
      expect(await r.attribute(QueueUrl, 'MaximumMessageSize')).toBe('2048')
      await r.fails('SetQueueAttributes', { QueueUrl, Attributes: { MaximumMessageSize: '4096', VisibilityTimeout: '99999' } }, 'INVALID_ATTRIBUTE_VALUE', /VisibilityTimeout/)
      expect(await r.attribute(QueueUrl, 'MaximumMessageSize')).toBe('2048')
      await r.fails('SetQueueAttributes', { QueueUrl, Attributes: { QueueArn: 'x' } }, 'INVALID_ATTRIBUTE_NAME')
    }
  },
  {
    name: 'SendMessage with delay and message attributes (String, Number, Binary, custom types), ReceiveMessage selecting them',
    async run (r) {
      const QueueUrl = await r.queue()
      const body = 'quote " cr \r lf \n tab \t ünïcødé 😀 & <tag>'
      const sent = await r.ok('SendMessage', {
        QueueUrl,
        MessageBody: body,
        MessageAttributes: {
          text: { DataType: 'String', StringValue: 'a "b"\r' },
          price: { DataType: 'Number.float', StringValue: '3.14' },
          blob: { DataType: 'Binary.gzip', BinaryValue: bytes(0, 1, 2, 255) },
          'app.id': { DataType: 'String.uuid', StringValue: 'x' }
        },
        MessageSystemAttributes: { AWSTraceHeader: { DataType: 'String', StringValue: 'Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1' } }
      })
      expect(sent.MD5OfMessageBody).toMatch(/^[0-9a-f]{32}$/)
      expect(sent.MD5OfMessageAttributes).toMatch(/^[0-9a-f]{32}$/)
      expect(sent.MD5OfMessageSystemAttributes).toMatch(/^[0-9a-f]{32}$/)
      const [m] = await r.receive(QueueUrl, { AttributeNames: ['All'], MessageAttributeNames: ['All'], VisibilityTimeout: 0 })
      expect(m!.Body).toBe(body)
      expect(m!.MessageId).toBe(sent.MessageId)
      expect(m!.MD5OfBody).toBe(sent.MD5OfMessageBody)
      expect(m!.MD5OfMessageAttributes).toBe(sent.MD5OfMessageAttributes)
      expect(Object.keys(m!.MessageAttributes!).sort()).toEqual(['app.id', 'blob', 'price', 'text'])
      expect(m!.MessageAttributes!.text).toMatchObject({ DataType: 'String', StringValue: 'a "b"\r' })
      expect(m!.MessageAttributes!.price).toMatchObject({ DataType: 'Number.float', StringValue: '3.14' })
      expect(m!.MessageAttributes!.blob!.DataType).toBe('Binary.gzip')
      expect(binary(m!.MessageAttributes!.blob!.BinaryValue)).toEqual([0, 1, 2, 255])
      expect(m!.Attributes).toMatchObject({ ApproximateReceiveCount: '1', SenderId: expect.any(String), AWSTraceHeader: 'Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1' })
      // A subset: its own MD5, which the SDKs check against what they got.
      const [subset] = await r.receive(QueueUrl, { MessageAttributeNames: ['app.*', 'text'], AttributeNames: ['SentTimestamp'], VisibilityTimeout: 0 })
      expect(Object.keys(subset!.MessageAttributes!).sort()).toEqual(['app.id', 'text'])
      expect(Object.keys(subset!.Attributes!)).toEqual(['SentTimestamp'])
      expect(subset!.MD5OfMessageAttributes).not.toBe(sent.MD5OfMessageAttributes)
      const [none] = await r.receive(QueueUrl, { VisibilityTimeout: 0 })
      expect(none!.MessageAttributes).toBeUndefined()
      // A delayed message counts as delayed and is not received.
      await r.ok('SendMessage', { QueueUrl, MessageBody: 'later', DelaySeconds: 60 })
      expect(await r.attribute(QueueUrl, 'ApproximateNumberOfMessagesDelayed')).toBe('1')
      expect((await r.receive(QueueUrl, { VisibilityTimeout: 0 })).map((x) => x.Body)).toEqual([body])
    }
  },
  {
    name: 'SendMessage refusals: missing body, bad delay, too many attributes, bad characters, unknown queue',
    async run (r) {
      const QueueUrl = await r.queue()
      await r.fails('SendMessage', { QueueUrl, MessageBody: '' }, 'MISSING_PARAMETER', /MessageBody/)
      await r.fails('SendMessage', { QueueUrl, MessageBody: 'x', DelaySeconds: 901 }, 'INVALID_PARAMETER_VALUE', /DelaySeconds/)
      const eleven = Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`a${i}`, { DataType: 'String', StringValue: 'v' }]))
      await r.fails('SendMessage', { QueueUrl, MessageBody: 'x', MessageAttributes: eleven }, 'INVALID_PARAMETER_VALUE', /10/)
      await r.fails('SendMessage', { QueueUrl, MessageBody: 'x', MessageAttributes: { a: { DataType: 'Rubbish', StringValue: 'v' } } }, 'INVALID_PARAMETER_VALUE')
      await r.fails('SendMessage', { QueueUrl, MessageBody: 'bad \u0001 char' }, 'INVALID_MESSAGE_CONTENTS')
      await r.fails('SendMessage', { QueueUrl: `${QueueUrl}-gone`, MessageBody: 'x' }, 'QUEUE_NOT_FOUND')
      await r.fails('ReceiveMessage', { QueueUrl, MaxNumberOfMessages: 11 }, 'INVALID_PARAMETER_VALUE', /MaxNumberOfMessages/)
      await r.fails('ReceiveMessage', { QueueUrl, WaitTimeSeconds: 21 }, 'INVALID_PARAMETER_VALUE', /WaitTimeSeconds/)
      expect(await r.attribute(QueueUrl, 'ApproximateNumberOfMessages')).toBe('0')
    }
  },
  {
    name: 'ChangeMessageVisibility and DeleteMessage, with their receipt-handle refusals',
    async run (r) {
      const QueueUrl = await r.queue()
      await r.ok('SendMessage', { QueueUrl, MessageBody: 'm' })
      const [m] = await r.receive(QueueUrl, { VisibilityTimeout: 30 })
      expect(await r.attribute(QueueUrl, 'ApproximateNumberOfMessagesNotVisible')).toBe('1')
      await r.ok('ChangeMessageVisibility', { QueueUrl, ReceiptHandle: m!.ReceiptHandle, VisibilityTimeout: 0 })
      const [again] = await r.receive(QueueUrl, { VisibilityTimeout: 30 })
      expect(again!.MessageId).toBe(m!.MessageId)
      expect(again!.ReceiptHandle).not.toBe(m!.ReceiptHandle)
      await r.fails('ChangeMessageVisibility', { QueueUrl, ReceiptHandle: m!.ReceiptHandle, VisibilityTimeout: 10 }, 'MESSAGE_NOT_INFLIGHT')
      await r.fails('ChangeMessageVisibility', { QueueUrl, ReceiptHandle: again!.ReceiptHandle, VisibilityTimeout: 43_201 }, 'INVALID_PARAMETER_VALUE', /VisibilityTimeout/)
      await r.fails('DeleteMessage', { QueueUrl, ReceiptHandle: 'garbage' }, 'RECEIPT_HANDLE_INVALID')
      await r.fails('DeleteMessage', { QueueUrl, ReceiptHandle: '' }, 'MISSING_PARAMETER', /ReceiptHandle/)
      await r.ok('DeleteMessage', { QueueUrl, ReceiptHandle: again!.ReceiptHandle })
      expect(await r.attribute(QueueUrl, 'ApproximateNumberOfMessagesNotVisible')).toBe('0')
      expect(await r.receive(QueueUrl)).toEqual([])
    }
  },
  {
    name: 'SendMessageBatch, DeleteMessageBatch and ChangeMessageVisibilityBatch report failures per entry',
    async run (r) {
      const QueueUrl = await r.queue()
      const batch = await r.ok('SendMessageBatch', {
        QueueUrl,
        Entries: [
          { Id: 'a', MessageBody: 'one', MessageAttributes: { k: { DataType: 'Number', StringValue: '1' } } },
          { Id: 'b', MessageBody: 'two', DelaySeconds: 0 },
          { Id: 'c', MessageBody: 'bad \u0001 character' }
        ]
      })
      expect((batch.Successful as Shape[]).map((s) => s.Id).sort()).toEqual(['a', 'b'])
      expect(batch.Failed).toEqual([expect.objectContaining({ Id: 'c', Code: 'InvalidMessageContents', SenderFault: true })])
      await r.fails('SendMessageBatch', { QueueUrl, Entries: [{ Id: 'x', MessageBody: '1' }, { Id: 'x', MessageBody: '2' }] }, 'BATCH_IDS_NOT_DISTINCT')
      await r.fails('SendMessageBatch', { QueueUrl, Entries: [] }, 'EMPTY_BATCH')
      await r.fails('SendMessageBatch', { QueueUrl, Entries: Array.from({ length: 11 }, (_, i) => ({ Id: `e${i}`, MessageBody: 'x' })) }, 'TOO_MANY_ENTRIES')
      await r.fails('SendMessageBatch', { QueueUrl, Entries: [{ Id: 'bad id', MessageBody: 'x' }] }, 'INVALID_BATCH_ENTRY_ID')
      await r.fails('SendMessageBatch', { QueueUrl, Entries: [{ Id: 'a', MessageBody: 'x'.repeat(600_000) }, { Id: 'b', MessageBody: 'x'.repeat(600_000) }] }, 'BATCH_REQUEST_TOO_LONG')
      const got = await r.receive(QueueUrl, { VisibilityTimeout: 30 })
      expect(got.map((m) => m.Body).sort()).toEqual(['one', 'two'])
      const visibility = await r.ok('ChangeMessageVisibilityBatch', {
        QueueUrl,
        Entries: [{ Id: 'v1', ReceiptHandle: got[0]!.ReceiptHandle, VisibilityTimeout: 60 }, { Id: 'v2', ReceiptHandle: 'garbage', VisibilityTimeout: 1 }]
      })
      expect(visibility.Successful).toEqual([{ Id: 'v1' }])
      expect(visibility.Failed).toEqual([expect.objectContaining({ Id: 'v2', Code: 'ReceiptHandleIsInvalid', SenderFault: true })])
      const deleted = await r.ok('DeleteMessageBatch', {
        QueueUrl,
        Entries: [{ Id: 'd1', ReceiptHandle: got[0]!.ReceiptHandle }, { Id: 'd2', ReceiptHandle: got[1]!.ReceiptHandle }, { Id: 'd3', ReceiptHandle: 'garbage' }]
      })
      expect((deleted.Successful as Shape[]).map((s) => s.Id).sort()).toEqual(['d1', 'd2'])
      expect(deleted.Failed).toEqual([expect.objectContaining({ Id: 'd3', Code: 'ReceiptHandleIsInvalid' })])
      await r.fails('DeleteMessageBatch', { QueueUrl, Entries: [] }, 'EMPTY_BATCH')
      await r.fails('ChangeMessageVisibilityBatch', { QueueUrl, Entries: [{ Id: 'x', ReceiptHandle: 'h' }, { Id: 'x', ReceiptHandle: 'h' }] }, 'BATCH_IDS_NOT_DISTINCT')
      expect(await r.attribute(QueueUrl, 'ApproximateNumberOfMessagesNotVisible')).toBe('0')
    }
  },
  {
    name: 'FIFO: group order, content-based deduplication answering with the original, per-message delay refused',
    async run (r) {
      const QueueUrl = await r.queue({ ContentBasedDeduplication: 'true' }, true)
      const first = await r.ok('SendMessage', { QueueUrl, MessageBody: 'a1', MessageGroupId: 'a' })
      expect(first.SequenceNumber).toMatch(/^\d+$/)
      const dup = await r.ok('SendMessage', { QueueUrl, MessageBody: 'a1', MessageGroupId: 'a' })
      expect(dup.MessageId).toBe(first.MessageId)
      expect(dup.SequenceNumber).toBe(first.SequenceNumber)
      await r.ok('SendMessageBatch', { QueueUrl, Entries: [{ Id: '1', MessageBody: 'a2', MessageGroupId: 'a' }, { Id: '2', MessageBody: 'b1', MessageGroupId: 'b', MessageDeduplicationId: 'd-b1' }] })
      await r.fails('SendMessage', { QueueUrl, MessageBody: 'x' }, 'MISSING_PARAMETER', /MessageGroupId/)
      await r.fails('SendMessage', { QueueUrl, MessageBody: 'x', MessageGroupId: 'a', DelaySeconds: 5 }, 'INVALID_PARAMETER_VALUE', /DelaySeconds/)
      const got = await r.receive(QueueUrl, { AttributeNames: ['All'], VisibilityTimeout: 30 })
      expect(got.map((m) => m.Body)).toEqual(['a1', 'a2', 'b1'])
      expect(got[2]!.Attributes).toMatchObject({ MessageGroupId: 'b', MessageDeduplicationId: 'd-b1', SequenceNumber: expect.stringMatching(/^\d+$/) })
      // Groups in flight block their later messages.
      await r.ok('SendMessage', { QueueUrl, MessageBody: 'a3', MessageGroupId: 'a' })
      expect(await r.receive(QueueUrl)).toEqual([])
    }
  },
  {
    name: 'Dead-letter queues: RedrivePolicy, the move on the next receive, ListDeadLetterSourceQueues, message move tasks',
    async run (r) {
      const dlq = await r.queue()
      const dlqArn = (await r.attribute(dlq, 'QueueArn'))!
      const source = await r.queue({ RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 1 }) })
      await r.fails('SetQueueAttributes', { QueueUrl: source, Attributes: { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 0 }) } }, 'INVALID_PARAMETER_VALUE', /maxReceiveCount/)
      const sources = await r.ok('ListDeadLetterSourceQueues', { QueueUrl: dlq })
      expect(sources.queueUrls ?? sources.QueueUrls).toEqual([source])
      await r.ok('SendMessage', { QueueUrl: source, MessageBody: 'poison' })
      expect((await r.receive(source, { VisibilityTimeout: 0 })).map((m) => m.Body)).toEqual(['poison'])
      expect(await r.receive(source)).toEqual([])
      const moved = await r.receive(dlq, { VisibilityTimeout: 0, AttributeNames: ['All'] })
      expect(moved.map((m) => m.Body)).toEqual(['poison'])
      await r.fails('StartMessageMoveTask', { SourceArn: (await r.attribute(source, 'QueueArn'))! }, 'INVALID_PARAMETER_VALUE', /Dead Letter Queue/)
      await r.fails('StartMessageMoveTask', { SourceArn: 'arn:aws:sqs:us-east-1:000000000000:nope' }, 'QUEUE_RESOURCE_NOT_FOUND')
      const { TaskHandle } = await r.ok('StartMessageMoveTask', { SourceArn: dlqArn, MaxNumberOfMessagesPerSecond: 100 })
      expect(TaskHandle).toEqual(expect.any(String))
      const tasks = await eventually(async () => (await r.ok('ListMessageMoveTasks', { SourceArn: dlqArn, MaxResults: 10 })).Results as Shape[], (ts) => ts[0]?.Status === 'COMPLETED')
      expect(tasks[0]).toMatchObject({ Status: 'COMPLETED', SourceArn: dlqArn, ApproximateNumberOfMessagesMoved: 1 })
      expect(tasks[0]!.StartedTimestamp).toBeGreaterThan(Date.now() - 60_000)
      expect((await r.receive(source, { VisibilityTimeout: 0 })).map((m) => m.Body)).toEqual(['poison'])
      await r.fails('CancelMessageMoveTask', { TaskHandle: 'not-a-handle' }, 'INVALID_PARAMETER_VALUE')
      await r.fails('ListMessageMoveTasks', { SourceArn: dlqArn, MaxResults: 11 }, 'INVALID_PARAMETER_VALUE', /MaxResults/)
    }
  },
  {
    name: 'A running move task is listed with its handle and can be cancelled',
    async run (r) {
      const dlq = await r.queue()
      const dlqArn = (await r.attribute(dlq, 'QueueArn'))!
      const source = await r.queue({ RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 1 }) })
      await r.ok('SendMessageBatch', { QueueUrl: dlq, Entries: Array.from({ length: 10 }, (_, i) => ({ Id: `m${i}`, MessageBody: `m${i}` })) })
      const { TaskHandle } = await r.ok('StartMessageMoveTask', { SourceArn: dlqArn, DestinationArn: (await r.attribute(source, 'QueueArn'))!, MaxNumberOfMessagesPerSecond: 1 })
      const [running] = (await r.ok('ListMessageMoveTasks', { SourceArn: dlqArn })).Results as Shape[]
      expect(running).toMatchObject({ Status: 'RUNNING', TaskHandle })
      const cancelled = await r.ok('CancelMessageMoveTask', { TaskHandle })
      expect(cancelled.ApproximateNumberOfMessagesMoved).toBeLessThan(10)
    }
  },
  {
    name: 'TagQueue, UntagQueue and ListQueueTags',
    async run (r) {
      const QueueUrl = await r.queue()
      expect((await r.ok('ListQueueTags', { QueueUrl })).Tags).toBeUndefined()
      await r.ok('TagQueue', { QueueUrl, Tags: { env: 'test', team_name: 'q "x"' } })
      await r.ok('TagQueue', { QueueUrl, Tags: { extra: '' } })
      expect((await r.ok('ListQueueTags', { QueueUrl })).Tags).toEqual({ env: 'test', team_name: 'q "x"', extra: '' })
      await r.ok('UntagQueue', { QueueUrl, TagKeys: ['env', 'absent'] })
      expect((await r.ok('ListQueueTags', { QueueUrl })).Tags).toEqual({ team_name: 'q "x"', extra: '' })
      await r.fails('TagQueue', { QueueUrl, Tags: {} }, 'MISSING_PARAMETER', /Tags/)
      await r.fails('TagQueue', { QueueUrl, Tags: { k: 'v'.repeat(257) } }, 'INVALID_PARAMETER_VALUE')
    }
  },
  {
    name: 'AddPermission and RemovePermission keep the Policy attribute',
    async run (r) {
      const QueueUrl = await r.queue()
      await r.ok('AddPermission', { QueueUrl, Label: 'share', AWSAccountIds: ['444455556666'], Actions: ['SendMessage', 'ReceiveMessage'] })
      const policy = JSON.parse((await r.attribute(QueueUrl, 'Policy'))!) as { Statement: Array<{ Sid: string, Principal: unknown, Action: unknown }> }
      expect(policy.Statement).toEqual([expect.objectContaining({ Sid: 'share', Principal: { AWS: 'arn:aws:iam::444455556666:root' }, Action: ['SQS:SendMessage', 'SQS:ReceiveMessage'] })])
      await r.fails('AddPermission', { QueueUrl, Label: 'share', AWSAccountIds: ['444455556666'], Actions: ['SendMessage'] }, 'INVALID_PARAMETER_VALUE', /Already exists/)
      await r.fails('AddPermission', { QueueUrl, Label: 'other', AWSAccountIds: ['444455556666'], Actions: [] }, 'MISSING_PARAMETER', /Actions/)
      await r.ok('RemovePermission', { QueueUrl, Label: 'share' })
      expect(await r.attribute(QueueUrl, 'Policy')).toBeUndefined()
      await r.fails('RemovePermission', { QueueUrl, Label: 'share' }, 'INVALID_PARAMETER_VALUE', /can't find label/)
    }
  },
  {
    name: 'PurgeQueue removes the messages, and a second purge within 60 s is PurgeQueueInProgress',
    async run (r) {
      const QueueUrl = await r.queue()
      await r.ok('SendMessageBatch', { QueueUrl, Entries: [{ Id: '1', MessageBody: 'x' }, { Id: '2', MessageBody: 'y' }] })
      await r.ok('PurgeQueue', { QueueUrl })
      expect(await r.attribute(QueueUrl, 'ApproximateNumberOfMessages')).toBe('0')
      await r.fails('PurgeQueue', { QueueUrl }, 'PURGE_IN_PROGRESS')
      await r.ok('SendMessage', { QueueUrl, MessageBody: 'after' })
      expect((await r.receive(QueueUrl)).map((m) => m.Body)).toEqual(['after'])
    }
  },
  {
    name: 'ListQueues with a prefix and paging; DeleteQueue',
    async run (r) {
      const prefix = `${queueName(`list-${r.d.name}`)}-`
      const urls: string[] = []
      for (let i = 0; i < 5; i++) urls.push((await r.ok('CreateQueue', { QueueName: `${prefix}${i}` })).QueueUrl as string)
      const seen: string[] = []
      let NextToken: string | undefined
      do {
        const page = await r.ok('ListQueues', { QueueNamePrefix: prefix, MaxResults: 2, ...(NextToken === undefined ? {} : { NextToken }) })
        expect(((page.QueueUrls ?? []) as string[]).length).toBeLessThanOrEqual(2)
        seen.push(...((page.QueueUrls ?? []) as string[]))
        NextToken = page.NextToken as string | undefined
      } while (NextToken !== undefined)
      expect(seen.sort()).toEqual(urls.sort())
      await r.fails('ListQueues', { MaxResults: 1001 }, 'INVALID_PARAMETER_VALUE', /MaxResults/)
      await r.ok('DeleteQueue', { QueueUrl: urls[0]! })
      await r.fails('GetQueueUrl', { QueueName: `${prefix}0` }, 'QUEUE_NOT_FOUND')
      expect((await r.ok('ListQueues', { QueueNamePrefix: prefix })).QueueUrls).toEqual(urls.slice(1).sort())
      await r.fails('DeleteQueue', { QueueUrl: urls[0]! }, 'QUEUE_NOT_FOUND')
    }
  }
]

describe.each(DRIVERS)('SQS over %s', (name) => {
  let run: Run
  beforeAll(() => { run = new Run(sqsDriver(name, { httpPort: t.server.httpPort, grpcEndpoint: t.endpoint })) })
  afterAll(() => run.d.close())
  for (const c of CASES) it(c.name, async () => { await c.run(run, name) }, 30_000)
})
