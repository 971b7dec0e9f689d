/**
 * AWS's exact answers over the HTTP API, case by case: the status, the error name, the
 * body's shape (`message`, `Message` for a SerializationException, or `__type` alone) and
 * the message text, as AWS writes them, against a real server.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { kinesisHeaders, rawHttp1, type RawResponse } from './helpers/raw-http.js'
import { ManualClock, startServer, uniqueName, type TestServer } from './helpers/server.js'

let ts: TestServer
let stream: string
let sequenceNumber: string
const clock = new ManualClock(Date.UTC(2026, 0, 1, 12))
const ACCOUNT = '000000000000'

async function post (action: string, body: unknown, extra: Record<string, string> = {}): Promise<RawResponse> {
  return await rawHttp1(ts.server.httpPort, { headers: kinesisHeaders(action, extra), body: typeof body === 'string' ? body : JSON.stringify(body) })
}

beforeAll(async () => {
  ts = await startServer({ clock: clock.now })
  stream = uniqueName('msg')
  expect((await post('CreateStream', { StreamName: stream, ShardCount: 3 })).status).toBe(200)
  const put = await post('PutRecord', { StreamName: stream, PartitionKey: 'a', Data: 'AAAA', ExplicitHashKey: '0' })
  sequenceNumber = put.json?.SequenceNumber as string
})

afterAll(async () => {
  await ts.close()
})

const serialization = (Message: string): Record<string, string> => ({ __type: 'SerializationException', Message })
const validation = (...lines: string[]): Record<string, string> => ({
  __type: 'ValidationException',
  message: `${lines.length} validation error${lines.length === 1 ? '' : 's'} detected: ${lines.join('; ')}`
})
const invalid = (message: string): Record<string, string> => ({ __type: 'InvalidArgumentException', message })
const notFound = (message: string): Record<string, string> => ({ __type: 'ResourceNotFoundException', message })
const NUMBER = 'class com.amazon.coral.value.json.numbers.TruncatingBigNumber'
/** A number in the current layout's range whose layout version (its last hex digit) is 5: no layout AWS knows. */
const UNKNOWN_LAYOUT = BigInt(`0x2${'0'.repeat(45)}5`).toString()

type Case = [string, string, () => unknown, () => Record<string, string>]

describe('SerializationException: a member of the wrong type, in the words of AWS\'s Java deserializer', () => {
  const cases: Case[] = [
    ['a boolean for a string', 'DescribeStream', () => ({ StreamName: false }), () => serialization('class java.lang.Boolean can not be converted to an String')],
    ['a number for a string', 'PutRecord', () => ({ StreamName: stream, PartitionKey: 12.5, Data: '' }), () => serialization(`${NUMBER} can not be converted to an String`)],
    ['a list for a string', 'DescribeStream', () => ({ StreamName: ['x'] }), () => serialization('Start of list found where not expected')],
    ['a map for a string', 'DescribeStream', () => ({ StreamName: { x: 1 } }), () => serialization('Start of structure or map found where not expected.')],
    ['a string for an integer', 'ListStreams', () => ({ Limit: '5' }), () => serialization('class java.lang.String can not be converted to an Integer')],
    ['a boolean for an integer', 'GetRecords', () => ({ ShardIterator: 'x', Limit: true }), () => serialization('class java.lang.Boolean can not be converted to an Integer')],
    ['a string for a boolean', 'DeleteStream', () => ({ StreamName: stream, EnforceConsumerDeletion: 'maybe' }), () => serialization("'MAYBE' can not be converted to an Boolean")],
    ['a number for a boolean', 'DeleteStream', () => ({ StreamName: stream, EnforceConsumerDeletion: 1 }), () => serialization(`${NUMBER} can not be converted to an Boolean`)],
    ['a number for a blob', 'PutRecord', () => ({ StreamName: stream, PartitionKey: 'a', Data: 7 }), () => serialization(`${NUMBER} can not be converted to a Blob`)],
    ['base64 of a bad length', 'PutRecord', () => ({ StreamName: stream, PartitionKey: 'a', Data: 'QUJD=' }), () => serialization("'QUJD=' can not be converted to a Blob: Base64 encoded length is expected a multiple of 4 bytes but found: 5")],
    ['base64 with a character outside it', 'PutRecord', () => ({ StreamName: stream, PartitionKey: 'a', Data: 'ab_c' }), () => serialization("'ab_c' can not be converted to a Blob: Invalid Base64 character: '_'")],
    ['base64 with padding inside', 'PutRecord', () => ({ StreamName: stream, PartitionKey: 'a', Data: 'ab=cdefg' }), () => serialization("'ab=cdefg' can not be converted to a Blob: Invalid Base64 character: '='")],
    ['base64 whose last character leaves bits over', 'PutRecord', () => ({ StreamName: stream, PartitionKey: 'a', Data: 'QUJDRB==' }), () => serialization("'QUJDRB==' can not be converted to a Blob: Invalid last non-pad Base64 character dectected")],
    ['a string for a timestamp', 'GetShardIterator', () => ({ StreamName: stream, ShardId: 'shardId-0', ShardIteratorType: 'AT_TIMESTAMP', Timestamp: '2026-01-01' }), () => serialization('class java.lang.String can not be converted to milliseconds since epoch')],
    ['a scalar for a list', 'PutRecords', () => ({ StreamName: stream, Records: 'many' }), () => serialization('Expected list or null')],
    ['a map for a list', 'RemoveTagsFromStream', () => ({ StreamName: stream, TagKeys: { a: 1 } }), () => serialization('Start of structure or map found where not expected.')],
    ['a scalar for a map', 'AddTagsToStream', () => ({ StreamName: stream, Tags: 5 }), () => serialization('Expected map or null')],
    ['a list for a map', 'AddTagsToStream', () => ({ StreamName: stream, Tags: [] }), () => serialization('Start of list found where not expected')],
    ['a scalar for a structure', 'PutRecords', () => ({ StreamName: stream, Records: [true] }), () => serialization('Expected null')],
    ['a list for a structure', 'CreateStream', () => ({ StreamName: uniqueName('s'), StreamModeDetails: [] }), () => serialization('Start of list found where not expected')],
    ['a number for an enum', 'GetShardIterator', () => ({ StreamName: stream, ShardId: 'shardId-0', ShardIteratorType: 3 }), () => serialization(`${NUMBER} can not be converted to an String`)],
    ['a wrong member inside a list', 'PutRecords', () => ({ StreamName: stream, Records: [{ PartitionKey: 'a', Data: 'AAAA' }, { PartitionKey: 'b', Data: false }] }), () => serialization('class java.lang.Boolean can not be converted to a Blob')],
    // AWS reads the members in its own order: ShardCount before StreamName.
    ['the first wrong member in AWS\'s order', 'CreateStream', () => ({ StreamName: 1, ShardCount: 'x' }), () => serialization('class java.lang.String can not be converted to an Integer')]
  ]
  it.each(cases)('%s (%s)', async (_, action, body, expected) => {
    const res = await post(action, body())
    expect(res.status).toBe(400)
    expect(res.json).toEqual(expected())
  })
})

describe('ValidationException: every failed constraint in AWS\'s order and words', () => {
  const cases: Case[] = [
    ['a missing stream, and ShardCount first', 'CreateStream', () => ({}), () => validation(
      "Value null at 'shardCount' failed to satisfy constraint: Member must not be null",
      "Value null at 'streamName' failed to satisfy constraint: Member must not be null")],
    ['a pattern, then lengths, of one member', 'DescribeStream', () => ({ StreamName: '' }), () => validation(
      "Value '' at 'streamName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+",
      "Value '' at 'streamName' failed to satisfy constraint: Member must have length greater than or equal to 1")],
    ['a long name, quoted whole', 'DescribeStreamSummary', () => ({ StreamName: 'n'.repeat(129) }), () => validation(
      `Value '${'n'.repeat(129)}' at 'streamName' failed to satisfy constraint: Member must have length less than or equal to 128`)],
    ['value bounds', 'GetRecords', () => ({ ShardIterator: 'x', Limit: 0 }), () => validation(
      "Value '0' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1")],
    ['an integer truncated to a Java int before its bound is checked', 'CreateStream', () => ({ StreamName: uniqueName('s'), ShardCount: 1e12 }), () => validation(
      "Value '2147483647' at 'shardCount' failed to satisfy constraint: Member must have value less than or equal to 100000")],
    ['AWS\'s patterns as AWS writes them', 'SplitShard', () => ({ StreamName: stream, ShardToSplit: 'shardId-0', NewStartingHashKey: '01' }), () => validation(
      "Value '01' at 'newStartingHashKey' failed to satisfy constraint: Member must satisfy regular expression pattern: 0|([1-9]\\d{0,38})")],
    ['an enum in AWS\'s order', 'GetShardIterator', () => ({ StreamName: stream, ShardId: 'shardId-0', ShardIteratorType: 'OLDEST' }), () => validation(
      "Value 'OLDEST' at 'shardIteratorType' failed to satisfy constraint: Member must satisfy enum value set: [AFTER_SEQUENCE_NUMBER, LATEST, AT_TIMESTAMP, AT_SEQUENCE_NUMBER, TRIM_HORIZON]")],
    ['a member of a structure in a list', 'PutRecords', () => ({ StreamName: stream, Records: [{ PartitionKey: 'a', Data: '' }, { PartitionKey: '', Data: '', ExplicitHashKey: 'x' }] }), () => validation(
      "Value '' at 'records.2.member.partitionKey' failed to satisfy constraint: Member must have length greater than or equal to 1",
      "Value 'x' at 'records.2.member.explicitHashKey' failed to satisfy constraint: Member must satisfy regular expression pattern: 0|([1-9]\\d{0,38})")],
    ['a missing member of a structure in a list', 'PutRecords', () => ({ StreamName: stream, Records: [{ PartitionKey: 'a' }] }), () => validation(
      "Value null at 'records.1.member.data' failed to satisfy constraint: Member must not be null")],
    ['a list of structures, by their Java names', 'PutRecords', () => ({ StreamName: stream, Records: [] }), () => validation(
      "Value '[]' at 'records' failed to satisfy constraint: Member must have length greater than or equal to 1")],
    ['a list of strings, as one constraint on its members', 'RemoveTagsFromStream', () => ({ StreamName: stream, TagKeys: ['ok', ''] }), () => validation(
      "Value '[ok, ]' at 'tagKeys' failed to satisfy constraint: Member must satisfy constraint: [Member must have length less than or equal to 128, Member must have length greater than or equal to 1]")],
    ['a map\'s values, with the map as {k=v}', 'AddTagsToStream', () => ({ StreamName: stream, Tags: { a: '1', b: 'v'.repeat(257) } }), () => validation(
      `Value '{a=1, b=${'v'.repeat(257)}}' at 'tags' failed to satisfy constraint: Map value must satisfy constraint: [Member must have length less than or equal to 256, Member must have length greater than or equal to 0]`)],
    ['a map\'s keys', 'AddTagsToStream', () => ({ StreamName: stream, Tags: { '': 'x' } }), () => validation(
      "Value '{=x}' at 'tags' failed to satisfy constraint: Map keys must satisfy constraint: [Member must have length less than or equal to 128, Member must have length greater than or equal to 1]")],
    ['a map\'s size', 'AddTagsToStream', () => ({ StreamName: stream, Tags: {} }), () => validation(
      "Value '{}' at 'tags' failed to satisfy constraint: Member must have length greater than or equal to 1")],
    ['an ARN pattern', 'DescribeStream', () => ({ StreamARN: 'arn:aws:s3:::bucket' }), () => validation(
      "Value 'arn:aws:s3:::bucket' at 'streamARN' failed to satisfy constraint: Member must satisfy regular expression pattern: arn:aws.*:kinesis:.*:\\d{12}:stream/\\S+")]
  ]
  it.each(cases)('%s (%s)', async (_, action, body, expected) => {
    const res = await post(action, body())
    expect(res.status).toBe(400)
    expect(res.json).toEqual(expected())
  })

  it('reports at most 10 errors, a list of structures shown by their Java names', async () => {
    const records = Array.from({ length: 501 }, () => ({ PartitionKey: '', Data: '' }))
    const res = await post('PutRecords', { StreamName: '', Records: records })
    const entries = Array.from({ length: 501 }, () => 'com.amazonaws.kinesis.v20131202.PutRecordsRequestEntry@c965e310').join(', ')
    expect(res.json).toEqual(validation(
      `Value '[${entries}]' at 'records' failed to satisfy constraint: Member must have length less than or equal to 500`,
      ...Array.from({ length: 9 }, (_, i) => `Value '' at 'records.${i + 1}.member.partitionKey' failed to satisfy constraint: Member must have length greater than or equal to 1`)))
  })

  it('shows a blob as the Java buffer AWS holds it in', async () => {
    const { Encoder } = await import('cbor-x')
    // Over the model's 10 MiB bound, sent as a CBOR byte string to stay under the request limit.
    const size = 10 * 1024 * 1024 + 1
    const body = new Encoder({ mapsAsObjects: true, useRecords: false }).encode({ StreamName: stream, PartitionKey: 'a', Data: Buffer.alloc(size) })
    const res = await rawHttp1(ts.server.httpPort, { headers: kinesisHeaders('PutRecord', { 'content-type': 'application/x-amz-cbor-1.1' }), body })
    const { Decoder } = await import('cbor-x')
    expect(new Decoder({ mapsAsObjects: true, useRecords: false }).decode(res.body)).toEqual(validation(
      `Value 'java.nio.HeapByteBuffer[pos=0 lim=${size} cap=${size}]' at 'data' failed to satisfy constraint: Member must have length less than or equal to ${10 * 1024 * 1024}`))
  })
})

describe('InvalidArgumentException and ResourceNotFoundException: AWS\'s words for a call that cannot be served', () => {
  const cases: Case[] = [
    ['neither a stream nor a token', 'ListShards', () => ({}), () => invalid('Either NextToken or StreamName should be provided.')],
    ['a hash key past 2^128 - 1', 'PutRecord', () => ({ StreamName: stream, PartitionKey: 'a', Data: '', ExplicitHashKey: (1n << 128n).toString() }), () => invalid(`Invalid ExplicitHashKey. ExplicitHashKey must be in the range: [0, 2^128-1]. Specified value was ${(1n << 128n).toString()}`)],
    ['an ordering number of no known layout', 'PutRecord', () => ({ StreamName: stream, PartitionKey: 'a', Data: '', SequenceNumberForOrdering: UNKNOWN_LAYOUT }), () => invalid(`ExclusiveMinimumSequenceNumber ${UNKNOWN_LAYOUT} used in PutRecord on stream ${stream} under account ${ACCOUNT} is invalid.`)],
    ['a sequence number with a starting type that takes none', 'GetShardIterator', () => ({ StreamName: stream, ShardId: 'shardId-0', ShardIteratorType: 'LATEST', StartingSequenceNumber: sequenceNumber }), () => invalid('Must either specify (1) AT_SEQUENCE_NUMBER or AFTER_SEQUENCE_NUMBER and StartingSequenceNumber or (2) TRIM_HORIZON or LATEST and no StartingSequenceNumber. Request specified LATEST and also a StartingSequenceNumber.')],
    ['no sequence number where one is needed', 'GetShardIterator', () => ({ StreamName: stream, ShardId: 'shardId-0', ShardIteratorType: 'AFTER_SEQUENCE_NUMBER' }), () => invalid('Must either specify (1) AT_SEQUENCE_NUMBER or AFTER_SEQUENCE_NUMBER and StartingSequenceNumber or (2) TRIM_HORIZON or LATEST and no StartingSequenceNumber. Request specified AFTER_SEQUENCE_NUMBER and no StartingSequenceNumber.')],
    ['a sequence number of another shard', 'GetShardIterator', () => ({ StreamName: stream, ShardId: 'shard-2', ShardIteratorType: 'AT_SEQUENCE_NUMBER', StartingSequenceNumber: sequenceNumber }), () => invalid('Invalid StartingSequenceNumber. It encodes shardId-000000000000, while it was used in a call to a shard with shardId-000000000002')],
    ['a sequence number of no known layout', 'GetShardIterator', () => ({ StreamName: stream, ShardId: 'shardId-0', ShardIteratorType: 'AT_SEQUENCE_NUMBER', StartingSequenceNumber: '1'.repeat(50) }), () => invalid(`StartingSequenceNumber ${'1'.repeat(50)} used in GetShardIterator on shard shardId-000000000000 in stream ${stream} under account ${ACCOUNT} is invalid.`)],
    ['no timestamp for AT_TIMESTAMP', 'GetShardIterator', () => ({ StreamName: stream, ShardId: 'shardId-0', ShardIteratorType: 'AT_TIMESTAMP' }), () => invalid('Must specify timestampInMillis parameter for iterator of type AT_TIMESTAMP. Current request has no timestamp parameter.')],
    ['a timestamp in the future', 'GetShardIterator', () => ({ StreamName: stream, ShardId: 'shardId-0', ShardIteratorType: 'AT_TIMESTAMP', Timestamp: clock.time / 1000 + 5.5 }), () => invalid(`The timestampInMillis parameter cannot be greater than the currentTimestampInMillis. timestampInMillis: ${clock.time + 5500}, currentTimestampInMillis: ${clock.time}`)],
    ['an iterator this server did not issue', 'GetRecords', () => ({ ShardIterator: 'AAAAAAAAAAE=' }), () => invalid('Invalid ShardIterator.')],
    ['tag characters AWS does not allow', 'AddTagsToStream', () => ({ StreamName: stream, Tags: { 'a;b': 'c' } }), () => invalid('Some tags contain invalid characters. Valid characters: Unicode letters, digits, white space, _ . / = + - % @.')],
    ['a tag with %, which Kinesis refuses', 'AddTagsToStream', () => ({ StreamName: stream, Tags: { a: '50%' } }), () => invalid(`Failed to add tags to stream ${stream} under account ${ACCOUNT} because some tags contained illegal characters. The allowed characters are Unicode letters, white-spaces, '_',',','/','=','+','-','@'.`)],
    ['a split key outside the shard', 'SplitShard', () => ({ StreamName: stream, ShardToSplit: 'shard-0', NewStartingHashKey: '1' }), () => invalid(`NewStartingHashKey 1 used in SplitShard() on shard shardId-000000000000 in stream ${stream} under account ${ACCOUNT} is not both greater than one plus the shard's StartingHashKey 0 and less than the shard's EndingHashKey 113427455640312821154458202477256070484.`)],
    ['shards that are not adjacent in that order', 'MergeShards', () => ({ StreamName: stream, ShardToMerge: 'shard-1', AdjacentShardToMerge: 'shard-0' }), () => invalid(`Shards shardId-000000000001 and shardId-000000000000 in stream ${stream} under account ${ACCOUNT} are not an adjacent pair of shards eligible for merging`)],
    ['a retention period under a day', 'IncreaseStreamRetentionPeriod', () => ({ StreamName: stream, RetentionPeriodHours: 23 }), () => invalid('Minimum allowed retention period is 24 hours. Requested retention period (23 hours) is too short.')],
    ['a retention period longer than the current one', 'DecreaseStreamRetentionPeriod', () => ({ StreamName: stream, RetentionPeriodHours: 48 }), () => invalid(`Requested retention period (48 hours) for stream ${stream} can not be longer than existing retention period (24 hours). Use IncreaseRetentionPeriod API.`)],
    ['an unknown stream', 'PutRecord', () => ({ StreamName: 'gone', PartitionKey: 'a', Data: '' }), () => notFound(`Stream gone under account ${ACCOUNT} not found.`)],
    ['a shard id that names no index, before the stream is looked at', 'SplitShard', () => ({ StreamName: 'gone', ShardToSplit: 'shard-x', NewStartingHashKey: '5' }), () => notFound(`Could not find shard shard-x in stream gone under account ${ACCOUNT}.`)],
    ['a shard the stream does not have', 'MergeShards', () => ({ StreamName: stream, ShardToMerge: 'abc-1', AdjacentShardToMerge: 'abc-9' }), () => notFound(`Could not find shard shardId-000000000009 in stream ${stream} under account ${ACCOUNT}.`)],
    ['the shard of an unknown stream, as GetShardIterator words it', 'GetShardIterator', () => ({ StreamName: 'gone', ShardId: 'any-4', ShardIteratorType: 'LATEST' }), () => notFound(`Shard shardId-000000000004 in stream gone under account ${ACCOUNT} does not exist`)]
  ]
  it.each(cases)('%s (%s)', async (_, action, body, expected) => {
    const res = await post(action, body())
    expect(res.status).toBe(400)
    expect(res.json).toEqual(expected())
  })

  it('answers a sequence number of AWS\'s oldest layout with a bare InternalFailure, as AWS does', async () => {
    const res = await post('GetShardIterator', { StreamName: stream, ShardId: 'shardId-0', ShardIteratorType: 'AT_SEQUENCE_NUMBER', StartingSequenceNumber: '0' })
    expect(res.status).toBe(500)
    expect(res.json).toEqual({ __type: 'InternalFailure' })
    expect(res.headers['x-shardline-message']).toMatch(/version 0/)
  })

  it('answers an expired iterator with the times as Java prints them', async () => {
    const iterator = await post('GetShardIterator', { StreamName: stream, ShardId: 'shardId-0', ShardIteratorType: 'LATEST' })
    clock.advance(300_001)
    const res = await post('GetRecords', { ShardIterator: iterator.json?.ShardIterator })
    expect(res.json).toEqual({
      __type: 'ExpiredIteratorException',
      message: 'Iterator expired. The iterator was created at time Thu Jan 01 12:00:00 UTC 2026 while right now it is Thu Jan 01 12:05:00 UTC 2026 which is further in the future than the tolerated delay of 300000 milliseconds.'
    })
  })
})

describe('success bodies', () => {
  it('are empty for operations with no output members, as AWS sends them', async () => {
    for (const [action, body] of [
      ['AddTagsToStream', { StreamName: stream, Tags: { team: 'x' } }],
      ['RemoveTagsFromStream', { StreamName: stream, TagKeys: ['team'] }],
      ['IncreaseStreamRetentionPeriod', { StreamName: stream, RetentionPeriodHours: 48 }],
      ['CreateStream', { StreamName: uniqueName('empty'), ShardCount: 1 }]
    ] as const) {
      const res = await post(action, body)
      expect(res.status, res.body.toString()).toBe(200)
      expect(res.body.length).toBe(0)
      expect(res.headers['content-type']).toBe('application/x-amz-json-1.1')
    }
  })

  it('name no EncryptionType for a record of an unencrypted stream', async () => {
    const res = await post('PutRecord', { StreamName: stream, PartitionKey: 'a', Data: '' })
    expect(Object.keys(res.json ?? {}).sort()).toEqual(['SequenceNumber', 'ShardId'])
  })
})
