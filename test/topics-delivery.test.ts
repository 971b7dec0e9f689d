/**
 * Publishing and delivery into SQS over gRPC: fan-out, the JSON envelope and its real
 * signatures (verified with Node's crypto against the certificate from SigningCertURL),
 * raw delivery, MessageStructure json, PublishBatch, FIFO order and deduplication,
 * Unsubscribe, and dead-lettering.
 */
import { createVerify, X509Certificate } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { expectCode } from './helpers/server.js'
import { drain, makeQueue, startTopicServer, topicName, type TopicTestServer } from './helpers/topics.js'

let s: TopicTestServer
beforeAll(async () => { s = await startTopicServer() })
afterAll(async () => { await s.close() })

/** AWS's documented check: rebuild the string to sign, verify it with the certificate's key. */
function verifies (message: Record<string, string>, pem: string): boolean {
  const fields = message.Type === 'Notification'
    ? ['Message', 'MessageId', 'Subject', 'Timestamp', 'TopicArn', 'Type']
    : ['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type']
  const text = fields.filter((f) => message[f] !== undefined).map((f) => `${f}\n${message[f]}\n`).join('')
  const verify = createVerify(message.SignatureVersion === '2' ? 'RSA-SHA256' : 'RSA-SHA1')
  verify.update(text, 'utf8')
  return verify.verify(new X509Certificate(pem).publicKey, message.Signature!, 'base64')
}

describe('fan-out to SQS', () => {
  it('delivers each message exactly once to each of three queues, in order', async () => {
    const { topicArn } = await s.topics.createTopic({ name: topicName() })
    const queues = await Promise.all([0, 1, 2].map(() => makeQueue(s, topicName('q'))))
    for (const q of queues) await s.topics.subscribe({ topicArn, protocol: 'sqs', endpoint: q.arn, attributes: { RawMessageDelivery: 'true' } })
    const sent: string[] = []
    for (let i = 0; i < 30; i++) {
      sent.push(`m${i}`)
      await s.topics.publish({ topicArn, message: `m${i}` })
    }
    for (const q of queues) {
      const got = await drain(s, q.queueUrl, 30)
      expect(got.map((m) => m.body).sort()).toEqual([...sent].sort())
      // Nothing more arrives: exactly once.
      const { messages } = await s.queues.receiveMessage({ queueUrl: q.queueUrl, waitTimeSeconds: 1 })
      expect(messages).toEqual([])
    }
  })

  it('wraps the message in a signed envelope whose signature verifies (SignatureVersion 1 and 2)', async () => {
    for (const version of ['1', '2']) {
      const { topicArn } = await s.topics.createTopic({ name: topicName(), attributes: { SignatureVersion: version } })
      const q = await makeQueue(s, topicName('q'))
      const { subscriptionArn } = await s.topics.subscribe({ topicArn, protocol: 'sqs', endpoint: q.arn })
      const { messageId } = await s.topics.publish({ topicArn, message: 'signed body', subject: 'Greetings', messageAttributes: { color: { dataType: 'String', stringValue: 'blue' }, n: { dataType: 'Number', stringValue: '7' } } })
      const [got] = await drain(s, q.queueUrl, 1)
      const envelope = JSON.parse(got!.body)
      expect(Object.keys(envelope)).toEqual(['Type', 'MessageId', 'TopicArn', 'Subject', 'Message', 'Timestamp', 'SignatureVersion', 'Signature', 'SigningCertURL', 'UnsubscribeURL', 'MessageAttributes'])
      expect(envelope).toMatchObject({ Type: 'Notification', MessageId: messageId, TopicArn: topicArn, Subject: 'Greetings', Message: 'signed body', SignatureVersion: version })
      expect(envelope.MessageAttributes).toEqual({ color: { Type: 'String', Value: 'blue' }, n: { Type: 'Number', Value: '7' } })
      expect(envelope.SigningCertURL.startsWith(s.httpOrigin)).toBe(true)
      const pem = await (await fetch(envelope.SigningCertURL)).text()
      expect(verifies(envelope, pem)).toBe(true)
      expect(verifies({ ...envelope, Message: 'tampered' }, pem)).toBe(false)
      // The ARN as it is, not percent-encoded, as AWS writes it.
      expect(envelope.UnsubscribeURL).toContain(`/?Action=Unsubscribe&SubscriptionArn=${subscriptionArn}`)
    }
  })

  it('raw delivery: the bare message, with message attributes as SQS message attributes', async () => {
    const { topicArn } = await s.topics.createTopic({ name: topicName() })
    const q = await makeQueue(s, topicName('q'))
    await s.topics.subscribe({ topicArn, protocol: 'sqs', endpoint: q.arn, attributes: { RawMessageDelivery: 'true' } })
    await s.topics.publish({ topicArn, message: '{"raw":true}', messageAttributes: { kind: { dataType: 'String', stringValue: 'order' }, list: { dataType: 'String.Array', stringValue: '["a","b"]' }, bin: { dataType: 'Binary', binaryValue: Buffer.from([1, 2, 3]) } } })
    const [got] = await drain(s, q.queueUrl, 1)
    expect(got!.body).toBe('{"raw":true}')
    expect(got!.messageAttributes.kind).toEqual({ dataType: 'String', stringValue: 'order' })
    expect(got!.messageAttributes.list).toEqual({ dataType: 'String', stringValue: '["a","b"]' })
    expect(Buffer.from(got!.messageAttributes.bin!.binaryValue!)).toEqual(Buffer.from([1, 2, 3]))
  })

  it('MessageStructure json: each protocol gets its own entry, or the default', async () => {
    const { topicArn } = await s.topics.createTopic({ name: topicName() })
    const q = await makeQueue(s, topicName('q'))
    await s.topics.subscribe({ topicArn, protocol: 'sqs', endpoint: q.arn, attributes: { RawMessageDelivery: 'true' } })
    await s.topics.publish({ topicArn, messageStructure: 'json', message: JSON.stringify({ default: 'for all', sqs: 'for queues' }) })
    expect((await drain(s, q.queueUrl, 1))[0]!.body).toBe('for queues')
    // A protocol's entry that is not a string is passed over for the default, as AWS does.
    await s.topics.publish({ topicArn, messageStructure: 'json', message: JSON.stringify({ default: 'default field', sqs: { field: 'value' } }) })
    expect((await drain(s, q.queueUrl, 1))[0]!.body).toBe('default field')
    await expectCode(s.topics.publish({ topicArn, messageStructure: 'json', message: '{"sqs":"x"}' }), 'SNS_INVALID_PARAMETER')
    // A default that is not a string is no default.
    await expectCode(s.topics.publish({ topicArn, messageStructure: 'json', message: JSON.stringify({ default: { object: 'test' } }) }), 'SNS_INVALID_PARAMETER')
    await expectCode(s.topics.publish({ topicArn, messageStructure: 'json', message: 'not json' }), 'SNS_INVALID_PARAMETER')
  })

  it('a message published before a subscription is not delivered to it; Unsubscribe stops delivery', async () => {
    const { topicArn } = await s.topics.createTopic({ name: topicName() })
    const q = await makeQueue(s, topicName('q'))
    await s.topics.publish({ topicArn, message: 'before' })
    const { subscriptionArn } = await s.topics.subscribe({ topicArn, protocol: 'sqs', endpoint: q.arn, attributes: { RawMessageDelivery: 'true' } })
    await s.topics.publish({ topicArn, message: 'during' })
    expect((await drain(s, q.queueUrl, 1)).map((m) => m.body)).toEqual(['during'])
    await s.topics.unsubscribe({ subscriptionArn })
    await s.topics.publish({ topicArn, message: 'after' })
    const { messages } = await s.queues.receiveMessage({ queueUrl: q.queueUrl, waitTimeSeconds: 1 })
    expect(messages).toEqual([])
  })

  it('a subscription whose queue does not exist dead-letters into its RedrivePolicy queue', async () => {
    const { topicArn } = await s.topics.createTopic({ name: topicName() })
    const dlq = await makeQueue(s, topicName('dlq'))
    const missing = 'arn:aws:sqs:us-east-1:000000000000:never-made'
    await s.topics.subscribe({ topicArn, protocol: 'sqs', endpoint: missing, attributes: { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn }) } })
    const { messageId } = await s.topics.publish({ topicArn, message: 'lost' })
    const [got] = await drain(s, dlq.queueUrl, 1)
    expect(JSON.parse(got!.body)).toMatchObject({ MessageId: messageId, Message: 'lost' })
    expect(got!.messageAttributes.ErrorCode).toEqual({ dataType: 'String', stringValue: 'NonExistentQueue' })
  })

  it('a delivery SQS would refuse (over 10 attributes raw, or over the queue\'s MaximumMessageSize) is a client error: dead-lettered, not retried', async () => {
    const { topicArn } = await s.topics.createTopic({ name: topicName() })
    const dlq = await makeQueue(s, topicName('dlq'))
    const q = await makeQueue(s, topicName('q'), { MaximumMessageSize: '1024' })
    await s.topics.subscribe({ topicArn, protocol: 'sqs', endpoint: q.arn, attributes: { RawMessageDelivery: 'true', RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn }) } })
    const attrs = (n: number): Record<string, { dataType: string, stringValue: string }> => Object.fromEntries(Array.from({ length: n }, (_, i) => [`a${i}`, { dataType: 'String', stringValue: 'v' }]))
    await s.topics.publish({ topicArn, message: 'eleven', messageAttributes: attrs(11) })
    await s.topics.publish({ topicArn, message: 'x'.repeat(1025) })
    await s.topics.publish({ topicArn, message: 'ten', messageAttributes: attrs(10) })
    const got = await drain(s, q.queueUrl, 2, 1500)
    expect(got.map((m) => m.body)).toEqual(['ten'])
    expect(Object.keys(got[0]!.messageAttributes)).toHaveLength(10)
    const dead = await drain(s, dlq.queueUrl, 2)
    expect(dead.map((m) => [m.body.slice(0, 6), m.messageAttributes.ErrorCode?.stringValue, m.messageAttributes.ErrorMessage?.stringValue]).sort()).toEqual([
      ['eleven', 'InvalidParameterValue', 'Number of message attributes [11] exceeds the allowed maximum [10].'],
      ['xxxxxx', 'InvalidParameterValue', 'One or more parameters are invalid. Reason: Message must be shorter than 1024 bytes.']
    ])
  })

  it('a FIFO subscription dead-letters with the publish\'s own deduplication id', async () => {
    const { topicArn } = await s.topics.createTopic({ name: `${topicName()}.fifo`, attributes: { FifoTopic: 'true' } })
    const dlq = await makeQueue(s, `${topicName('dlq')}.fifo`, { FifoQueue: 'true' })
    const missing = `arn:aws:sqs:us-east-1:000000000000:${topicName('never')}.fifo`
    await s.topics.subscribe({ topicArn, protocol: 'sqs', endpoint: missing, attributes: { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn }) } })
    await s.topics.publish({ topicArn, message: 'lost', messageGroupId: 'g', messageDeduplicationId: 'MessageDeduplicationId-1' })
    const deadline = Date.now() + 10_000
    let messages: Array<{ attributes: Record<string, string> }> = []
    while (messages.length === 0 && Date.now() < deadline) {
      messages = (await s.queues.receiveMessage({ queueUrl: dlq.queueUrl, waitTimeSeconds: 1, messageSystemAttributeNames: ['All'] })).messages
    }
    expect(messages[0]?.attributes).toMatchObject({ MessageDeduplicationId: 'MessageDeduplicationId-1', MessageGroupId: 'g' })
  })
})

describe('Publish and PublishBatch', () => {
  it('refuses what AWS refuses and publishes nothing', async () => {
    const { topicArn } = await s.topics.createTopic({ name: topicName(), attributes: { MaximumMessageSize: '1024' } })
    const q = await makeQueue(s, topicName('q'))
    await s.topics.subscribe({ topicArn, protocol: 'sqs', endpoint: q.arn })
    expect((await expectCode(s.topics.publish({ topicArn, message: '' }), 'SNS_INVALID_PARAMETER')).message).toBe('Invalid parameter: Empty message')
    expect((await expectCode(s.topics.publish({ topicArn, message: 'x'.repeat(1025) }), 'SNS_INVALID_PARAMETER')).message).toBe('Invalid parameter: Message too long')
    await expectCode(s.topics.publish({ topicArn, message: 'x', subject: 'line\nbreak' }), 'SNS_INVALID_PARAMETER')
    await expectCode(s.topics.publish({ topicArn, message: 'x', messageDeduplicationId: 'd' }), 'SNS_INVALID_PARAMETER')
    const num = await expectCode(s.topics.publish({ topicArn, message: 'x', messageAttributes: { n: { dataType: 'Number', stringValue: 'abc' } } }), 'SNS_INVALID_PARAMETER_VALUE')
    expect(num.message).toBe("Invalid parameter: MessageAttributes Reason: Could not cast message attribute 'n' value to number.")
    await expectCode(s.topics.publish({ topicArn, message: 'x', messageAttributes: { t: { dataType: 'Weird', stringValue: 'v' } } }), 'SNS_INVALID_PARAMETER_VALUE')
    // AWS's texts for bad attribute names and values, recorded from AWS by LocalStack.
    const refusals: Array<[Record<string, { dataType: string, stringValue?: string, binaryValue?: Uint8Array }>, string]> = [
      [{ ['a'.repeat(257)]: { dataType: 'String', stringValue: '1' } }, 'Length of message attribute name must be less than 256 bytes.'],
      [{ 'a^*?': { dataType: 'String', stringValue: '1' } }, "Invalid non-alphanumeric character '#x5E' was found in the message attribute name. Can only include alphanumeric characters, hyphens, underscores, or dots."],
      [{ '.abc': { dataType: 'String', stringValue: '1' } }, "Invalid message attribute name starting with character '.' was found."],
      [{ 'abc.': { dataType: 'String', stringValue: '1' } }, "Invalid message attribute name ending with character '.' was found."],
      [{ 'a..bc': { dataType: 'String', stringValue: '1' } }, "Message attribute name can not have successive '.' character."],
      [{ attr1: { dataType: 'String.', stringValue: 'v' } }, "The message attribute 'attr1' has an invalid message attribute type, the set of supported type prefixes is Binary, Number, and String."],
      [{ attr1: { dataType: 'String', binaryValue: Buffer.from('123') } }, "The message attribute 'attr1' with type 'String' must use field 'String'."],
      [{ attr1: { dataType: 'Binary', stringValue: '123' } }, "The message attribute 'attr1' with type 'Binary' must use field 'Binary'."],
      [{ attr1: { dataType: 'String', stringValue: '' } }, "The message attribute 'attr1' must contain non-empty message attribute value for message attribute type 'String'."]
    ]
    for (const [messageAttributes, text] of refusals) {
      expect((await expectCode(s.topics.publish({ topicArn, message: 'x', messageAttributes }), 'SNS_INVALID_PARAMETER_VALUE')).message).toBe(text)
    }
    expect((await expectCode(s.topics.publish({ message: 'x' }), 'SNS_INVALID_PARAMETER')).message).toBe('Invalid parameter: TopicArn or TargetArn Reason: no value for required parameter')
    await expectCode(s.topics.publish({ topicArn: 'arn:aws:sns:us-east-1:000000000000:missing', message: 'x' }), 'SNS_NOT_FOUND')
    const { messages } = await s.queues.receiveMessage({ queueUrl: q.queueUrl, waitTimeSeconds: 1 })
    expect(messages).toEqual([])
  })

  it('PublishBatch answers per entry; an entry AWS would not publish fails the whole request', async () => {
    const { topicArn } = await s.topics.createTopic({ name: topicName() })
    const q = await makeQueue(s, topicName('q'))
    await s.topics.subscribe({ topicArn, protocol: 'sqs', endpoint: q.arn, attributes: { RawMessageDelivery: 'true' } })
    const empty = await expectCode(s.topics.publishBatch({ topicArn, publishBatchRequestEntries: [{ id: 'a', message: 'one' }, { id: 'b', message: '' }] }), 'SNS_INVALID_PARAMETER')
    expect(empty.message).toBe('Invalid parameter: Empty message')
    const result = await s.topics.publishBatch({ topicArn, publishBatchRequestEntries: [{ id: 'a', message: 'one' }, { id: 'c', message: 'three' }] })
    expect(result.successful.map((r) => r.id)).toEqual(['a', 'c'])
    expect(result.failed).toEqual([])
    // Nothing of the refused batch was published.
    expect((await drain(s, q.queueUrl, 2)).map((m) => m.body).sort()).toEqual(['one', 'three'])
    const dot = await expectCode(s.topics.publishBatch({ topicArn, publishBatchRequestEntries: [{ id: 'message.id', message: 'm' }] }), 'SNS_INVALID_BATCH_ENTRY_ID')
    expect(dot.message).toBe('The Id of a batch entry in the batch request contains an impermissible character: message.id')
    const long = await expectCode(s.topics.publishBatch({ topicArn, publishBatchRequestEntries: [{ id: 'a'.repeat(81), message: 'm' }] }), 'SNS_INVALID_BATCH_ENTRY_ID')
    expect(long.message).toBe(`The Id of a batch entry in the batch request is too long: ${'a'.repeat(81)}`)
    await expectCode(s.topics.publishBatch({ topicArn, publishBatchRequestEntries: [] }), 'SNS_EMPTY_BATCH')
    await expectCode(s.topics.publishBatch({ topicArn, publishBatchRequestEntries: Array.from({ length: 11 }, (_, i) => ({ id: `e${i}`, message: 'm' })) }), 'SNS_TOO_MANY_ENTRIES')
    await expectCode(s.topics.publishBatch({ topicArn, publishBatchRequestEntries: [{ id: 'x', message: 'm' }, { id: 'x', message: 'n' }] }), 'SNS_BATCH_IDS_NOT_DISTINCT')
    await expectCode(s.topics.publishBatch({ topicArn, publishBatchRequestEntries: [{ id: 'bad id', message: 'm' }] }), 'SNS_INVALID_BATCH_ENTRY_ID')
    await expectCode(s.topics.publishBatch({ topicArn, publishBatchRequestEntries: [{ id: 'a', message: 'x'.repeat(200_000) }, { id: 'b', message: 'x'.repeat(100_000) }] }), 'SNS_BATCH_REQUEST_TOO_LONG')
  })
})

describe('FIFO topics', () => {
  it('keeps each group in order into FIFO and standard queues, with sequence numbers', async () => {
    const { topicArn } = await s.topics.createTopic({ name: `${topicName()}.fifo`, attributes: { FifoTopic: 'true', ContentBasedDeduplication: 'true' } })
    const fifoQueue = await makeQueue(s, `${topicName('q')}.fifo`, { FifoQueue: 'true' })
    const standard = await makeQueue(s, topicName('q'))
    await s.topics.subscribe({ topicArn, protocol: 'sqs', endpoint: fifoQueue.arn, attributes: { RawMessageDelivery: 'true' } })
    await s.topics.subscribe({ topicArn, protocol: 'sqs', endpoint: standard.arn })
    const numbers: string[] = []
    for (let i = 0; i < 10; i++) {
      const r = await s.topics.publishBatch({ topicArn, publishBatchRequestEntries: [{ id: 'a', message: `a${i}`, messageGroupId: 'A' }, { id: 'b', message: `b${i}`, messageGroupId: 'B' }] })
      numbers.push(...r.successful.map((x) => x.sequenceNumber!))
    }
    expect(numbers.every((n) => /^\d+$/.test(n))).toBe(true)
    const got = (await drain(s, fifoQueue.queueUrl, 20)).map((m) => m.body)
    expect(got.filter((b) => b.startsWith('a'))).toEqual(Array.from({ length: 10 }, (_, i) => `a${i}`))
    expect(got.filter((b) => b.startsWith('b'))).toEqual(Array.from({ length: 10 }, (_, i) => `b${i}`))
    const envelopes = (await drain(s, standard.queueUrl, 20)).map((m) => JSON.parse(m.body))
    expect(envelopes).toHaveLength(20)
    expect(envelopes[0]).toHaveProperty('SequenceNumber')
    expect(envelopes[0]).toHaveProperty('MessageGroupId')
  })

  it('deduplicates within 5 minutes, answering with the original MessageId', async () => {
    const { topicArn } = await s.topics.createTopic({ name: `${topicName()}.fifo`, attributes: { FifoTopic: 'true' } })
    const q = await makeQueue(s, `${topicName('q')}.fifo`, { FifoQueue: 'true' })
    await s.topics.subscribe({ topicArn, protocol: 'sqs', endpoint: q.arn, attributes: { RawMessageDelivery: 'true' } })
    await expectCode(s.topics.publish({ topicArn, message: 'x' }), 'SNS_INVALID_PARAMETER')
    await expectCode(s.topics.publish({ topicArn, message: 'x', messageGroupId: 'g' }), 'SNS_INVALID_PARAMETER')
    const first = await s.topics.publish({ topicArn, message: 'once', messageGroupId: 'g', messageDeduplicationId: 'd1' })
    const second = await s.topics.publish({ topicArn, message: 'once again', messageGroupId: 'g', messageDeduplicationId: 'd1' })
    expect(second).toEqual(first)
    await s.topics.publish({ topicArn, message: 'other', messageGroupId: 'g', messageDeduplicationId: 'd2' })
    expect((await drain(s, q.queueUrl, 2)).map((m) => m.body)).toEqual(['once', 'other'])
    const { messages } = await s.queues.receiveMessage({ queueUrl: q.queueUrl, waitTimeSeconds: 1 })
    expect(messages).toEqual([])
  })
})
