/**
 * The SQS data plane over gRPC: SendMessage(Batch) with attributes and AWS's MD5s (checked
 * against digests AWS returned), the message rules and their messages, ReceiveMessage's
 * attribute selection, DeleteMessage(Batch), ChangeMessageVisibility(Batch), receipt
 * handles, and batch entries failing one by one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { expectCode } from './helpers/server.js'
import { queueName, startQueueServer, type QueueTestServer } from './helpers/queues.js'
import type { MessageAttributeValue } from '../client/index.js'

let t: QueueTestServer
beforeAll(async () => { t = await startQueueServer() })
afterAll(async () => { await t.close() })

async function queue (attributes: Record<string, string> = {}): Promise<string> {
  return (await t.queues.createQueue({ queueName: queueName('msg'), attributes })).queueUrl
}

const S = (stringValue: string, dataType = 'String'): MessageAttributeValue => ({ dataType, stringValue })

describe('MD5s, as AWS computes them', () => {
  it('matches the digests AWS returned for bodies and attribute sets', async () => {
    const queueUrl = await queue()
    const cases: Array<[Record<string, MessageAttributeValue>, string]> = [
      [{ General: S('Kenobi'), Hello: S('There'), 'Help.Me': S('Me') }, '4c360f3fdafd970e05fae2f149d997f5'],
      [{ Foo: S('Bar') }, 'ae7155c6026991b6d54b11589678bf9c'],
      [{ timestamp: S('1493147359900', 'Number') }, '235c5c510d26fb653d073faed50ae77c'],
      [{ attr1: { dataType: 'Binary', binaryValue: Buffer.from('traceparent\x1e00-774062d6c37081a5a0b9b5b88e30627c-2d2482211f6489da-01', 'latin1') } }, '8cbe4db156db8a94db8b801b7addb984'],
      [{ b: S('1'), B: S('2'), a: S('3') }, 'cd783096648921dba095ec2755c7ef34'],
      [{ price: S('3.14', 'Number.float'), blob: { dataType: 'Binary', binaryValue: Buffer.from([0, 1, 2, 255]) }, city: S('Zürich') }, '6b780fce622c5c8bb9d514ddfae585e1']
    ]
    for (const [messageAttributes, md5] of cases) {
      expect((await t.queues.sendMessage({ queueUrl, messageBody: 'message', messageAttributes })).md5OfMessageAttributes).toBe(md5)
    }
    const body = await t.queues.sendMessage({ queueUrl, messageBody: 'a"b\r\n😀' })
    expect(body.md5OfMessageBody).toBe('57f02a4b8f11219acb8c5087ca70b512')
    expect(body.md5OfMessageAttributes).toBeUndefined()
    const traced = await t.queues.sendMessage({ queueUrl, messageBody: 'x', messageSystemAttributes: { AWSTraceHeader: S('Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1') } })
    expect(traced.md5OfMessageSystemAttributes).toBe('5ae4d5d7636402d80f4eb6d213245a88')
  })

  it('returns only the attributes asked for on receive, with MD5OfMessageAttributes over exactly those', async () => {
    const queueUrl = await queue()
    await t.queues.sendMessage({ queueUrl, messageBody: 'm', messageAttributes: { General: S('Kenobi'), Hello: S('There'), 'Help.Me': S('Me') } })
    const receive = async (names: string[]): Promise<{ md5?: string, names: string[] }> => {
      const [m] = (await t.queues.receiveMessage({ queueUrl, messageAttributeNames: names, visibilityTimeout: 0 })).messages
      return { ...(m!.md5OfMessageAttributes === undefined ? {} : { md5: m!.md5OfMessageAttributes }), names: Object.keys(m!.messageAttributes).sort() }
    }
    expect(await receive(['All'])).toEqual({ md5: '4c360f3fdafd970e05fae2f149d997f5', names: ['General', 'Hello', 'Help.Me'] })
    expect(await receive(['.*'])).toEqual({ md5: '4c360f3fdafd970e05fae2f149d997f5', names: ['General', 'Hello', 'Help.Me'] })
    expect(await receive(['Hello', 'General'])).toEqual({ md5: 'fca026605781cb4126a1e9044df24232', names: ['General', 'Hello'] })
    expect(await receive(['Hello'])).toEqual({ md5: 'a311262e065454b75da111d535b8dacd', names: ['Hello'] })
    expect(await receive(['Hel.*'])).toEqual({ md5: '83fee93c1bcd8b9a5a923ffacdc636c7', names: ['Hello', 'Help.Me'] })
    expect(await receive([])).toEqual({ names: [] })
    expect(await receive(['AWS.bad', '..foo'])).toEqual({ names: [] })
  })
})

describe('SendMessage rules', () => {
  it('refuses an empty body, characters outside XML\'s set, and a message over MaximumMessageSize (body plus attributes)', async () => {
    const queueUrl = await queue({ MaximumMessageSize: '1024' })
    expect((await expectCode(t.queues.sendMessage({ queueUrl, messageBody: '' }), 'MISSING_PARAMETER')).message).toBe('The request must contain the parameter MessageBody.')
    for (const bad of ['\u0000', 'a\u0008b', '\uffff', '\ud800']) await expectCode(t.queues.sendMessage({ queueUrl, messageBody: bad }), 'INVALID_MESSAGE_CONTENTS')
    await t.queues.sendMessage({ queueUrl, messageBody: 'x'.repeat(1024 - 8), messageAttributes: { k: S('x') } })
    const over = await expectCode(t.queues.sendMessage({ queueUrl, messageBody: 'x'.repeat(1024 - 7), messageAttributes: { k: S('x') } }), 'INVALID_PARAMETER_VALUE')
    expect(over.message).toBe('One or more parameters are invalid. Reason: Message must be shorter than 1024 bytes.')
    await t.queues.sendMessage({ queueUrl, messageBody: '\t\n\r é 😀' })
  })

  it('checks message attributes: at most 10, names, data types, non-empty values, numbers', async () => {
    const queueUrl = await queue()
    const send = (messageAttributes: Record<string, MessageAttributeValue>): Promise<unknown> => t.queues.sendMessage({ queueUrl, messageBody: 'x', messageAttributes })
    const eleven = Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`a${i}`, S('v')]))
    expect((await expectCode(send(eleven), 'INVALID_PARAMETER_VALUE')).message).toBe('Number of message attributes [11] exceeds the allowed maximum [10].')
    expect((await expectCode(send({ ErrorDetails: S('') }), 'INVALID_PARAMETER_VALUE')).message).toBe('Message (user) attribute \'ErrorDetails\' must contain a non-empty value of type \'String\'.')
    for (const name of ['AWS.x', 'amazon.y', '.lead', 'trail.', 'a..b', 'bad!', 'x'.repeat(257)]) await expectCode(send({ [name]: S('v') }), 'INVALID_PARAMETER_VALUE')
    await expectCode(send({ n: S('not a number', 'Number') }), 'INVALID_PARAMETER_VALUE')
    await expectCode(send({ n: S('1', 'Integer') }), 'INVALID_PARAMETER_VALUE')
    await expectCode(send({ n: { dataType: 'Binary' } }), 'INVALID_PARAMETER_VALUE')
    await send({ 'attr.1øßä': S('ok'), n: S('-1.5e3', 'Number.float'), c: S('v', 'String.custom') })
    await expectCode(t.queues.sendMessage({ queueUrl, messageBody: 'x', messageSystemAttributes: { Other: S('v') } }), 'INVALID_PARAMETER_VALUE')
  })

  it('checks MessageGroupId and MessageDeduplicationId as AWS does; standard queues take a MessageGroupId and return it', async () => {
    const queueUrl = await queue()
    const err = await expectCode(t.queues.sendMessage({ queueUrl, messageBody: 'x', messageGroupId: 'group 123' }), 'INVALID_PARAMETER_VALUE')
    expect(err.message).toBe('Value group 123 for parameter MessageGroupId is invalid. Reason: MessageGroupId can only include alphanumeric and punctuation characters. 1 to 128 in length.')
    const empty = await expectCode(t.queues.sendMessage({ queueUrl, messageBody: 'x', messageGroupId: '' }), 'INVALID_PARAMETER_VALUE')
    expect(empty.message).toBe('Value  for parameter MessageGroupId is invalid. Reason: MessageGroupId can only include alphanumeric and punctuation characters. 1 to 128 in length.')
    await expectCode(t.queues.sendMessage({ queueUrl, messageBody: 'x', messageDeduplicationId: 'd' }), 'INVALID_PARAMETER_VALUE')
    await t.queues.sendMessage({ queueUrl, messageBody: 'fair', messageGroupId: 'tenant-1' })
    const [m] = (await t.queues.receiveMessage({ queueUrl, messageSystemAttributeNames: ['All'] })).messages
    expect(m!.attributes.MessageGroupId).toBe('tenant-1')
    expect(Object.keys(m!.attributes).sort()).toEqual(['ApproximateFirstReceiveTimestamp', 'ApproximateReceiveCount', 'MessageGroupId', 'SenderId', 'SentTimestamp'])
    const delay = await expectCode(t.queues.sendMessage({ queueUrl, messageBody: 'x', delaySeconds: 901 }), 'INVALID_PARAMETER_VALUE')
    expect(delay.message).toBe('Value 901 for parameter DelaySeconds is invalid. Reason: Must be >= 0 and <= 900, if provided.')
  })
})

describe('SendMessageBatch', () => {
  it('sends what it can and reports each failed entry', async () => {
    const queueUrl = await queue({ MaximumMessageSize: '1024' })
    const r = await t.queues.sendMessageBatch({
      queueUrl,
      entries: [
        { id: 'ok', messageBody: 'fine', messageAttributes: { k: S('x') } },
        { id: 'big', messageBody: 'x'.repeat(2000) },
        { id: 'bad', messageBody: '\u0001' },
        { id: 'plain', messageBody: 'also fine' }
      ]
    })
    expect(r.successful.map((s) => s.id)).toEqual(['ok', 'plain'])
    expect(r.successful[0]!.md5OfMessageAttributes).toBe('a45daa70926828a2f0a1db3418e6feb4')
    expect(r.successful[1]!.md5OfMessageAttributes).toBeUndefined()
    expect(r.failed).toEqual([
      { id: 'big', senderFault: true, code: 'InvalidParameterValue', message: 'One or more parameters cannot be validated. Reason: Message must be shorter than 1024 bytes.' },
      { id: 'bad', senderFault: true, code: 'InvalidMessageContents', message: expect.stringContaining('#x1') as unknown as string }
    ])
    expect((await t.queues.receiveMessage({ queueUrl, maxNumberOfMessages: 10 })).messages.map((m) => m.body).sort()).toEqual(['also fine', 'fine'])
  })

  it('fails the whole request for batch-level problems', async () => {
    const queueUrl = await queue()
    const twenty = Array.from({ length: 20 }, (_, i) => ({ id: `e${i}`, messageBody: 'x' }))
    expect((await expectCode(t.queues.sendMessageBatch({ queueUrl, entries: twenty }), 'TOO_MANY_ENTRIES')).message).toBe('Maximum number of entries per request are 10. You have sent 20.')
    await expectCode(t.queues.sendMessageBatch({ queueUrl, entries: [] }), 'EMPTY_BATCH')
    await expectCode(t.queues.sendMessageBatch({ queueUrl, entries: [{ id: 'a', messageBody: 'x' }, { id: 'a', messageBody: 'y' }] }), 'BATCH_IDS_NOT_DISTINCT')
    for (const id of ['', 'x'.repeat(81), 'invalid:id']) {
      const err = await expectCode(t.queues.sendMessageBatch({ queueUrl, entries: [{ id, messageBody: 'x' }] }), 'INVALID_BATCH_ENTRY_ID')
      expect(err.message).toBe('A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long.')
    }
    const big = Array.from({ length: 2 }, (_, i) => ({ id: `e${i}`, messageBody: 'x'.repeat(524_288 + (i === 0 ? 1 : 0)) }))
    expect((await expectCode(t.queues.sendMessageBatch({ queueUrl, entries: big }), 'BATCH_REQUEST_TOO_LONG')).message).toBe('Batch requests cannot be longer than 1048576 bytes. You have sent 1048577 bytes.')
    const { attributes } = await t.queues.getQueueAttributes({ queueUrl, attributeNames: ['ApproximateNumberOfMessages'] })
    expect(attributes.ApproximateNumberOfMessages).toBe('0')
  })
})

describe('ReceiveMessage', () => {
  it('validates its parameters in AWS\'s words', async () => {
    const queueUrl = await queue()
    expect((await expectCode(t.queues.receiveMessage({ queueUrl, maxNumberOfMessages: 11 }), 'INVALID_PARAMETER_VALUE')).message).toBe('Value 11 for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided.')
    expect((await expectCode(t.queues.receiveMessage({ queueUrl, maxNumberOfMessages: 0 }), 'INVALID_PARAMETER_VALUE')).message).toBe('Value 0 for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided.')
    expect((await expectCode(t.queues.receiveMessage({ queueUrl, waitTimeSeconds: 21 }), 'INVALID_PARAMETER_VALUE')).message).toBe('Value 21 for parameter WaitTimeSeconds is invalid. Reason: Must be >= 0 and <= 20, if provided.')
    expect((await expectCode(t.queues.receiveMessage({ queueUrl, waitTimeSeconds: -1 }), 'INVALID_PARAMETER_VALUE')).message).toBe('Value -1 for parameter WaitTimeSeconds is invalid. Reason: Must be >= 0 and <= 20, if provided.')
    await expectCode(t.queues.receiveMessage({ queueUrl, visibilityTimeout: 43_201 }), 'INVALID_PARAMETER_VALUE')
    expect((await expectCode(t.queues.receiveMessage({ queueUrl: '' }), 'MISSING_PARAMETER')).message).toBe('The request must contain the parameter QueueUrl.')
  })

  it('returns the system attributes asked for, by either member, All meaning all', async () => {
    const queueUrl = await queue()
    await t.queues.sendMessage({ queueUrl, messageBody: 'x', messageSystemAttributes: { AWSTraceHeader: S('Root=1-abc') } })
    const [a] = (await t.queues.receiveMessage({ queueUrl, attributeNames: ['SentTimestamp'], messageSystemAttributeNames: ['ApproximateReceiveCount'], visibilityTimeout: 0 })).messages
    expect(Object.keys(a!.attributes).sort()).toEqual(['ApproximateReceiveCount', 'SentTimestamp'])
    const [b] = (await t.queues.receiveMessage({ queueUrl, attributeNames: ['All'] })).messages
    expect(b!.attributes).toMatchObject({ SenderId: '000000000000', ApproximateReceiveCount: '2', AWSTraceHeader: 'Root=1-abc' })
    expect(Number(b!.attributes.SentTimestamp)).toBeGreaterThan(1_600_000_000_000)
  })
})

describe('DeleteMessage, ChangeMessageVisibility and their batches', () => {
  it('refuses receipt handles this queue did not issue', async () => {
    const queueUrl = await queue()
    const err = await expectCode(t.queues.deleteMessage({ queueUrl, receiptHandle: 'garbage' }), 'RECEIPT_HANDLE_INVALID')
    expect(err.message).toBe('The input receipt handle "garbage" is not a valid receipt handle.')
    expect(err.awsType).toBe('ReceiptHandleIsInvalid')
    const other = await queue()
    await t.queues.sendMessage({ queueUrl: other, messageBody: 'x' })
    const [m] = (await t.queues.receiveMessage({ queueUrl: other })).messages
    await expectCode(t.queues.deleteMessage({ queueUrl, receiptHandle: m!.receiptHandle }), 'RECEIPT_HANDLE_INVALID')
    await expectCode(t.queues.deleteMessage({ queueUrl, receiptHandle: m!.receiptHandle.slice(0, -2) + (m!.receiptHandle.endsWith('AA') ? 'AB' : 'AA') }), 'RECEIPT_HANDLE_INVALID')
    await expectCode(t.queues.changeMessageVisibility({ queueUrl, receiptHandle: 'garbage', visibilityTimeout: 1 }), 'RECEIPT_HANDLE_INVALID')
  })

  it('deletes and changes visibility per entry, reporting failures in Failed', async () => {
    const queueUrl = await queue()
    await t.queues.sendMessageBatch({ queueUrl, entries: ['a', 'b', 'c'].map((b) => ({ id: b, messageBody: b })) })
    const messages = (await t.queues.receiveMessage({ queueUrl, maxNumberOfMessages: 10 })).messages
    expect(messages).toHaveLength(3)
    const changed = await t.queues.changeMessageVisibilityBatch({
      queueUrl,
      entries: [{ id: 'x', receiptHandle: messages[0]!.receiptHandle, visibilityTimeout: 0 }, { id: 'y', receiptHandle: 'nope', visibilityTimeout: 5 }]
    })
    expect(changed.successful).toEqual([{ id: 'x' }])
    expect(changed.failed).toEqual([{ id: 'y', senderFault: true, code: 'ReceiptHandleIsInvalid', message: 'The input receipt handle "nope" is not a valid receipt handle.' }])
    const deleted = await t.queues.deleteMessageBatch({
      queueUrl,
      entries: [{ id: 'one', receiptHandle: messages[1]!.receiptHandle }, { id: 'two', receiptHandle: messages[2]!.receiptHandle }, { id: 'bad', receiptHandle: 'garbage' }]
    })
    expect(deleted.successful).toEqual([{ id: 'one' }, { id: 'two' }])
    expect(deleted.failed.map((f) => [f.id, f.code])).toEqual([['bad', 'ReceiptHandleIsInvalid']])
    expect((await t.queues.receiveMessage({ queueUrl, maxNumberOfMessages: 10 })).messages.map((m) => m.body)).toEqual([messages[0]!.body])
    await expectCode(t.queues.deleteMessageBatch({ queueUrl, entries: [] }), 'EMPTY_BATCH')
    await expectCode(t.queues.changeMessageVisibilityBatch({ queueUrl, entries: [{ id: 'a', receiptHandle: 'x' }, { id: 'a', receiptHandle: 'y' }] }), 'BATCH_IDS_NOT_DISTINCT')
  })
})
