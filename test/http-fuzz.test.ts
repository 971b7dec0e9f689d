/**
 * Fuzzing the HTTP API over one keep-alive connection: thousands of mutated and malformed
 * requests (wrong methods, content types, targets and signatures, bodies with bytes
 * flipped, cut or added, members of every wrong type). Every request is answered with a
 * success or a 4xx carrying an AWS error name, none breaks the connection for the next
 * one, and the records stored before are intact afterwards. The same for SQS, in JSON 1.0
 * and Query (form parameters dropped, retyped, re-indexed, cut, percent-mangled): the
 * messages of a queue no request names are all still there afterwards.
 *
 * SHARDLINE_FUZZ_REQUESTS sets the number of requests (default 1500, seconds); the seed
 * (SHARDLINE_FUZZ_SEED) makes a run repeatable.
 */
import { Decoder, Encoder } from 'cbor-x'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { kinesisHeaders, KeepAliveConnection, queryHeaders, scopedAuth, sqsJsonHeaders, type RawResponse } from './helpers/raw-http.js'
import { startServer, uniqueName, type TestServer } from './helpers/server.js'

const REQUESTS = Number(process.env.SHARDLINE_FUZZ_REQUESTS ?? 1500)
const SEED = Number(process.env.SHARDLINE_FUZZ_SEED ?? 20260101)
const KEPT_RECORDS = 20

/** mulberry32: a small seeded generator, so a failing run can be repeated. */
function generator (seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

let ts: TestServer
let kept: string
let target: string
const keptRecords: Array<{ PartitionKey: string, Data: string, SequenceNumber: string }> = []
const cbor = new Encoder({ mapsAsObjects: true, useRecords: false })
const cborDecoder = new Decoder({ mapsAsObjects: true, useRecords: false })

async function call (conn: KeepAliveConnection, action: string, body: unknown): Promise<Record<string, unknown>> {
  const res = await conn.send({ headers: kinesisHeaders(action), body: JSON.stringify(body) })
  expect(res.status, res.body.toString()).toBe(200)
  return res.json ?? {}
}

beforeAll(async () => {
  ts = await startServer({ limits: 'off' })
  const conn = new KeepAliveConnection(ts.server.httpPort)
  kept = uniqueName('kept')
  target = uniqueName('fuzz')
  await call(conn, 'CreateStream', { StreamName: kept, ShardCount: 2 })
  await call(conn, 'CreateStream', { StreamName: target, ShardCount: 2 })
  for (let i = 0; i < KEPT_RECORDS; i++) {
    const record = { PartitionKey: `key-${i % 5}`, Data: Buffer.from(`kept record ${i}`).toString('base64') }
    const put = await call(conn, 'PutRecord', { StreamName: kept, ...record })
    keptRecords.push({ ...record, SequenceNumber: put.SequenceNumber as string })
  }
  conn.close()
})

afterAll(async () => {
  await ts.close()
})

/** The AWS error name an answer carries, in any of the forms AWS answers in. */
function awsErrorName (res: RawResponse): string | undefined {
  const type = String(res.headers['content-type'] ?? '')
  if (type.startsWith('application/x-amz-cbor')) {
    try {
      return (cborDecoder.decode(res.body) as { __type?: string }).__type
    } catch {
      return undefined
    }
  }
  if (res.json !== undefined) return (res.json.__type ?? (res.json.Output as { __type?: string } | undefined)?.__type) as string | undefined
  return /^<([A-Za-z]+)[\s/>]/.exec(res.body.toString())?.[1]
}

type Body = Record<string, unknown>

function requestsFor (random: () => number): () => { method: string, headers: Record<string, string>, body: Buffer | undefined, label: string } {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!
  const base64 = (n: number): string => Buffer.from(Array.from({ length: n }, () => Math.floor(random() * 256))).toString('base64')
  const bodies: Array<() => [string, Body]> = [
    () => ['PutRecord', { StreamName: target, PartitionKey: `p${Math.floor(random() * 100)}`, Data: base64(Math.floor(random() * 64)) }],
    () => ['PutRecords', { StreamName: target, Records: Array.from({ length: 1 + Math.floor(random() * 5) }, (_, i) => ({ PartitionKey: `k${i}`, Data: base64(8) })) }],
    () => ['GetShardIterator', { StreamName: target, ShardId: pick(['shardId-000000000000', 'shard-1', 'x-0', '7']), ShardIteratorType: pick(['TRIM_HORIZON', 'LATEST', 'AT_SEQUENCE_NUMBER', 'AT_TIMESTAMP']) }],
    () => ['GetRecords', { ShardIterator: base64(152), Limit: Math.floor(random() * 20) }],
    () => ['DescribeStream', { StreamName: target, Limit: 1 + Math.floor(random() * 3) }],
    () => ['ListShards', { StreamName: target, MaxResults: 1 + Math.floor(random() * 3) }],
    () => ['ListStreams', {}],
    () => ['AddTagsToStream', { StreamName: target, Tags: { [`t${Math.floor(random() * 10)}`]: 'v' } }],
    () => ['RemoveTagsFromStream', { StreamName: target, TagKeys: ['t1', 't2'] }],
    () => ['ListTagsForStream', { StreamName: target }],
    () => ['CreateStream', { StreamName: uniqueName('fz'), ShardCount: 1 + Math.floor(random() * 2) }],
    () => ['DeleteStream', { StreamName: uniqueName('fz') }],
    () => ['SplitShard', { StreamName: target, ShardToSplit: 'shardId-000000000000', NewStartingHashKey: String(Math.floor(random() * 1e15)) }],
    () => ['MergeShards', { StreamName: target, ShardToMerge: 'shardId-000000000000', AdjacentShardToMerge: 'shardId-000000000001' }],
    () => ['IncreaseStreamRetentionPeriod', { StreamName: target, RetentionPeriodHours: Math.floor(random() * 200) }]
  ]
  const junk = (): unknown => pick<() => unknown>([
    () => true, () => 0, () => -2147483649, () => 2 ** 64, () => 3.5, () => null, () => '', () => 'x'.repeat(300),
    () => '=+/=', () => '+/+=', () => 'AAA', () => [], () => [1, 'two'], () => ({}), () => ({ nested: { deep: [null] } }),
    () => '\u0000\uffff\ud83d\ude00', () => '9'.repeat(60), () => 'shardId-99999999999999'
  ])()
  const mutateBody = (body: Body): Body => {
    const keys = Object.keys(body)
    const out: Body = { ...body }
    for (let n = 1 + Math.floor(random() * 3); n > 0; n--) {
      const r = random()
      if (r < 0.45 && keys.length > 0) out[pick(keys)] = junk()
      else if (r < 0.65 && keys.length > 0) delete out[pick(keys)]
      else if (r < 0.8) out[pick(['Surprise', 'StreamARN', 'NextToken', 'Timestamp', 'StartingSequenceNumber', 'ExplicitHashKey', 'SequenceNumberForOrdering'])] = junk()
      else if (Array.isArray(out.Records) && out.Records.length > 0) (out.Records as Body[])[0] = mutateBody(out.Records[0] as Body)
    }
    return out
  }
  const mutateBytes = (bytes: Buffer): Buffer => {
    const copy = Buffer.from(bytes)
    const r = random()
    if (r < 0.3 && copy.length > 0) copy[Math.floor(random() * copy.length)] = Math.floor(random() * 256)
    else if (r < 0.55) return copy.subarray(0, Math.floor(random() * copy.length))
    else if (r < 0.8) return Buffer.concat([copy.subarray(0, Math.floor(random() * copy.length)), Buffer.from(base64(1 + Math.floor(random() * 8)), 'base64'), copy])
    else return Buffer.concat([copy, copy])
    return copy
  }
  return () => {
    const [action, valid] = pick(bodies)()
    const structured = random() < 0.6 ? mutateBody(valid) : valid
    let body: Buffer | undefined = random() < 0.15 ? cbor.encode(structured) : Buffer.from(JSON.stringify(structured))
    if (random() < 0.35) body = mutateBytes(body)
    if (random() < 0.05) body = undefined
    const headers = kinesisHeaders(action)
    let method = 'POST'
    const r = random()
    if (r < 0.12) method = pick(['GET', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD'])
    if (random() < 0.15) headers['content-type'] = pick(['application/json', 'application/x-amz-json-1.0', 'application/x-amz-cbor-1.1', 'text/plain', ' application/x-amz-json-1.1 ; charset=utf-8', 'multipart/form-data; boundary=x'])
    if (random() < 0.05) delete headers['content-type']
    if (random() < 0.12) headers['x-amz-target'] = pick(['', 'Kinesis_20131202.', 'Kinesis_20131202.Nope', 'Nope.PutRecord', 'DynamoDB_20120810.ListTables', `Kinesis_20131202.${action}.extra`])
    if (random() < 0.08) headers.authorization = pick(['', 'x', 'AWS4-HMAC-SHA256 Credential=a', 'AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/kinesis/aws4_request, SignedHeaders=host, Signature='])
    if (random() < 0.05) headers.origin = 'http://fuzz.example'
    // HEAD answers carry no body; a body on HEAD is what the fuzz is about, so it is sent.
    return { method, headers, body, label: `${method} ${headers['x-amz-target'] ?? '(no target)'} ${headers['content-type'] ?? '(no type)'}` }
  }
}

describe(`fuzzing the HTTP API with ${REQUESTS} requests on one keep-alive connection`, () => {
  it('answers every request with success or a 4xx AWS error, keeps the connection, and keeps the records stored before', async () => {
    const conn = new KeepAliveConnection(ts.server.httpPort)
    const next = requestsFor(generator(SEED))
    const names = new Map<string, number>()
    try {
      for (let i = 0; i < REQUESTS; i++) {
        const request = next()
        const res = await conn.send(request)
        const what = `request ${i} (${request.label}): ${res.status} ${res.body.toString().slice(0, 200)}`
        expect(res.sameConnection, what).toBe(true)
        expect(res.headers['x-amzn-requestid'], what).toBeTypeOf('string')
        if (res.status !== 200) {
          expect(res.status >= 400 && res.status < 500, what).toBe(true)
          const name = request.method === 'HEAD' ? 'HEAD' : awsErrorName(res)
          expect(name, what).toMatch(/^[A-Za-z#.]+$/)
          names.set(name!, (names.get(name!) ?? 0) + 1)
        }
        if (i % 100 === 99) {
          const control = await conn.send({ headers: kinesisHeaders('DescribeStreamSummary'), body: JSON.stringify({ StreamName: kept }) })
          expect(control.status, `control after request ${i}`).toBe(200)
          expect(control.sameConnection).toBe(true)
        }
      }
      // The fuzz met many kinds of refusal, not one.
      expect(names.size).toBeGreaterThan(5)

      const iterator = await conn.send({ headers: kinesisHeaders('GetShardIterator'), body: JSON.stringify({ StreamName: kept, ShardId: 'shardId-000000000000', ShardIteratorType: 'TRIM_HORIZON' }) })
      const shard0 = await conn.send({ headers: kinesisHeaders('GetRecords'), body: JSON.stringify({ ShardIterator: iterator.json?.ShardIterator }) })
      const iterator1 = await conn.send({ headers: kinesisHeaders('GetShardIterator'), body: JSON.stringify({ StreamName: kept, ShardId: 'shardId-000000000001', ShardIteratorType: 'TRIM_HORIZON' }) })
      const shard1 = await conn.send({ headers: kinesisHeaders('GetRecords'), body: JSON.stringify({ ShardIterator: iterator1.json?.ShardIterator }) })
      const stored = [...(shard0.json?.Records as Body[]), ...(shard1.json?.Records as Body[])]
        .map((r) => ({ PartitionKey: r.PartitionKey, Data: r.Data, SequenceNumber: r.SequenceNumber }))
      const byNumber = (a: { SequenceNumber: unknown }, b: { SequenceNumber: unknown }): number => String(a.SequenceNumber).localeCompare(String(b.SequenceNumber))
      expect(stored.sort(byNumber)).toEqual([...keptRecords].sort(byNumber))
    } finally {
      conn.close()
    }
  }, 600_000)
})

/** The AWS error name of an SQS answer: JSON's `__type`, Query's `<Code>`, or Kinesis's forms. */
function sqsErrorName (res: RawResponse): string | undefined {
  const code = /<Code>([^<]+)<\/Code>/.exec(res.body.toString())?.[1]
  return code ?? awsErrorName(res)
}

/** Flattens an SQS JSON input into Query parameters, the way botocore's query serializer does for SQS. */
function queryParams (action: string, body: Body): Record<string, string> {
  const names: Record<string, string> = { Attributes: 'Attribute', tags: 'Tag', Tags: 'Tag', MessageAttributes: 'MessageAttribute', AttributeNames: 'AttributeName', MessageAttributeNames: 'MessageAttributeName', TagKeys: 'TagKey', Entries: `${action}RequestEntry` }
  const parts: Record<string, string> = { Action: action, Version: '2012-11-05' }
  const put = (prefix: string, value: unknown): void => {
    if (Array.isArray(value)) value.forEach((v, i) => put(`${prefix}.${i + 1}`, v))
    else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) put(`${prefix}.${names[k] ?? k}`, v)
    else parts[prefix] = String(value)
  }
  for (const [key, value] of Object.entries(body)) {
    const name = names[key] ?? key
    if (value !== null && typeof value === 'object' && !Array.isArray(value) && name !== key && key !== 'Entries') {
      // A flattened map: Name.N.Name / Name.N.Value (Tag: Key / Value).
      Object.entries(value).forEach(([k, v], i) => {
        parts[`${name}.${i + 1}.${name === 'Tag' ? 'Key' : 'Name'}`] = k
        put(`${name}.${i + 1}.Value`, v)
      })
    } else {
      put(name, value)
    }
  }
  return parts
}

describe(`fuzzing SQS JSON 1.0 and Query with ${REQUESTS} requests on one keep-alive connection`, () => {
  const KEPT_MESSAGES = 15

  it('answers every request with success or a 4xx AWS error, keeps the connection, and keeps the messages of the queue it does not name', async () => {
    const conn = new KeepAliveConnection(ts.server.httpPort)
    const sqs = async (action: string, body: Body): Promise<Body> => {
      const res = await conn.send({ headers: sqsJsonHeaders(action), body: JSON.stringify(body) })
      expect(res.status, res.body.toString()).toBe(200)
      return res.json ?? {}
    }
    const keptUrl = (await sqs('CreateQueue', { QueueName: uniqueName('kept-q') })).QueueUrl as string
    const targetUrl = (await sqs('CreateQueue', { QueueName: uniqueName('fuzz-q') })).QueueUrl as string
    const keptBodies: string[] = []
    for (let i = 0; i < KEPT_MESSAGES; i++) {
      keptBodies.push(`kept "message" ${i}\r\nü`)
      await sqs('SendMessage', { QueueUrl: keptUrl, MessageBody: keptBodies[i] })
    }

    const random = generator(SEED + 1)
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!
    const text = (): string => pick(['', 'x', 'ü😀', '"\r\n', '&lt;', '%', 'a'.repeat(300), '\u0001', '-1', '99999999999', 'true', 'All', '.*'])
    const attribute = (): Body => pick([
      { DataType: 'String', StringValue: text() }, { DataType: 'Number', StringValue: text() }, { DataType: 'Binary', BinaryValue: Buffer.from(text()).toString('base64') },
      { DataType: pick(['', 'Nope', 'String.', 'Binary.x']), StringValue: 'v' }, { StringValue: 'no type' }
    ])
    const bodies: Array<() => [string, Body]> = [
      () => ['SendMessage', { QueueUrl: targetUrl, MessageBody: text(), DelaySeconds: Math.floor(random() * 1000) - 50, MessageAttributes: { [pick(['a', 'b.c', '', 'AWS.x'])]: attribute() } }],
      () => ['SendMessageBatch', { QueueUrl: targetUrl, Entries: Array.from({ length: Math.floor(random() * 12) }, (_, i) => ({ Id: pick([`e${i}`, 'dup', 'bad id']), MessageBody: text() })) }],
      () => ['ReceiveMessage', { QueueUrl: targetUrl, MaxNumberOfMessages: Math.floor(random() * 12), VisibilityTimeout: Math.floor(random() * 3), AttributeNames: [pick(['All', 'SentTimestamp', 'Nope'])], MessageAttributeNames: [pick(['All', 'a', 'b.*'])] }],
      () => ['DeleteMessage', { QueueUrl: targetUrl, ReceiptHandle: text() }],
      () => ['DeleteMessageBatch', { QueueUrl: targetUrl, Entries: [{ Id: 'a', ReceiptHandle: text() }] }],
      () => ['ChangeMessageVisibility', { QueueUrl: targetUrl, ReceiptHandle: text(), VisibilityTimeout: Math.floor(random() * 50_000) }],
      () => ['ChangeMessageVisibilityBatch', { QueueUrl: targetUrl, Entries: [{ Id: 'a', ReceiptHandle: text(), VisibilityTimeout: 1 }] }],
      () => ['GetQueueAttributes', { QueueUrl: pick([targetUrl, `${targetUrl}x`, 'http://h/1/2', text()]), AttributeNames: [pick(['All', 'QueueArn', 'Bogus'])] }],
      () => ['SetQueueAttributes', { QueueUrl: targetUrl, Attributes: { [pick(['VisibilityTimeout', 'DelaySeconds', 'RedrivePolicy', 'Policy', 'FifoQueue', 'Bogus'])]: text() } }],
      () => ['CreateQueue', { QueueName: pick([uniqueName('fq'), text(), `${uniqueName('fq')}.fifo`]), Attributes: { [pick(['VisibilityTimeout', 'FifoQueue', 'Nope'])]: text() }, tags: { [text()]: text() } }],
      () => ['GetQueueUrl', { QueueName: text(), QueueOwnerAWSAccountId: pick(['000000000000', 'x', '']) }],
      () => ['ListQueues', { QueueNamePrefix: text(), MaxResults: Math.floor(random() * 1100) - 5 }],
      () => ['TagQueue', { QueueUrl: targetUrl, Tags: { [text()]: text() } }],
      () => ['UntagQueue', { QueueUrl: targetUrl, TagKeys: [text()] }],
      () => ['ListQueueTags', { QueueUrl: targetUrl }],
      () => ['AddPermission', { QueueUrl: targetUrl, Label: text(), AWSAccountIds: [pick(['444455556666', 'x'])], Actions: [pick(['SendMessage', '*', 'Nope'])] }],
      () => ['RemovePermission', { QueueUrl: targetUrl, Label: text() }],
      () => ['ListDeadLetterSourceQueues', { QueueUrl: targetUrl, MaxResults: Math.floor(random() * 5) }],
      () => ['StartMessageMoveTask', { SourceArn: text() }],
      () => ['ListMessageMoveTasks', { SourceArn: text(), MaxResults: Math.floor(random() * 12) }],
      () => ['CancelMessageMoveTask', { TaskHandle: text() }],
      () => ['DeleteQueue', { QueueUrl: `http://h/000000000000/${uniqueName('absent')}` }],
      () => ['PurgeQueue', { QueueUrl: targetUrl }]
    ]
    const junk = (): unknown => pick<() => unknown>([() => true, () => 0, () => -1, () => 2 ** 64, () => 3.5, () => null, () => '', () => [], () => ({}), () => [1, 'two'], () => ({ a: { b: [null] } }), () => '\u0000'])()
    const mutate = (body: Body): Body => {
      const out: Body = { ...body }
      const keys = Object.keys(out)
      const r = random()
      if (r < 0.4 && keys.length > 0) out[pick(keys)] = junk()
      else if (r < 0.6 && keys.length > 0) delete out[pick(keys)]
      else if (r < 0.75) out[pick(['Surprise', 'QueueUrl', 'Entries', 'MessageBody'])] = junk()
      return out
    }
    const mutateForm = (form: string): string => {
      const r = random()
      if (r < 0.2) return form.replace(/\.(\d+)\./, pick(['.0.', '.x.', '..', '.-1.', '.99999999999999999999.']))
      if (r < 0.35) return form.slice(0, Math.floor(random() * form.length))
      if (r < 0.5) return `${form}&${pick(['%zz', '=', '&&&', 'Action=Other', 'Attribute.1.Value=orphan', 'a.b.c.d.e=1', 'MessageAttribute.1.Value.BinaryValue=!!'])}`
      if (r < 0.6) return form.replace(/=[^&]*/, `=${pick(['', '%00', '%FF%FE', 'x'.repeat(2000)])}`)
      return form
    }
    const names = new Map<string, number>()
    try {
      for (let i = 0; i < REQUESTS; i++) {
        const [action, valid] = pick(bodies)()
        const structured = random() < 0.5 ? mutate(valid) : valid
        const asQuery = random() < 0.5
        let headers = asQuery ? queryHeaders() : sqsJsonHeaders(action)
        let body: string | Buffer = asQuery ? new URLSearchParams(queryParams(action, structured)).toString() : JSON.stringify(structured)
        if (asQuery && random() < 0.4) body = mutateForm(body)
        if (!asQuery && random() < 0.15) body = Buffer.from(body).subarray(0, Math.floor(random() * body.length))
        if (random() < 0.08) headers = { ...headers, ...scopedAuth(pick(['sns', 'kinesis', ''])) }
        if (random() < 0.05) headers.authorization = pick(['', 'x', 'AWS4-HMAC-SHA256 Credential=a'])
        if (!asQuery && random() < 0.08) headers['content-type'] = pick(['application/x-www-form-urlencoded', 'text/plain', 'application/x-amz-cbor-1.1'])
        const path = random() < 0.3 ? pick([new URL(targetUrl).pathname, '/000000000000/absent', '/x/y/z', '/?Action=ListQueues']) : '/'
        const method = random() < 0.05 ? pick(['GET', 'PUT', 'DELETE']) : 'POST'
        const res = await conn.send({ method, path, headers, body })
        const what = `request ${i} (${method} ${path} ${asQuery ? 'Query' : 'JSON'} ${action}): ${res.status} ${res.body.toString().slice(0, 300)}`
        expect(res.sameConnection, what).toBe(true)
        expect(res.headers['x-amzn-requestid'], what).toBeTypeOf('string')
        if (res.status !== 200) {
          expect(res.status >= 400 && res.status < 500, what).toBe(true)
          const name = sqsErrorName(res)
          expect(name, what).toMatch(/^[A-Za-z#.]+$/)
          names.set(name!, (names.get(name!) ?? 0) + 1)
        }
      }
      expect(names.size).toBeGreaterThan(8)
      const counts = await sqs('GetQueueAttributes', { QueueUrl: keptUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed'] })
      expect(counts.Attributes).toEqual({ ApproximateNumberOfMessages: String(KEPT_MESSAGES), ApproximateNumberOfMessagesNotVisible: '0', ApproximateNumberOfMessagesDelayed: '0' })
      const received: string[] = []
      while (received.length < KEPT_MESSAGES) {
        const page = await sqs('ReceiveMessage', { QueueUrl: keptUrl, MaxNumberOfMessages: 10 })
        const messages = (page.Messages ?? []) as Array<{ Body: string }>
        if (messages.length === 0) break
        received.push(...messages.map((m) => m.Body))
      }
      expect(received.sort()).toEqual([...keptBodies].sort())
    } finally {
      conn.close()
    }
  }, 600_000)
})
