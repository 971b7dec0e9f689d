/**
 * The HTTP API below any SDK: protocol sniffing, content types, targets, authorization
 * presence, body syntax and size, AWS JSON type rules, and the CBOR encoding.
 */
import { EventStreamCodec } from '@smithy/eventstream-codec'
import { fromUtf8, toUtf8 } from '@smithy/util-utf8'
import { Decoder, Encoder, Tag } from 'cbor-x'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DUMMY_AUTH, kinesisHeaders, rawHttp1, rawHttp2 } from './helpers/raw-http.js'
import { startServer, uniqueName, type TestServer } from './helpers/server.js'

let ts: TestServer
let port: number
let stream: string

beforeAll(async () => {
  ts = await startServer({ limits: 'off' })
  port = ts.server.httpPort
  stream = uniqueName('raw')
  const created = await rawHttp1(port, { headers: kinesisHeaders('CreateStream'), body: JSON.stringify({ StreamName: stream, ShardCount: 1 }) })
  expect(created.status, created.body.toString()).toBe(200)
})

afterAll(async () => {
  await ts.close()
})

function expectAwsError (res: { status: number, json: Record<string, unknown> | undefined, headers: Record<string, unknown> }, status: number, type: string, message?: RegExp): void {
  expect(res.status, JSON.stringify(res.json)).toBe(status)
  expect(res.json?.__type).toBe(type)
  expect(res.json?.message).toBeTypeOf('string')
  if (message !== undefined) expect(res.json?.message).toMatch(message)
}

/** An error AWS answers with its type alone; shardline's own words travel in a header. */
function expectBareError (res: { status: number, json: Record<string, unknown> | undefined, headers: Record<string, unknown> }, status: number, type: string): void {
  expect(res.status, JSON.stringify(res.json)).toBe(status)
  expect(res.json).toEqual({ __type: type })
  expect(res.headers['x-shardline-message']).toBeTypeOf('string')
}

describe('one port, two protocols', () => {
  it('answers HTTP/1.1 and HTTP/2 with prior knowledge alike', async () => {
    const body = JSON.stringify({ StreamName: stream })
    const one = await rawHttp1(port, { headers: kinesisHeaders('DescribeStreamSummary'), body })
    const two = await rawHttp2(port, { headers: kinesisHeaders('DescribeStreamSummary'), body })
    expect(one.status).toBe(200)
    expect(two.status).toBe(200)
    expect(one.headers['content-type']).toBe('application/x-amz-json-1.1')
    expect(two.headers['content-type']).toBe('application/x-amz-json-1.1')
    expect(one.headers['x-amzn-requestid']).toMatch(/^[0-9a-f-]{36}$/)
    expect(one.json).toEqual(two.json)
    expect((one.json?.StreamDescriptionSummary as Record<string, unknown>).StreamName).toBe(stream)
  })
})

describe('requests AWS would refuse', () => {
  it('an empty or malformed body is a SerializationException with no message, as AWS answers it', async () => {
    expectBareError(await rawHttp1(port, { headers: kinesisHeaders('DescribeStream'), body: '{"StreamName": ' }), 400, 'SerializationException')
    expectBareError(await rawHttp2(port, { headers: kinesisHeaders('DescribeStream'), body: '[1, 2]' }), 400, 'SerializationException')
    expectBareError(await rawHttp1(port, { headers: kinesisHeaders('ListStreams') }), 400, 'SerializationException')
  })

  it('a member of the wrong JSON type is a SerializationException in AWS\'s words; unknown members and nulls are ignored', async () => {
    const wrong = await rawHttp1(port, { headers: kinesisHeaders('CreateStream'), body: JSON.stringify({ StreamName: uniqueName('t'), ShardCount: '1' }) })
    expect(wrong.status).toBe(400)
    expect(wrong.json).toEqual({ __type: 'SerializationException', Message: 'class java.lang.String can not be converted to an Integer' })
    const blob = await rawHttp1(port, { headers: kinesisHeaders('PutRecord'), body: JSON.stringify({ StreamName: stream, PartitionKey: 'a', Data: 'not base64!!' }) })
    expect(blob.json).toEqual({ __type: 'SerializationException', Message: "'not base64!!' can not be converted to a Blob: Invalid Base64 character: ' '" })
    const list = await rawHttp1(port, { headers: kinesisHeaders('PutRecords'), body: JSON.stringify({ StreamName: stream, Records: { PartitionKey: 'a' } }) })
    expect(list.json).toEqual({ __type: 'SerializationException', Message: 'Start of structure or map found where not expected.' })
    // A constraint of several members is named the AWS way too.
    expectAwsError(await rawHttp1(port, { headers: kinesisHeaders('CreateStream'), body: JSON.stringify({ StreamName: uniqueName('t') }) }), 400, 'ValidationException', /^1 validation error detected: Value null at 'shardCount' failed to satisfy constraint: Member must not be null$/)
    const ok = await rawHttp1(port, { headers: kinesisHeaders('DescribeStreamSummary'), body: JSON.stringify({ StreamName: stream, Surprise: 1, StreamARN: null }) })
    expect(ok.status, ok.body.toString()).toBe(200)
  })

  it('lists every failed constraint of a ValidationException by its AWS member name', async () => {
    const res = await rawHttp1(port, { headers: kinesisHeaders('GetShardIterator'), body: JSON.stringify({ StreamName: 'bad name', ShardId: '', ShardIteratorType: 'SOMEWHERE' }) })
    expectAwsError(res, 400, 'ValidationException', /^4 validation errors detected: /)
    expect(res.json?.message).toMatch(/at 'streamName' failed to satisfy constraint: Member must satisfy regular expression pattern/)
    expect(res.json?.message).toMatch(/at 'shardId' failed to satisfy constraint: Member must have length greater than or equal to 1/)
    expect(res.json?.message).toMatch(/at 'shardIteratorType' failed to satisfy constraint: Member must satisfy enum value set: \[AFTER_SEQUENCE_NUMBER, LATEST, AT_TIMESTAMP, AT_SEQUENCE_NUMBER, TRIM_HORIZON\]/)
  })

  it('names members the AWS way in every message, and leaves names given by the user alone', async () => {
    const badIterator = await rawHttp1(port, { headers: kinesisHeaders('GetRecords'), body: JSON.stringify({ ShardIterator: 'A'.repeat(40) }) })
    expectAwsError(badIterator, 400, 'InvalidArgumentException', /^Invalid ShardIterator\.$/)
    const listed = await rawHttp1(port, { headers: kinesisHeaders('ListShards'), body: JSON.stringify({ StreamName: stream, MaxResults: 1 }) })
    const both = await rawHttp1(port, { headers: kinesisHeaders('ListShards'), body: JSON.stringify({ ExclusiveStartShardId: 'shardId-000000000000', NextToken: listed.json?.NextToken ?? 'x' }) })
    expectAwsError(both, 400, 'InvalidArgumentException', /NextToken .*ExclusiveStartShardId/)
    for (const res of [badIterator, both]) expect(res.json?.message).not.toMatch(/\b[a-z]+_[a-z_]+\b/)
    const underscored = uniqueName('stream_name').replace(/-/g, '_')
    const absent = await rawHttp1(port, { headers: kinesisHeaders('DescribeStreamSummary'), body: JSON.stringify({ StreamName: underscored }) })
    expectAwsError(absent, 400, 'ResourceNotFoundException')
    expect(absent.json?.message).toContain(`Stream ${underscored} `)
  })

  it('a content type other than AWS JSON 1.1 or CBOR 1.1 is answered as AWS answers it', async () => {
    // A known media type AWS's old framework serves: JSON 1.0, which knows no Kinesis operation.
    const deprecated = await rawHttp1(port, { headers: kinesisHeaders('ListStreams', { 'content-type': 'application/json' }), body: '{}' })
    expect(deprecated.status).toBe(404)
    expect(deprecated.json).toEqual({ Output: { __type: 'com.amazon.coral.service#UnknownOperationException' }, Version: '1.0' })
    // Anything else, with a target: the operation is unknown, in XML.
    const other = await rawHttp1(port, { headers: kinesisHeaders('ListStreams', { 'content-type': 'text/plain' }), body: '{}' })
    expect(other.status).toBe(404)
    expect(other.body.toString()).toBe('<UnknownOperationException/>\n')
    expect(other.headers['content-type']).toBeUndefined()
  })

  it('an unknown or missing target is an UnknownOperationException with no message', async () => {
    expectBareError(await rawHttp1(port, { headers: kinesisHeaders('SendMessage'), body: '{}' }), 400, 'UnknownOperationException')
    expectBareError(await rawHttp2(port, { headers: kinesisHeaders('ListStreams', { 'x-amz-target': 'DynamoDB_20120810.ListTables' }), body: '{}' }), 400, 'UnknownOperationException')
    const { 'x-amz-target': _, ...noTarget } = kinesisHeaders('ListStreams')
    expectBareError(await rawHttp1(port, { headers: noTarget, body: '{}' }), 400, 'UnknownOperationException')
  })

  it('a method other than POST is an AccessDeniedException in XML (403), as AWS answers it', async () => {
    for (const method of ['GET', 'PUT', 'DELETE']) {
      const res = await rawHttp1(port, { method, headers: kinesisHeaders('ListStreams') })
      expect(res.status).toBe(403)
      expect(res.body.toString()).toBe('<AccessDeniedException>\n  <Message>Unable to determine service/operation name to be authorized</Message>\n</AccessDeniedException>\n')
    }
  })

  it('a request without a signature is a MissingAuthenticationTokenException; a partial one an IncompleteSignatureException', async () => {
    const headers = { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'Kinesis_20131202.ListStreams' }
    expectAwsError(await rawHttp1(port, { headers, body: '{}' }), 400, 'MissingAuthenticationTokenException', /^Missing Authentication Token$/)
    expectAwsError(await rawHttp2(port, { headers, body: '{}' }), 400, 'MissingAuthenticationTokenException')
    // An empty Authorization header is none.
    expectAwsError(await rawHttp1(port, { headers: { ...headers, authorization: '' }, body: '{}' }), 400, 'MissingAuthenticationTokenException')
    const partial = { ...headers, authorization: 'AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/kinesis/aws4_request', 'x-amz-date': DUMMY_AUTH['x-amz-date']! }
    expectAwsError(await rawHttp1(port, { headers: partial, body: '{}' }), 400, 'IncompleteSignatureException', /requires 'Signature' parameter.*requires 'SignedHeaders' parameter/)
  })
})

describe('body size', () => {
  it('takes the largest valid PutRecords (10 MiB of data, base64 in JSON)', async () => {
    const data = Buffer.alloc(20_960, 7).toString('base64')
    const records = Array.from({ length: 500 }, (_, i) => ({ PartitionKey: `k${i}`, Data: data }))
    const res = await rawHttp1(port, { headers: kinesisHeaders('PutRecords'), body: JSON.stringify({ StreamName: stream, Records: records }) })
    expect(res.status, res.body.toString().slice(0, 300)).toBe(200)
    expect(res.json?.FailedRecordCount).toBe(0)
  })

  it('refuses a body over 16 MiB with 413 and a clear error', async () => {
    const body = JSON.stringify({ StreamName: stream, PartitionKey: 'a', Data: Buffer.alloc(13 * 1024 * 1024).toString('base64') })
    const res = await rawHttp1(port, { headers: kinesisHeaders('PutRecord'), body })
    expectAwsError(res, 413, 'RequestEntityTooLargeException', /larger than 16777216 bytes/)
  })
})

describe('CBOR 1.1 (the AWS SDK for Java\'s encoding)', () => {
  const encoder = new Encoder({ mapsAsObjects: true, useRecords: false })
  const decoder = new Decoder({ mapsAsObjects: true, useRecords: false })
  const cborHeaders = (action: string): Record<string, string> => kinesisHeaders(action, { 'content-type': 'application/x-amz-cbor-1.1' })

  it('takes Data as a byte string and timestamps as tag 1 milliseconds, and answers the same way', async () => {
    const name = uniqueName('cbor')
    const created = await rawHttp2(port, { headers: cborHeaders('CreateStream'), body: encoder.encode({ StreamName: name, ShardCount: 1 }) })
    expect(created.status).toBe(200)
    expect(created.headers['content-type']).toBe('application/x-amz-cbor-1.1')
    const put = await rawHttp1(port, { headers: cborHeaders('PutRecord'), body: encoder.encode({ StreamName: name, PartitionKey: 'p', Data: Buffer.from([0, 1, 2, 250]) }) })
    expect(put.status, put.body.toString()).toBe(200)
    const { SequenceNumber } = decoder.decode(put.body) as { SequenceNumber: string }
    const iteratorRes = await rawHttp1(port, {
      headers: cborHeaders('GetShardIterator'),
      body: encoder.encode({ StreamName: name, ShardId: 'shardId-000000000000', ShardIteratorType: 'AT_TIMESTAMP', Timestamp: new Tag(BigInt(Date.now() - 60_000), 1) })
    })
    expect(iteratorRes.status, iteratorRes.body.toString()).toBe(200)
    const { ShardIterator } = decoder.decode(iteratorRes.body) as { ShardIterator: string }
    const got = await rawHttp1(port, { headers: cborHeaders('GetRecords'), body: encoder.encode({ ShardIterator }) })
    expect(got.status).toBe(200)
    const { Records } = decoder.decode(got.body) as { Records: Array<{ SequenceNumber: string, Data: Uint8Array, ApproximateArrivalTimestamp: { value: bigint } }> }
    expect(Records.map((r) => r.SequenceNumber)).toEqual([SequenceNumber])
    expect([...Records[0]!.Data]).toEqual([0, 1, 2, 250])
    const arrival = Number(Records[0]!.ApproximateArrivalTimestamp.value)
    expect(Math.abs(arrival - Date.now())).toBeLessThan(60_000)
  })

  it('streams SubscribeToShard events with CBOR payloads', async () => {
    const name = uniqueName('cbor-sub')
    const json = (action: string, body: object): Promise<unknown> => rawHttp1(port, { headers: kinesisHeaders(action), body: JSON.stringify(body) }).then((r) => r.json)
    await json('CreateStream', { StreamName: name, ShardCount: 1 })
    await json('PutRecord', { StreamName: name, PartitionKey: 'p', Data: Buffer.from('cbor event').toString('base64') })
    // A closed shard ends its subscription, so the whole response can be read.
    await json('SplitShard', { StreamName: name, ShardToSplit: 'shardId-000000000000', NewStartingHashKey: (1n << 127n).toString() })
    const { Consumer } = await json('RegisterStreamConsumer', { StreamARN: `arn:aws:kinesis:us-east-1:000000000000:stream/${name}`, ConsumerName: 'java' }) as { Consumer: { ConsumerARN: string } }
    const res = await rawHttp2(port, { headers: cborHeaders('SubscribeToShard'), body: encoder.encode({ ConsumerARN: Consumer.ConsumerARN, ShardId: 'shardId-000000000000', StartingPosition: { Type: 'TRIM_HORIZON' } }) })
    expect(res.status).toBe(200)
    expect(res.headers['content-type']).toBe('application/vnd.amazon.eventstream')
    const codec = new EventStreamCodec(toUtf8, fromUtf8)
    const messages = []
    for (let at = 0; at < res.body.length; at += res.body.readUInt32BE(at)) messages.push(codec.decode(res.body.subarray(at, at + res.body.readUInt32BE(at))))
    expect(messages.map((m) => m.headers[':event-type']?.value)).toEqual(['initial-response', 'SubscribeToShardEvent'])
    expect(messages[1]!.headers[':content-type']?.value).toBe('application/x-amz-cbor-1.1')
    const event = decoder.decode(messages[1]!.body) as { Records: Array<{ Data: Uint8Array }>, ChildShards: Array<{ ShardId: string }> }
    expect(Buffer.from(event.Records[0]!.Data).toString()).toBe('cbor event')
    expect(event.ChildShards.map((c) => c.ShardId)).toEqual(['shardId-000000000001', 'shardId-000000000002'])
  })

  it('answers errors in CBOR', async () => {
    const res = await rawHttp1(port, { headers: cborHeaders('DescribeStream'), body: encoder.encode({ StreamName: uniqueName('absent') }) })
    expect(res.status).toBe(400)
    expect(decoder.decode(res.body)).toMatchObject({ __type: 'ResourceNotFoundException' })
  })
})
