/**
 * Stream ARNs: every operation that names a stream takes its name, its ARN, or both when
 * they agree; neither is a validation error, a disagreement INVALID_ARGUMENT, and an ARN
 * of another region, account or partition names no stream here.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { StreamClient, StreamRef } from '../client/index.js'
import { expectValidation, shardId } from './helpers/control-plane.js'
import { expectRawError, expectSerializationFailed, message, stringField, tag } from './helpers/protowire.js'
import { expectCode, rawCall, startServer, uniqueName, type TestServer } from './helpers/server.js'

let srv: TestServer
let client: StreamClient

beforeAll(async () => {
  srv = await startServer()
  client = srv.client
})

afterAll(async () => {
  await srv?.close()
})

function arnOf (name: string, region = 'us-east-1', account = '000000000000', partition = 'aws'): string {
  return `arn:${partition}:kinesis:${region}:${account}:stream/${name}`
}

async function newStream (): Promise<string> {
  const streamName = uniqueName('arn')
  await client.createStream({ streamName, shardCount: 1 })
  return streamName
}

type Call = (c: StreamClient, ref: StreamRef) => Promise<unknown>

/** Every operation that names a stream, with harmless arguments besides the reference. */
const OPS: Array<[string, Call]> = [
  ['DescribeStream', (c, ref) => c.describeStream(ref)],
  ['DescribeStreamSummary', (c, ref) => c.describeStreamSummary(ref)],
  ['ListShards', (c, ref) => c.listShards(ref)],
  ['IncreaseStreamRetentionPeriod', (c, ref) => c.increaseStreamRetentionPeriod({ ...ref, retentionPeriodHours: 48 })],
  ['DecreaseStreamRetentionPeriod', (c, ref) => c.decreaseStreamRetentionPeriod({ ...ref, retentionPeriodHours: 24 })],
  ['AddTagsToStream', (c, ref) => c.addTagsToStream({ ...ref, tags: { via: 'ref' } })],
  ['RemoveTagsFromStream', (c, ref) => c.removeTagsFromStream({ ...ref, tagKeys: ['via'] })],
  ['ListTagsForStream', (c, ref) => c.listTagsForStream(ref)],
  ['PutRecord', (c, ref) => c.putRecord({ ...ref, partitionKey: 'k', data: 'x' })],
  ['PutRecords', (c, ref) => c.putRecords({ ...ref, records: [{ partitionKey: 'k', data: 'x' }] })],
  ['GetShardIterator', (c, ref) => c.getShardIterator({ ...ref, shardId: shardId(0), shardIteratorType: 'TRIM_HORIZON' })],
  ['DeleteStream', (c, ref) => c.deleteStream(ref)]
]

/** RPC name and the field number of stream_arn, for hand-built requests. */
const ARN_FIELDS: Array<[string, number]> = [
  ['DeleteStream', 3],
  ['DescribeStream', 4],
  ['DescribeStreamSummary', 2],
  ['ListShards', 7],
  ['ListTagsForStream', 4]
]

async function readShard (streamName: string): Promise<string[]> {
  const { shardIterator } = await client.getShardIterator({ streamName, shardId: shardId(0), shardIteratorType: 'TRIM_HORIZON' })
  return (await client.getRecords({ shardIterator })).records.map((r) => r.data.toString('utf8'))
}

/** A stream nothing has touched: still there, default retention, no tags, no records. */
async function expectUntouched (streamName: string): Promise<void> {
  expect((await client.describeStream({ streamName })).streamDescription.retentionPeriodHours).toBe(24)
  expect((await client.listTagsForStream({ streamName })).tags).toEqual([])
  expect(await readShard(streamName)).toEqual([])
}

describe('stream ARN serialization', () => {
  it.each(ARN_FIELDS)('%s reads stream_arn from field %i of a hand-built request', async (rpc, field) => {
    const streamName = await newStream()
    const result = await rawCall(srv.endpoint, rpc, stringField(field, arnOf(streamName)))
    expect(result.code, result.details).toBe(0)
  })

  it.each(ARN_FIELDS)('%s rejects a stream_arn followed by a field of an invalid wire type', async (rpc, field) => {
    const streamName = await newStream()
    expectSerializationFailed(await rawCall(srv.endpoint, rpc, message(stringField(field, arnOf(streamName)), tag(9, 7), Buffer.from([0x01]))))
    await expectUntouched(streamName)
  })

  it.each(ARN_FIELDS.filter(([rpc]) => rpc !== 'ListShards'))('%s reads an empty body as a request without name or ARN', async (rpc) => {
    const result = await rawCall(srv.endpoint, rpc, Buffer.alloc(0))
    expectRawError(result, 'VALIDATION_FAILED', 3, 'ValidationException')
    // As AWS words it: with neither, the name is the missing member.
    expect(result.details).toBe("1 validation error detected: Value null at 'stream_name' failed to satisfy constraint: Member must not be null")
  })

  it('ListShards reads an empty body as a request naming neither a stream nor a NextToken', async () => {
    const result = await rawCall(srv.endpoint, 'ListShards', Buffer.alloc(0))
    expectRawError(result, 'INVALID_ARGUMENT', 3, 'InvalidArgumentException')
  })
})

describe('stream ARN validation', () => {
  it.each(OPS.filter(([op]) => op !== 'ListShards'))('%s needs a stream name or ARN', async (_, call) => {
    const err = await expectCode(call(client, {}), 'VALIDATION_FAILED')
    expect(err.grpcStatus).toBe(3)
    expect(err.awsType).toBe('ValidationException')
    expect(err.message).toContain("Value null at 'stream_name' failed to satisfy constraint: Member must not be null")
  })

  it('ListShards needs a stream name, ARN or NextToken', async () => {
    const err = await expectCode(client.listShards({}), 'INVALID_ARGUMENT')
    expect(err.message).toBe('Either NextToken or StreamName should be provided.')
  })

  it.each([
    ['a service other than kinesis', 'arn:aws:sqs:us-east-1:000000000000:stream/x'],
    ['an account id that is not 12 digits', 'arn:aws:kinesis:us-east-1:123:stream/x'],
    ['no stream name', 'arn:aws:kinesis:us-east-1:000000000000:stream/'],
    ['a space in the name', 'arn:aws:kinesis:us-east-1:000000000000:stream/a b'],
    ['a consumer resource', 'arn:aws:kinesis:us-east-1:000000000000:consumer/x'],
    ['no arn: prefix', 'kinesis:us-east-1:000000000000:stream/x']
  ])('rejects an ARN with %s by pattern', async (_, streamArn) => {
    await expectValidation(client.describeStream({ streamArn }), 'stream_arn', 'Member must satisfy regular expression pattern: arn:aws.*:kinesis:.*:\\d{12}:stream/\\S+')
  })

  it('rejects an empty ARN and one longer than 2048 characters', async () => {
    await expectValidation(client.describeStreamSummary({ streamArn: '' }), 'stream_arn', 'Member must have length greater than or equal to 1')
    await expectValidation(client.describeStreamSummary({ streamArn: arnOf('x'.repeat(2048)) }), 'stream_arn', 'Member must have length less than or equal to 2048')
  })

  it('validates the ARN of every operation', async () => {
    for (const [, call] of OPS) {
      await expectValidation(call(client, { streamArn: 'arn:aws:kinesis:nope' }), 'stream_arn', 'Member must satisfy regular expression pattern')
    }
  })
})

describe('stream ARN functionality', () => {
  it.each(OPS)('%s accepts streamArn alone', async (_, call) => {
    const streamName = await newStream()
    await call(client, { streamArn: arnOf(streamName) })
  })

  it.each(OPS)('%s accepts a name and an ARN that agree', async (_, call) => {
    const streamName = await newStream()
    await call(client, { streamName, streamArn: arnOf(streamName) })
  })

  it('acts on the stream the ARN names', async () => {
    const streamName = await newStream()
    const streamArn = arnOf(streamName)
    const { streamDescription } = await client.describeStream({ streamArn })
    expect(streamDescription.streamName).toBe(streamName)
    expect(streamDescription.streamArn).toBe(streamArn)
    await client.increaseStreamRetentionPeriod({ streamArn, retentionPeriodHours: 72 })
    await client.addTagsToStream({ streamArn, tags: { a: '1', b: '2' } })
    await client.removeTagsFromStream({ streamArn, tagKeys: ['a'] })
    const put = await client.putRecord({ streamArn, partitionKey: 'k', data: 'one' })
    await client.putRecords({ streamArn, records: [{ partitionKey: 'k', data: 'two' }] })
    expect((await client.describeStreamSummary({ streamName })).streamDescriptionSummary.retentionPeriodHours).toBe(72)
    expect((await client.listTagsForStream({ streamName })).tags).toEqual([{ key: 'b', value: '2' }])
    expect(await readShard(streamName)).toEqual(['one', 'two'])
    const { shardIterator } = await client.getShardIterator({ streamArn, shardId: put.shardId, shardIteratorType: 'AT_SEQUENCE_NUMBER', startingSequenceNumber: put.sequenceNumber })
    expect((await client.getRecords({ shardIterator, streamArn })).records.map((r) => r.data.toString())).toEqual(['one', 'two'])
    await client.deleteStream({ streamArn })
    await expectCode(client.describeStream({ streamName }), 'STREAM_NOT_FOUND')
  })

  it('refuses GetRecords when the ARN is not the stream of the iterator', async () => {
    const streamName = await newStream()
    const other = await newStream()
    await client.putRecord({ streamName, partitionKey: 'k', data: 'x' })
    const { shardIterator } = await client.getShardIterator({ streamName, shardId: shardId(0), shardIteratorType: 'TRIM_HORIZON' })
    await expectCode(client.getRecords({ shardIterator, streamArn: arnOf(other) }), 'STREAM_NOT_FOUND')
  })

  it.each(OPS)('%s refuses a name and an ARN that disagree with INVALID_ARGUMENT, touching neither stream', async (_, call) => {
    const streamName = await newStream()
    const other = await newStream()
    const err = await expectCode(call(client, { streamName, streamArn: arnOf(other) }), 'INVALID_ARGUMENT')
    expect(err.grpcStatus).toBe(3)
    expect(err.awsType).toBe('InvalidArgumentException')
    await expectUntouched(streamName)
    await expectUntouched(other)
  })

  it.each(OPS)('%s answers STREAM_NOT_FOUND for an ARN of another account, region or partition', async (op, call) => {
    const streamName = await newStream()
    // As AWS: GetShardIterator answers a missing stream as a missing shard.
    const code = op === 'GetShardIterator' ? 'SHARD_NOT_FOUND' : 'STREAM_NOT_FOUND'
    for (const streamArn of [arnOf(streamName, 'us-east-1', '111111111111'), arnOf(streamName, 'eu-west-1'), arnOf(streamName, 'us-east-1', '000000000000', 'aws-cn')]) {
      const err = await expectCode(call(client, { streamArn }), code)
      expect(err.grpcStatus).toBe(5)
      expect(err.awsType).toBe('ResourceNotFoundException')
    }
    await expectUntouched(streamName)
  })

  it('answers STREAM_NOT_FOUND for an ARN of this account that names no stream', async () => {
    await expectCode(client.describeStream({ streamArn: arnOf(uniqueName('arn-none')) }), 'STREAM_NOT_FOUND')
  })

  describe('on a server of another region and account', () => {
    let other: TestServer

    beforeAll(async () => {
      other = await startServer({ region: 'eu-west-1', accountId: '123456789012' })
    })

    afterAll(async () => {
      await other?.close()
    })

    it('builds ARNs from its region and account and only accepts those', async () => {
      const streamName = uniqueName('arn-eu')
      await other.client.createStream({ streamName, shardCount: 1 })
      const streamArn = 'arn:aws:kinesis:eu-west-1:123456789012:stream/' + streamName
      expect((await other.client.describeStream({ streamName })).streamDescription.streamArn).toBe(streamArn)
      expect((await other.client.describeStreamSummary({ streamName })).streamDescriptionSummary.streamArn).toBe(streamArn)
      expect((await other.client.listStreams({})).streamSummaries.find((s) => s.streamName === streamName)?.streamArn).toBe(streamArn)
      expect((await other.client.describeStreamSummary({ streamArn })).streamDescriptionSummary.streamName).toBe(streamName)
      await expectCode(other.client.describeStreamSummary({ streamArn: arnOf(streamName) }), 'STREAM_NOT_FOUND')
    })
  })
})
