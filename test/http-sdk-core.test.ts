/**
 * The AWS SDK for JavaScript v3, unchanged, against the HTTP API: the core operations,
 * once over HTTP/2 (the SDK's default) and once over HTTP/1.1 (NodeHttpHandler).
 */
import {
  AddTagsToStreamCommand, CreateStreamCommand, DecreaseStreamRetentionPeriodCommand, DeleteStreamCommand, DescribeLimitsCommand,
  DescribeStreamCommand, DescribeStreamSummaryCommand, GetRecordsCommand, GetShardIteratorCommand, IncreaseStreamRetentionPeriodCommand,
  ListStreamsCommand, ListTagsForStreamCommand, PutRecordCommand, PutRecordsCommand, RemoveTagsFromStreamCommand,
  type KinesisClient, type ShardIteratorType
} from '@aws-sdk/client-kinesis'
import * as Kinesis from '@aws-sdk/client-kinesis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { expectAwsError, SDK_TARGETS, sdkClient } from './helpers/aws-sdk.js'
import { isShardlineError } from '../client/index.js'
import { ManualClock, startServer, uniqueName, type TestServer } from './helpers/server.js'

let ts: TestServer

beforeAll(async () => {
  ts = await startServer({ limits: 'off' })
})

afterAll(async () => {
  await ts.close()
})

describe.each(SDK_TARGETS)('AWS SDK over %s: core operations', (target) => {
  let kinesis: KinesisClient
  beforeAll(() => { kinesis = sdkClient(ts.server.httpPort, target) })
  afterAll(() => kinesis.destroy())

  async function newStream (shardCount = 1): Promise<string> {
    const name = uniqueName(`sdk-${target}`)
    await kinesis.send(new CreateStreamCommand({ StreamName: name, ShardCount: shardCount }))
    return name
  }

  async function iterator (streamName: string, shardId: string, type: ShardIteratorType, extra: { StartingSequenceNumber?: string, Timestamp?: Date } = {}): Promise<string> {
    const { ShardIterator } = await kinesis.send(new GetShardIteratorCommand({ StreamName: streamName, ShardId: shardId, ShardIteratorType: type, ...extra }))
    expect(ShardIterator).toBeTypeOf('string')
    return ShardIterator!
  }

  it('creates, describes, lists and deletes a stream', async () => {
    const before = Date.now()
    const name = await newStream(3)
    const { StreamDescription: d } = await kinesis.send(new DescribeStreamCommand({ StreamName: name }))
    expect(d?.StreamName).toBe(name)
    expect(d?.StreamARN).toBe(`arn:aws:kinesis:us-east-1:000000000000:stream/${name}`)
    expect(d?.StreamStatus).toBe('ACTIVE')
    expect(d?.Shards?.map((s) => s.ShardId)).toEqual(['shardId-000000000000', 'shardId-000000000001', 'shardId-000000000002'])
    expect(d?.Shards?.[2]?.HashKeyRange?.EndingHashKey).toBe(((1n << 128n) - 1n).toString())
    expect(d?.RetentionPeriodHours).toBe(24)
    // Timestamps travel as epoch seconds and come back as Dates.
    expect(d?.StreamCreationTimestamp).toBeInstanceOf(Date)
    expect(d!.StreamCreationTimestamp!.getTime()).toBeGreaterThanOrEqual(before - 1000)
    const { StreamDescriptionSummary: summary } = await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: name }))
    expect(summary?.OpenShardCount).toBe(3)
    expect(summary?.ConsumerCount).toBe(0)
    const listed = await kinesis.send(new ListStreamsCommand({}))
    expect(listed.StreamNames).toContain(name)
    expect(listed.StreamSummaries?.find((s) => s.StreamName === name)?.StreamARN).toBe(d?.StreamARN)
    await kinesis.send(new DeleteStreamCommand({ StreamName: name }))
    await expectAwsError(kinesis.send(new DescribeStreamCommand({ StreamName: name })), 'ResourceNotFoundException')
  })

  it('puts records and reads them back with every iterator type', async () => {
    const name = await newStream()
    const shardId = 'shardId-000000000000'
    const first = await kinesis.send(new PutRecordCommand({ StreamName: name, PartitionKey: 'user1', Data: Buffer.from('user signup') }))
    expect(first.ShardId).toBe(shardId)
    expect(first.SequenceNumber).toMatch(/^\d{56}$/)
    const batch = await kinesis.send(new PutRecordsCommand({
      StreamName: name,
      Records: [1, 2, 3].map((i) => ({ PartitionKey: `k${i}`, Data: new Uint8Array([i, 0, 255]) }))
    }))
    expect(batch.FailedRecordCount).toBe(0)
    expect(batch.Records?.map((r) => r.ShardId)).toEqual([shardId, shardId, shardId])
    const sequenceNumbers = [first.SequenceNumber!, ...batch.Records!.map((r) => r.SequenceNumber!)]

    const all = await kinesis.send(new GetRecordsCommand({ ShardIterator: await iterator(name, shardId, 'TRIM_HORIZON') }))
    expect(all.Records?.map((r) => r.SequenceNumber)).toEqual(sequenceNumbers)
    expect(Buffer.from(all.Records![0]!.Data!).toString()).toBe('user signup')
    expect([...all.Records![2]!.Data!]).toEqual([2, 0, 255])
    expect(all.Records![0]!.PartitionKey).toBe('user1')
    expect(all.Records![0]!.ApproximateArrivalTimestamp).toBeInstanceOf(Date)
    expect(all.MillisBehindLatest).toBe(0)
    expect(all.NextShardIterator).toBeTypeOf('string')

    const at = await kinesis.send(new GetRecordsCommand({ ShardIterator: await iterator(name, shardId, 'AT_SEQUENCE_NUMBER', { StartingSequenceNumber: sequenceNumbers[2] }) }))
    expect(at.Records?.map((r) => r.SequenceNumber)).toEqual(sequenceNumbers.slice(2))
    const after = await kinesis.send(new GetRecordsCommand({ ShardIterator: await iterator(name, shardId, 'AFTER_SEQUENCE_NUMBER', { StartingSequenceNumber: sequenceNumbers[2] }), Limit: 1 }))
    expect(after.Records?.map((r) => r.SequenceNumber)).toEqual([sequenceNumbers[3]])

    const latest = await iterator(name, shardId, 'LATEST')
    const timestamp = await iterator(name, shardId, 'AT_TIMESTAMP', { Timestamp: all.Records![1]!.ApproximateArrivalTimestamp! })
    const late = await kinesis.send(new PutRecordCommand({ StreamName: name, PartitionKey: 'late', Data: Buffer.from('late') }))
    const fromLatest = await kinesis.send(new GetRecordsCommand({ ShardIterator: latest }))
    expect(fromLatest.Records?.map((r) => r.SequenceNumber)).toEqual([late.SequenceNumber])
    const fromTimestamp = await kinesis.send(new GetRecordsCommand({ ShardIterator: timestamp }))
    // Arrival timestamps keep their milliseconds on the wire (fractional seconds), so
    // AT_TIMESTAMP with one finds that record again (and any earlier one of the same ms).
    expect(fromTimestamp.Records?.map((r) => r.SequenceNumber)).toContain(sequenceNumbers[1])
    expect(fromTimestamp.Records?.[0]?.ApproximateArrivalTimestamp?.getTime()).toBe(all.Records![1]!.ApproximateArrivalTimestamp!.getTime())
    expect(fromTimestamp.Records?.map((r) => r.SequenceNumber)).toContain(late.SequenceNumber)
  })

  it('reads a page of several MB (written in several output chunks) intact', async () => {
    const name = await newStream(1)
    const total = 4000
    for (let b = 0; b < total / 500; b++) {
      const Records = Array.from({ length: 500 }, (_, i) => ({ PartitionKey: `k${b * 500 + i}`, Data: Buffer.alloc(1024, (b * 500 + i) % 251) }))
      const { FailedRecordCount } = await kinesis.send(new PutRecordsCommand({ StreamName: name, Records }))
      expect(FailedRecordCount).toBe(0)
    }
    const { Records } = await kinesis.send(new GetRecordsCommand({ ShardIterator: await iterator(name, 'shardId-000000000000', 'TRIM_HORIZON') }))
    // About 5.5 MB of JSON: several of the writer's 1 MiB chunks.
    expect(Records).toHaveLength(total)
    Records!.forEach((r, i) => {
      expect(r.PartitionKey).toBe(`k${i}`)
      expect(Buffer.from(r.Data!).equals(Buffer.alloc(1024, i % 251))).toBe(true)
    })
  })

  it('changes retention, tags and untags', async () => {
    const name = await newStream()
    await kinesis.send(new IncreaseStreamRetentionPeriodCommand({ StreamName: name, RetentionPeriodHours: 48 }))
    expect((await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: name }))).StreamDescriptionSummary?.RetentionPeriodHours).toBe(48)
    await kinesis.send(new DecreaseStreamRetentionPeriodCommand({ StreamName: name, RetentionPeriodHours: 24 }))
    expect((await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: name }))).StreamDescriptionSummary?.RetentionPeriodHours).toBe(24)
    await kinesis.send(new AddTagsToStreamCommand({ StreamName: name, Tags: { team: 'data', 'Cost Center': 'x=1' } }))
    const tags = await kinesis.send(new ListTagsForStreamCommand({ StreamName: name }))
    // Tag keys are user data: they keep their spelling (no case conversion).
    expect(tags.Tags).toEqual([{ Key: 'Cost Center', Value: 'x=1' }, { Key: 'team', Value: 'data' }])
    expect(tags.HasMoreTags).toBe(false)
    await kinesis.send(new RemoveTagsFromStreamCommand({ StreamName: name, TagKeys: ['team'] }))
    expect((await kinesis.send(new ListTagsForStreamCommand({ StreamName: name }))).Tags).toEqual([{ Key: 'Cost Center', Value: 'x=1' }])
  })

  it('takes StreamARN alone wherever it takes a stream', async () => {
    const name = await newStream()
    const arn = `arn:aws:kinesis:us-east-1:000000000000:stream/${name}`
    const put = await kinesis.send(new PutRecordCommand({ StreamARN: arn, PartitionKey: 'a', Data: Buffer.from('by arn') }))
    const { ShardIterator } = await kinesis.send(new GetShardIteratorCommand({ StreamARN: arn, ShardId: put.ShardId, ShardIteratorType: 'TRIM_HORIZON' }))
    const got = await kinesis.send(new GetRecordsCommand({ ShardIterator, StreamARN: arn }))
    expect(got.Records?.map((r) => r.SequenceNumber)).toEqual([put.SequenceNumber])
    expect((await kinesis.send(new DescribeStreamSummaryCommand({ StreamARN: arn }))).StreamDescriptionSummary?.StreamName).toBe(name)
    await kinesis.send(new DeleteStreamCommand({ StreamARN: arn }))
    await expectAwsError(kinesis.send(new DescribeStreamSummaryCommand({ StreamARN: arn })), 'ResourceNotFoundException')
  })

  it('describes limits from the streams that exist', async () => {
    const before = await kinesis.send(new DescribeLimitsCommand({}))
    await newStream(2)
    const after = await kinesis.send(new DescribeLimitsCommand({}))
    expect(after.OpenShardCount).toBe(before.OpenShardCount! + 2)
    // AWS's default quota in us-east-1.
    expect(after.ShardLimit).toBe(500)
    expect(after.OnDemandStreamCount).toBe(before.OnDemandStreamCount)
    expect(after.OnDemandStreamCountLimit).toBeTypeOf('number')
  })

  it('answers errors with their AWS names and HTTP 400', async () => {
    const missing = await expectAwsError(kinesis.send(new DescribeStreamCommand({ StreamName: uniqueName('absent') })), 'ResourceNotFoundException')
    expect(missing.$metadata?.httpStatusCode).toBe(400)
    const name = await newStream()
    await expectAwsError(kinesis.send(new CreateStreamCommand({ StreamName: name, ShardCount: 1 })), 'ResourceInUseException')
    // AWS names the member as it is spelled in its API, first letter lower-cased.
    await expectAwsError(kinesis.send(new PutRecordCommand({ StreamName: name, PartitionKey: '', Data: Buffer.from('x') })), 'ValidationException', /at 'partitionKey' failed to satisfy constraint: Member must have length greater than or equal to 1/)
    await expectAwsError(kinesis.send(new PutRecordsCommand({ StreamName: name, Records: [{ PartitionKey: 'a', Data: Buffer.from('x') }, { PartitionKey: 'x'.repeat(257), Data: Buffer.from('x') }] })), 'ValidationException', /at 'records\.2\.member\.partitionKey'/)
    await expectAwsError(kinesis.send(new CreateStreamCommand({ StreamName: 'bad name!', ShardCount: 0 })), 'ValidationException', /2 validation errors detected/)
    await expectAwsError(kinesis.send(new PutRecordCommand({ StreamName: name, PartitionKey: 'a', Data: Buffer.from('x'), ExplicitHashKey: (1n << 128n).toString() })), 'InvalidArgumentException')
    await expectAwsError(kinesis.send(new GetRecordsCommand({ ShardIterator: 'AAAAnot-an-iterator' })), 'InvalidArgumentException')
    await expectAwsError(kinesis.send(new GetShardIteratorCommand({ StreamName: name, ShardId: 'shardId-000000000009', ShardIteratorType: 'LATEST' })), 'ResourceNotFoundException')
  })
})

describe.each(SDK_TARGETS)('AWS SDK over %s: iterator expiry', (target) => {
  it('answers an iterator older than 5 minutes with ExpiredIteratorException', async () => {
    const clock = new ManualClock(Date.now())
    const server = await startServer({ limits: 'off', clock: clock.now })
    const kinesis = sdkClient(server.server.httpPort, target)
    try {
      await kinesis.send(new CreateStreamCommand({ StreamName: 'expiry', ShardCount: 1 }))
      const { ShardIterator } = await kinesis.send(new GetShardIteratorCommand({ StreamName: 'expiry', ShardId: 'shardId-000000000000', ShardIteratorType: 'TRIM_HORIZON' }))
      clock.advance(5 * 60_000 + 1)
      await expectAwsError(kinesis.send(new GetRecordsCommand({ ShardIterator })), 'ExpiredIteratorException')
    } finally {
      kinesis.destroy()
      await server.close()
    }
  })
})

/**
 * One table of refusals, run through gRPC (StreamClient) and the AWS SDK over both
 * protocols: each must answer with the same AWS error name, the one AWS gives.
 */
describe('the same errors over gRPC and the AWS SDK', () => {
  const HASH_LIMIT = (1n << 128n).toString()
  const stream = uniqueName('same')
  const absent = uniqueName('absent')
  const arn = `arn:aws:kinesis:us-east-1:000000000000:stream/${stream}`
  let consumerArn = ''
  let nextToken = ''

  beforeAll(async () => {
    await ts.client.createStream({ streamName: stream, shardCount: 2 })
    consumerArn = (await ts.client.registerStreamConsumer({ streamArn: arn, consumerName: 'dup' })).consumer.consumerArn
    nextToken = (await ts.client.listShards({ streamName: stream, maxResults: 1 })).nextToken ?? ''
  })

  type Case = [label: string, action: string, input: () => Record<string, unknown>, awsType: string]
  const cases: Case[] = [
    ['a stream that exists', 'CreateStream', () => ({ StreamName: stream, ShardCount: 1 }), 'ResourceInUseException'],
    ['more shards than AWS validates', 'CreateStream', () => ({ StreamName: uniqueName('big'), ShardCount: 100_001 }), 'ValidationException'],
    ['a stream that does not exist', 'DescribeStream', () => ({ StreamName: absent }), 'ResourceNotFoundException'],
    ['a stream name AWS does not allow', 'DescribeStreamSummary', () => ({ StreamName: 'bad name!' }), 'ValidationException'],
    ['an empty partition key', 'PutRecord', () => ({ StreamName: stream, PartitionKey: '', Data: Buffer.from('x') }), 'ValidationException'],
    ['a hash key past 2^128 - 1', 'PutRecord', () => ({ StreamName: stream, PartitionKey: 'a', Data: Buffer.from('x'), ExplicitHashKey: HASH_LIMIT }), 'InvalidArgumentException'],
    ['a record over 1 MiB', 'PutRecord', () => ({ StreamName: stream, PartitionKey: 'a', Data: Buffer.alloc(1024 * 1024 + 1) }), 'ValidationException'],
    ['501 records', 'PutRecords', () => ({ StreamName: stream, Records: Array.from({ length: 501 }, () => ({ PartitionKey: 'a', Data: Buffer.from('x') })) }), 'ValidationException'],
    ['a put to a stream that does not exist', 'PutRecords', () => ({ StreamName: absent, Records: [{ PartitionKey: 'a', Data: Buffer.from('x') }] }), 'ResourceNotFoundException'],
    ['a shard that does not exist', 'GetShardIterator', () => ({ StreamName: stream, ShardId: 'shardId-000000000009', ShardIteratorType: 'LATEST' }), 'ResourceNotFoundException'],
    ['AT_SEQUENCE_NUMBER without a number', 'GetShardIterator', () => ({ StreamName: stream, ShardId: 'shardId-000000000000', ShardIteratorType: 'AT_SEQUENCE_NUMBER' }), 'InvalidArgumentException'],
    ['an iterator this server did not issue', 'GetRecords', () => ({ ShardIterator: 'A'.repeat(60) }), 'InvalidArgumentException'],
    ['a GetRecords limit over 10,000', 'GetRecords', () => ({ ShardIterator: 'A'.repeat(60), Limit: 10_001 }), 'ValidationException'],
    ['a split at a shard edge', 'SplitShard', () => ({ StreamName: stream, ShardToSplit: 'shardId-000000000000', NewStartingHashKey: '0' }), 'InvalidArgumentException'],
    ['a merge of a shard with itself', 'MergeShards', () => ({ StreamName: stream, ShardToMerge: 'shardId-000000000000', AdjacentShardToMerge: 'shardId-000000000000' }), 'InvalidArgumentException'],
    ['a retention over a year', 'IncreaseStreamRetentionPeriod', () => ({ StreamName: stream, RetentionPeriodHours: 8761 }), 'ValidationException'],
    // The model allows 1 hour; the service refuses under 24 as an argument error.
    ['a retention under 24 hours', 'DecreaseStreamRetentionPeriod', () => ({ StreamName: stream, RetentionPeriodHours: 23 }), 'InvalidArgumentException'],
    ['a consumer name in use', 'RegisterStreamConsumer', () => ({ StreamARN: arn, ConsumerName: 'dup' }), 'ResourceInUseException'],
    ['a consumer that does not exist', 'DescribeStreamConsumer', () => ({ ConsumerARN: consumerArn.replace('/consumer/dup:', '/consumer/nobody:') }), 'ResourceNotFoundException'],
    ['a NextToken with a StreamName', 'ListShards', () => ({ StreamName: stream, NextToken: nextToken }), 'InvalidArgumentException'],
    ['a NextToken this server did not issue', 'ListShards', () => ({ NextToken: 'bm90IGEgdG9rZW4' }), 'InvalidArgumentException'],
    ['tags of a stream that does not exist', 'ListTagsForStream', () => ({ StreamName: absent }), 'ResourceNotFoundException'],
    ['a delete of a stream that does not exist', 'DeleteStream', () => ({ StreamName: absent }), 'ResourceNotFoundException']
  ]

  /** AWS member names -> the client's camelCase (StreamARN -> streamArn). */
  function camel (value: unknown): unknown {
    if (Array.isArray(value)) return value.map(camel)
    if (value === null || typeof value !== 'object' || Buffer.isBuffer(value)) return value
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k.charAt(0).toLowerCase() + k.slice(1).replace(/ARN$/, 'Arn'), camel(v)]))
  }

  async function awsTypeOf (call: Promise<unknown>): Promise<string> {
    try {
      await call
    } catch (err) {
      const error = err as { name: string, awsType?: string }
      return isShardlineError(err) ? err.awsType : error.name
    }
    return 'succeeded'
  }

  it.each(cases)('%s (%s)', async (_label, action, input, awsType) => {
    const grpcMethod = (ts.client as unknown as Record<string, (request: unknown) => Promise<unknown>>)[action.charAt(0).toLowerCase() + action.slice(1)]!
    const answers: Record<string, string> = { grpc: await awsTypeOf(grpcMethod.call(ts.client, camel(input()))) }
    for (const target of SDK_TARGETS) {
      const kinesis = sdkClient(ts.server.httpPort, target)
      try {
        const Command = (Kinesis as unknown as Record<string, new (input: unknown) => Parameters<KinesisClient['send']>[0]>)[`${action}Command`]!
        answers[target] = await awsTypeOf(kinesis.send(new Command(input())))
      } finally {
        kinesis.destroy()
      }
    }
    expect(answers).toEqual({ grpc: awsType, http2: awsType, http1: awsType })
  })
})
