/**
 * SQS on the HTTP port, below any SDK: how requests are told apart (X-Amz-Target, a form
 * body's Action, the credential scope's service and Version), the exact shapes of JSON
 * 1.0 and Query answers and errors, XML escaped as AWS escapes it, requests POSTed to a
 * queue's URL, queue URLs built from the Host the client used, regions from the scope,
 * and accounts from the key file.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CreateQueueCommand, GetQueueUrlCommand, SQSClient } from '@aws-sdk/client-sqs'
import { NodeHttpHandler } from '@smithy/node-http-handler'
import { XMLParser } from 'fast-xml-parser'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { queueName } from './helpers/queues.js'
import { kinesisHeaders, queryHeaders, rawHttp1, rawHttp2, scopedAuth, sqsJsonHeaders, type RawResponse } from './helpers/raw-http.js'
import { startServer, type TestServer } from './helpers/server.js'

let t: TestServer
let port: number
beforeAll(async () => {
  t = await startServer()
  port = t.server.httpPort
})
afterAll(async () => { await t.close() })

const xml = new XMLParser({ ignoreAttributes: false, parseTagValue: false, htmlEntities: true, isArray: (name, jpath) => !String(jpath).startsWith('ErrorResponse') && ['Message', 'QueueUrl', 'Attribute', 'MessageAttribute'].includes(name) })

function json (action: string, body: unknown, extra: { path?: string, headers?: Record<string, string> } = {}): Promise<RawResponse> {
  return rawHttp1(port, { path: extra.path ?? '/', headers: sqsJsonHeaders(action, extra.headers), body: JSON.stringify(body) })
}

function query (params: Record<string, string>, extra: { path?: string, headers?: Record<string, string>, version?: string | null } = {}): Promise<RawResponse> {
  const version = extra.version === undefined ? '2012-11-05' : extra.version
  const form = new URLSearchParams({ ...params, ...(version === null ? {} : { Version: version }) })
  return rawHttp1(port, { path: extra.path ?? '/', headers: queryHeaders(extra.headers), body: form.toString() })
}

type Xml = Record<string, Record<string, unknown>>

function parsed (res: RawResponse): Xml {
  return xml.parse(res.body.toString('utf8')) as Xml
}

async function createQueue (name = queueName('wire')): Promise<string> {
  const res = await json('CreateQueue', { QueueName: name })
  expect(res.status, res.body.toString()).toBe(200)
  return res.json!.QueueUrl as string
}

describe('SQS JSON 1.0', () => {
  it('answers in application/x-amz-json-1.0 and errors with the SQS __type, the message and x-amzn-query-error', async () => {
    const ok = await json('ListQueues', {})
    expect(ok.status).toBe(200)
    expect(ok.headers['content-type']).toBe('application/x-amz-json-1.0')
    const res = await json('GetQueueUrl', { QueueName: 'no-such-queue' })
    expect(res.status).toBe(400)
    expect(res.headers['content-type']).toBe('application/x-amz-json-1.0')
    expect(res.headers['x-amzn-query-error']).toBe('AWS.SimpleQueueService.NonExistentQueue;Sender')
    expect(res.json).toEqual({ __type: 'com.amazonaws.sqs#QueueDoesNotExist', message: 'The specified queue does not exist.' })
    const missing = await json('SendMessage', { QueueUrl: await createQueue() })
    expect(missing.json).toEqual({ __type: 'com.amazonaws.sqs#MissingRequiredParameterException', message: 'The request must contain the parameter MessageBody.' })
    expect(missing.headers['x-amzn-query-error']).toBe('MissingParameter;Sender')
  })

  it('refuses members of the wrong type, unknown operations and malformed bodies, and keeps serving', async () => {
    const QueueUrl = await createQueue()
    const wrongType = await json('ReceiveMessage', { QueueUrl, MaxNumberOfMessages: 'ten' })
    expect(wrongType.status).toBe(400)
    expect(wrongType.json?.__type).toBe('com.amazon.coral.service#SerializationException')
    const list = await json('ReceiveMessage', { QueueUrl, AttributeNames: 'All' })
    expect(list.json?.__type).toBe('com.amazon.coral.service#SerializationException')
    const unknown = await json('FlyToTheMoon', {})
    expect(unknown.json?.__type).toBe('com.amazon.coral.service#UnknownOperationException')
    const broken = await rawHttp1(port, { headers: sqsJsonHeaders('ListQueues'), body: '{"QueueNamePrefix":' })
    expect(broken.status).toBe(400)
    expect(broken.json?.__type).toBe('com.amazon.coral.service#SerializationException')
    const unsigned = await rawHttp1(port, { headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AmazonSQS.ListQueues' }, body: '{}' })
    expect(unsigned.json?.__type).toBe('com.amazon.coral.service#MissingAuthenticationTokenException')
    expect((await json('GetQueueUrl', { QueueName: QueueUrl.split('/').pop() })).json).toEqual({ QueueUrl })
  })

  it('takes a request POSTed to the queue URL path, without QueueUrl in the body', async () => {
    const QueueUrl = await createQueue()
    const path = new URL(QueueUrl).pathname
    const sent = await json('SendMessage', { MessageBody: 'by path' }, { path })
    expect(sent.status, sent.body.toString()).toBe(200)
    const received = await json('ReceiveMessage', { QueueUrl }, { path: '/' })
    expect((received.json!.Messages as Array<{ Body: string }>).map((m) => m.Body)).toEqual(['by path'])
  })

  it('builds queue URLs from the Host the client used, and resolves any host by account and name', async () => {
    const name = queueName('host')
    const res = await json('CreateQueue', { QueueName: name }, { headers: { host: 'sqs.example.test:9324' } })
    expect(res.json).toEqual({ QueueUrl: `http://sqs.example.test:9324/000000000000/${name}` })
    const viaOther = await json('GetQueueAttributes', { QueueUrl: `https://sqs.us-east-1.amazonaws.com/000000000000/${name}`, AttributeNames: ['QueueArn'] })
    expect(viaOther.json).toEqual({ Attributes: { QueueArn: `arn:aws:sqs:us-east-1:000000000000:${name}` } })
  })

  it('serves HTTP/2 on the same port, with queue URLs from :authority', async () => {
    const name = queueName('h2')
    const res = await rawHttp2(port, { headers: sqsJsonHeaders('CreateQueue'), body: JSON.stringify({ QueueName: name }) })
    expect(res.status).toBe(200)
    expect(res.json).toEqual({ QueueUrl: `http://127.0.0.1:${port}/000000000000/${name}` })
  })

  it('answers a long poll as soon as a message is sent', async () => {
    const QueueUrl = await createQueue()
    const started = Date.now()
    const waiting = json('ReceiveMessage', { QueueUrl, WaitTimeSeconds: 10 })
    await new Promise((resolve) => setTimeout(resolve, 200))
    await json('SendMessage', { QueueUrl, MessageBody: 'wake up' })
    const res = await waiting
    expect((res.json!.Messages as Array<{ Body: string }>).map((m) => m.Body)).toEqual(['wake up'])
    expect(Date.now() - started).toBeLessThan(5000)
  })

  it('puts a queue in the credential scope\'s region', async () => {
    const name = queueName('region')
    const headers = { ...scopedAuth('sqs', 'eu-west-1') }
    await json('CreateQueue', { QueueName: name }, { headers })
    const arn = await json('GetQueueAttributes', { QueueUrl: name, AttributeNames: ['QueueArn'] }, { headers })
    expect(arn.json).toEqual({ Attributes: { QueueArn: `arn:aws:sqs:eu-west-1:000000000000:${name}` } })
    expect((await json('GetQueueUrl', { QueueName: name })).json?.__type).toBe('com.amazonaws.sqs#QueueDoesNotExist')
  })

  it('keeps the X-Amzn-Trace-Id header as the message\'s AWSTraceHeader, unless MessageSystemAttributes name one', async () => {
    const url = await createQueue()
    const trace = 'Root=1-3152b799-8954dae64eda91bc9a23a7e8;Parent=7fa8c0f79203be72;Sampled=1'
    const sent = await json('SendMessage', { QueueUrl: url, MessageBody: 'traced' }, { headers: { 'x-amzn-trace-id': trace } })
    expect(sent.status).toBe(200)
    const given = { AWSTraceHeader: { DataType: 'String', StringValue: 'Root=1-given' } }
    await json('SendMessageBatch', { QueueUrl: url, Entries: [{ Id: 'a', MessageBody: 'own', MessageSystemAttributes: given }, { Id: 'b', MessageBody: 'batched' }] }, { headers: { 'x-amzn-trace-id': trace } })
    await json('SendMessage', { QueueUrl: url, MessageBody: 'plain' })
    const got = await json('ReceiveMessage', { QueueUrl: url, MaxNumberOfMessages: 10, MessageSystemAttributeNames: ['AWSTraceHeader'] })
    const traces = Object.fromEntries((got.json!.Messages as Array<{ Body: string, Attributes?: { AWSTraceHeader?: string } }>).map((m) => [m.Body, m.Attributes?.AWSTraceHeader]))
    expect(traces).toEqual({ traced: trace, own: 'Root=1-given', batched: trace, plain: undefined })
  })
})

describe('SQS Query', () => {
  it('answers in XML in the 2012-11-05 namespace, with a Result and ResponseMetadata', async () => {
    const name = queueName('query')
    const res = await query({ Action: 'CreateQueue', QueueName: name, 'Attribute.1.Name': 'VisibilityTimeout', 'Attribute.1.Value': '12', 'Tag.1.Key': 'k', 'Tag.1.Value': 'v' })
    expect(res.status, res.body.toString()).toBe(200)
    expect(res.headers['content-type']).toBe('text/xml')
    const body = res.body.toString()
    expect(body).toMatch(/^<\?xml version="1.0"\?><CreateQueueResponse xmlns="http:\/\/queue.amazonaws.com\/doc\/2012-11-05\/"><CreateQueueResult><QueueUrl>http:\/\/127.0.0.1:\d+\/000000000000\/[^<]+<\/QueueUrl><\/CreateQueueResult><ResponseMetadata><RequestId>[0-9a-f-]{36}<\/RequestId><\/ResponseMetadata><\/CreateQueueResponse>$/)
    const url = parsed(res).CreateQueueResponse!.CreateQueueResult as { QueueUrl: string[] }
    const QueueUrl = url.QueueUrl[0]!
    const attributes = parsed(await query({ Action: 'GetQueueAttributes', QueueUrl, 'AttributeName.1': 'VisibilityTimeout' })).GetQueueAttributesResponse!.GetQueueAttributesResult
    expect(attributes).toEqual({ Attribute: [{ Name: 'VisibilityTimeout', Value: '12' }] })
    const tags = parsed(await query({ Action: 'ListQueueTags', QueueUrl })).ListQueueTagsResponse!.ListQueueTagsResult
    expect(tags).toEqual({ Tag: { Key: 'k', Value: 'v' } })
    // An action with no output has no Result element.
    const deleted = await query({ Action: 'DeleteQueue', QueueUrl })
    expect(deleted.body.toString()).toMatch(/<DeleteQueueResponse xmlns="[^"]+"><ResponseMetadata><RequestId>/)
  })

  it('escapes XML as AWS does: quotes as &quot; and CR as &#xD;, non-ASCII as UTF-8', async () => {
    const QueueUrl = await createQueue()
    const body = 'say "hi" & <bye>\r\nline\rünïcødé 😀'
    const sent = await query({ Action: 'SendMessage', QueueUrl, MessageBody: body, 'MessageAttribute.1.Name': 'q', 'MessageAttribute.1.Value.DataType': 'String', 'MessageAttribute.1.Value.StringValue': 'a"\r' })
    expect(sent.status, sent.body.toString()).toBe(200)
    const received = await query({ Action: 'ReceiveMessage', QueueUrl, 'MessageAttributeName.1': 'All' })
    const raw = received.body.toString('utf8')
    expect(raw).toContain('<Body>say &quot;hi&quot; &amp; &lt;bye&gt;&#xD;\nline&#xD;ünïcødé 😀</Body>')
    expect(raw).toContain('<StringValue>a&quot;&#xD;</StringValue>')
    const [message] = (parsed(received).ReceiveMessageResponse!.ReceiveMessageResult as { Message: Array<{ Body: string }> }).Message
    expect(message!.Body).toBe(body)
  })

  it('errors as <ErrorResponse> with Type, Code, Message, Detail and RequestId, at AWS\'s status', async () => {
    const res = await query({ Action: 'GetQueueUrl', QueueName: 'no-such-queue' })
    expect(res.status).toBe(400)
    expect(res.body.toString()).toMatch(/^<\?xml version="1.0"\?><ErrorResponse xmlns="http:\/\/queue.amazonaws.com\/doc\/2012-11-05\/"><Error><Type>Sender<\/Type><Code>AWS.SimpleQueueService.NonExistentQueue<\/Code><Message>The specified queue does not exist for this wsdl version.<\/Message><Detail\/><\/Error><RequestId>[0-9a-f-]{36}<\/RequestId><\/ErrorResponse>$/)
    const QueueUrl = await createQueue()
    await query({ Action: 'PurgeQueue', QueueUrl })
    const again = await query({ Action: 'PurgeQueue', QueueUrl })
    expect(again.status).toBe(403)
    expect(parsed(again).ErrorResponse!.Error).toMatchObject({ Type: 'Sender', Code: 'AWS.SimpleQueueService.PurgeQueueInProgress' })
    const badInt = await query({ Action: 'ReceiveMessage', QueueUrl, MaxNumberOfMessages: 'ten' })
    expect(parsed(badInt).ErrorResponse!.Error).toMatchObject({ Code: 'InvalidParameterValue', Message: 'Value ten for parameter MaxNumberOfMessages is invalid. Reason: Must be an integer.' })
    const unknown = await query({ Action: 'FlyToTheMoon' })
    expect(unknown.status).toBe(400)
    expect(parsed(unknown).ErrorResponse!.Error).toMatchObject({ Code: 'InvalidAction', Message: 'The action FlyToTheMoon is not valid for this web service.' })
  })

  it('reads flattened lists and maps by index, in index order, and the batch entries', async () => {
    const QueueUrl = await createQueue()
    const batch = await query({
      Action: 'SendMessageBatch',
      QueueUrl,
      'SendMessageBatchRequestEntry.2.Id': 'second',
      'SendMessageBatchRequestEntry.2.MessageBody': 'two',
      'SendMessageBatchRequestEntry.1.Id': 'first',
      'SendMessageBatchRequestEntry.1.MessageBody': 'one',
      'SendMessageBatchRequestEntry.1.MessageAttribute.1.Name': 'bin',
      'SendMessageBatchRequestEntry.1.MessageAttribute.1.Value.DataType': 'Binary',
      'SendMessageBatchRequestEntry.1.MessageAttribute.1.Value.BinaryValue': Buffer.from([1, 2, 3]).toString('base64'),
      'SendMessageBatchRequestEntry.3.Id': 'bad id!',
      'SendMessageBatchRequestEntry.3.MessageBody': 'x'
    })
    expect(parsed(batch).ErrorResponse!.Error).toMatchObject({ Code: 'AWS.SimpleQueueService.InvalidBatchEntryId' })
    const good = await query({
      Action: 'SendMessageBatch',
      QueueUrl,
      'SendMessageBatchRequestEntry.2.Id': 'second',
      'SendMessageBatchRequestEntry.2.MessageBody': 'two',
      'SendMessageBatchRequestEntry.1.Id': 'first',
      'SendMessageBatchRequestEntry.1.MessageBody': 'one',
      'SendMessageBatchRequestEntry.1.MessageAttribute.1.Name': 'bin',
      'SendMessageBatchRequestEntry.1.MessageAttribute.1.Value.DataType': 'Binary',
      'SendMessageBatchRequestEntry.1.MessageAttribute.1.Value.BinaryValue': Buffer.from([1, 2, 3]).toString('base64')
    })
    const result = parsed(good).SendMessageBatchResponse!.SendMessageBatchResult as { SendMessageBatchResultEntry: Array<{ Id: string, MD5OfMessageAttributes?: string }> }
    expect(result.SendMessageBatchResultEntry.map((e) => e.Id)).toEqual(['first', 'second'])
    const received = await query({ Action: 'ReceiveMessage', QueueUrl, MaxNumberOfMessages: '10', 'MessageAttributeName.1': 'All', 'AttributeName.1': 'SentTimestamp' })
    const messages = (parsed(received).ReceiveMessageResponse!.ReceiveMessageResult as { Message: Array<{ Body: string, Attribute: Array<{ Name: string }>, MessageAttribute?: Array<{ Name: string, Value: { BinaryValue: string, DataType: string } }> }> }).Message
    expect(messages.map((m) => m.Body)).toEqual(['one', 'two'])
    expect(messages[0]!.MessageAttribute).toEqual([{ Name: 'bin', Value: { BinaryValue: 'AQID', DataType: 'Binary' } }])
    expect(messages[0]!.Attribute.map((a) => a.Name)).toEqual(['SentTimestamp'])
  })

  it('takes a list of names unindexed too (AttributeName=All), as AWS\'s own Query examples send it', async () => {
    const QueueUrl = await createQueue()
    const sent = await query({ Action: 'SendMessage', QueueUrl, MessageBody: 'b', 'MessageAttribute.1.Name': 'k', 'MessageAttribute.1.Value.DataType': 'String', 'MessageAttribute.1.Value.StringValue': 'v' })
    expect(sent.status, sent.body.toString()).toBe(200)
    const received = await query({ Action: 'ReceiveMessage', QueueUrl, AttributeName: 'All', MessageAttributeName: 'All', MessageSystemAttributeName: 'All' })
    const [message] = (parsed(received).ReceiveMessageResponse!.ReceiveMessageResult as { Message: Array<{ Attribute: Array<{ Name: string }>, MessageAttribute: Array<{ Name: string }> }> }).Message
    expect(message!.Attribute.map((a) => a.Name)).toContain('SentTimestamp')
    expect(message!.Attribute.map((a) => a.Name)).toContain('ApproximateReceiveCount')
    expect(message!.MessageAttribute.map((a) => a.Name)).toEqual(['k'])
    const attributes = await query({ Action: 'GetQueueAttributes', QueueUrl, AttributeName: 'VisibilityTimeout', 'AttributeName.1': 'DelaySeconds' })
    const result = parsed(attributes).GetQueueAttributesResponse!.GetQueueAttributesResult as { Attribute: Array<{ Name: string }> }
    expect(result.Attribute.map((a) => a.Name)).toEqual(['VisibilityTimeout', 'DelaySeconds'])
  })

  it('takes AttributeName over MessageSystemAttributeName over Query, and their union over JSON, as AWS answers', async () => {
    const QueueUrl = await createQueue()
    expect((await query({ Action: 'SendMessage', QueueUrl, MessageBody: 'msg' })).status).toBe(200)
    const namesOver = async (params: Record<string, string>): Promise<string[]> => {
      const received = parsed(await query({ Action: 'ReceiveMessage', QueueUrl, VisibilityTimeout: '0', ...params })).ReceiveMessageResponse!.ReceiveMessageResult as { Message: Array<{ Attribute: Array<{ Name: string }> | { Name: string } }> }
      return [received.Message[0]!.Attribute].flat().map((a) => a.Name).sort()
    }
    const all = ['ApproximateFirstReceiveTimestamp', 'ApproximateReceiveCount', 'SenderId', 'SentTimestamp']
    expect(await namesOver({ 'MessageSystemAttributeName.1': 'All', 'AttributeName.1': 'SenderId' })).toEqual(['SenderId'])
    expect(await namesOver({ 'MessageSystemAttributeName.1': 'All', 'AttributeName.1': 'All' })).toEqual(all)
    expect(await namesOver({ 'MessageSystemAttributeName.1': 'SenderId', 'MessageSystemAttributeName.2': 'SentTimestamp' })).toEqual(['SenderId', 'SentTimestamp'])
    const overJson = await json('ReceiveMessage', { QueueUrl, VisibilityTimeout: 0, MessageSystemAttributeNames: ['All'], AttributeNames: ['SenderId'] })
    const [message] = overJson.json!.Messages as Array<{ Attributes: Record<string, string> }>
    expect(Object.keys(message!.Attributes).sort()).toEqual(all)
  })

  it('names a bad batch entry member by its Query parameter over Query, by its JSON member over JSON', async () => {
    const QueueUrl = await createQueue()
    const bad = await query({ Action: 'SendMessageBatch', QueueUrl, 'SendMessageBatchRequestEntry.1.Id': 'a', 'SendMessageBatchRequestEntry.1.MessageBody': 'x', 'SendMessageBatchRequestEntry.1.DelaySeconds': '1000' })
    expect((parsed(bad).ErrorResponse!.Error as { Message: string }).Message).toBe('Value 1000 for parameter SendMessageBatchRequestEntry.1.DelaySeconds is invalid. Reason: Must be >= 0 and <= 900, if provided.')
    const entries = Object.fromEntries([1, 2, 3].flatMap((i) => [[`ChangeMessageVisibilityBatchRequestEntry.${i}.Id`, `e${i}`], [`ChangeMessageVisibilityBatchRequestEntry.${i}.ReceiptHandle`, 'h']]))
    const visibility = await query({ Action: 'ChangeMessageVisibilityBatch', QueueUrl, ...entries, 'ChangeMessageVisibilityBatchRequestEntry.3.VisibilityTimeout': '50000' })
    expect((parsed(visibility).ErrorResponse!.Error as { Message: string }).Message).toMatch(/^Value 50000 for parameter ChangeMessageVisibilityBatchRequestEntry\.3\.VisibilityTimeout is invalid\./)
    const overJson = await json('SendMessageBatch', { QueueUrl, Entries: [{ Id: 'a', MessageBody: 'x', DelaySeconds: 1000 }] })
    expect(overJson.json?.message).toBe('Value 1000 for parameter Entries.1.DelaySeconds is invalid. Reason: Must be >= 0 and <= 900, if provided.')
  })

  it('takes the queue from the URL path it is POSTed to, and takes GET requests with Action in the query string', async () => {
    const QueueUrl = await createQueue()
    const path = new URL(QueueUrl).pathname
    expect((await query({ Action: 'SendMessage', MessageBody: 'posted to the queue' }, { path })).status).toBe(200)
    const get = await rawHttp1(port, { method: 'GET', path: `${path}?${new URLSearchParams({ Action: 'ReceiveMessage', Version: '2012-11-05' }).toString()}`, headers: scopedAuth('sqs') })
    expect(get.status, get.body.toString()).toBe(200)
    expect(get.body.toString()).toContain('<Body>posted to the queue</Body>')
  })

  it('tells SQS from SNS by the credential scope, then by Version', async () => {
    // Signed for sqs: SQS, whatever the Version says.
    expect((await query({ Action: 'ListQueues' }, { version: null })).status).toBe(200)
    // Signed for sns: SNS (served here too), whatever the Version says; SQS's actions are not SNS's.
    const other = { headers: scopedAuth('sns') }
    const wrong = await query({ Action: 'ListQueues' }, { ...other, version: '2012-11-05' })
    expect(wrong.status).toBe(400)
    expect(parsed(wrong).ErrorResponse!.Error).toMatchObject({ Code: 'InvalidAction' })
    expect((await query({ Action: 'ListTopics' }, { ...other, version: '2010-03-31' })).status).toBe(200)
    // Signed for neither: the Version decides.
    const unknown = { headers: scopedAuth('iam') }
    expect((await query({ Action: 'ListTopics' }, { ...unknown, version: '2010-03-31' })).status).toBe(200)
    expect((await query({ Action: 'ListQueues' }, { ...unknown, version: '2012-11-05' })).status).toBe(200)
  })

  it('leaves requests that are not SQS to Kinesis as before: a form body without Action, GET without one', async () => {
    const noAction = await rawHttp1(port, { headers: queryHeaders(), body: 'Version=2012-11-05' })
    expect(noAction.status).toBe(403)
    expect(noAction.body.toString()).toContain('<AccessDeniedException>')
    const get = await rawHttp1(port, { method: 'GET', headers: kinesisHeaders('ListStreams') })
    expect(get.status).toBe(403)
    const kinesis = await rawHttp1(port, { headers: kinesisHeaders('ListStreams'), body: '{}' })
    expect(kinesis.status).toBe(200)
  })
})

describe('requests to a queue\'s URL', () => {
  it('take only the actions on a queue; a bare GET is UnknownOperationException', async () => {
    const url = await createQueue()
    const path = new URL(url).pathname
    for (const action of ['CreateQueue', 'ListQueues', 'FooBar']) {
      const res = await rawHttp1(port, { method: 'GET', path: `${path}?Action=${action}&QueueName=x&Version=2012-11-05`, headers: scopedAuth('sqs') })
      expect(res.status).toBe(400)
      expect(parsed(res).ErrorResponse!.Error).toMatchObject({ Code: 'InvalidAction', Message: `The action ${action} is not valid for this endpoint.` })
    }
    const attrs = await rawHttp1(port, { method: 'GET', path: `${path}?Action=GetQueueAttributes&AttributeName.1=QueueArn&Version=2012-11-05`, headers: scopedAuth('sqs') })
    expect(attrs.status).toBe(200)
    const bare = await rawHttp1(port, { method: 'GET', path, headers: scopedAuth('sqs') })
    expect(bare.status).toBe(404)
    expect(bare.body.toString()).toBe('<UnknownOperationException/>')
  })
})

describe('bodies the server will not read', () => {
  it('refuses a body over 16 MiB in the protocol of the request: SQS JSON or Query XML', async () => {
    const big = 'x'.repeat(16 * 1024 * 1024 + 10)
    const asJson = await rawHttp1(port, { headers: sqsJsonHeaders('SendMessage'), body: JSON.stringify({ QueueUrl: 'q', MessageBody: big }) })
    expect(asJson.status).toBe(413)
    expect(asJson.json?.__type).toBe('com.amazon.coral.service#RequestEntityTooLargeException')
    const asQuery = await rawHttp1(port, { headers: queryHeaders(), body: `Action=SendMessage&Version=2012-11-05&QueueUrl=q&MessageBody=${big}` })
    expect(asQuery.status).toBe(413)
    expect(parsed(asQuery).ErrorResponse!.Error).toMatchObject({ Type: 'Sender', Code: 'RequestEntityTooLargeException' })
  })
})

describe('accounts from the key file (--auth)', () => {
  let dir: string
  let authed: TestServer
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'shardline-sqs-auth-'))
    const keyFile = join(dir, 'keys.json')
    await writeFile(keyFile, JSON.stringify({
      111122223333: 'digits-secret',
      AKIDOTHERACCOUNT: { secretAccessKey: 'other-secret', accountId: '444455556666' }
    }))
    authed = await startServer({ auth: keyFile })
  })
  afterAll(async () => {
    await authed.close()
    await rm(dir, { recursive: true, force: true })
  })

  function client (accessKeyId: string, secretAccessKey: string): SQSClient {
    return new SQSClient({ endpoint: `http://127.0.0.1:${authed.server.httpPort}`, region: 'us-east-1', credentials: { accessKeyId, secretAccessKey }, maxAttempts: 1, requestHandler: new NodeHttpHandler() })
  }

  it('acts in the entry\'s account, or in the server\'s default one when the entry has none (even for a key id of 12 digits)', async () => {
    const digits = client('111122223333', 'digits-secret')
    const other = client('AKIDOTHERACCOUNT', 'other-secret')
    try {
      const name = queueName('acct')
      expect((await digits.send(new CreateQueueCommand({ QueueName: name }))).QueueUrl).toMatch(new RegExp(`/000000000000/${name}$`))
      expect((await other.send(new CreateQueueCommand({ QueueName: name }))).QueueUrl).toMatch(new RegExp(`/444455556666/${name}$`))
      expect((await other.send(new GetQueueUrlCommand({ QueueName: name, QueueOwnerAWSAccountId: '000000000000' }))).QueueUrl).toMatch(/\/000000000000\//)
      await expect(client('111122223333', 'wrong').send(new CreateQueueCommand({ QueueName: name }))).rejects.toMatchObject({ name: 'InvalidSignatureException' })
    } finally {
      digits.destroy()
      other.destroy()
    }
  })
})
