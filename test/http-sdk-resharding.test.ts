/**
 * The AWS SDK against the HTTP API: resharding (split, merge, UpdateShardCount, ListShards
 * with filters and paging) and stream consumers, over HTTP/2 and HTTP/1.1.
 */
import {
  CreateStreamCommand, DeleteStreamCommand, DeregisterStreamConsumerCommand, DescribeStreamConsumerCommand, DescribeStreamSummaryCommand,
  GetRecordsCommand, GetShardIteratorCommand, ListShardsCommand, ListStreamConsumersCommand, MergeShardsCommand, PutRecordCommand,
  RegisterStreamConsumerCommand, SplitShardCommand, UpdateShardCountCommand, type KinesisClient
} from '@aws-sdk/client-kinesis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { expectAwsError, SDK_TARGETS, sdkClient } from './helpers/aws-sdk.js'
import { startServer, uniqueName, type TestServer } from './helpers/server.js'

const HALF = (1n << 127n).toString()

let ts: TestServer

beforeAll(async () => {
  ts = await startServer({ limits: 'off' })
})

afterAll(async () => {
  await ts.close()
})

describe.each(SDK_TARGETS)('AWS SDK over %s: resharding', (target) => {
  let kinesis: KinesisClient
  beforeAll(() => { kinesis = sdkClient(ts.server.httpPort, target) })
  afterAll(() => kinesis.destroy())

  async function newStream (shardCount: number): Promise<string> {
    const name = uniqueName(`reshard-${target}`)
    await kinesis.send(new CreateStreamCommand({ StreamName: name, ShardCount: shardCount }))
    return name
  }

  it('splits a shard, reads the parent to its end with ChildShards, and merges the children', async () => {
    const name = await newStream(1)
    const before = await kinesis.send(new PutRecordCommand({ StreamName: name, PartitionKey: 'p', Data: Buffer.from('before') }))
    await kinesis.send(new SplitShardCommand({ StreamName: name, ShardToSplit: 'shardId-000000000000', NewStartingHashKey: HALF }))
    const { Shards } = await kinesis.send(new ListShardsCommand({ StreamName: name }))
    expect(Shards?.map((s) => [s.ShardId, s.ParentShardId])).toEqual([
      ['shardId-000000000000', undefined],
      ['shardId-000000000001', 'shardId-000000000000'],
      ['shardId-000000000002', 'shardId-000000000000']
    ])
    expect(Shards?.[0]?.SequenceNumberRange?.EndingSequenceNumber).toMatch(/^\d{56}$/)
    expect(Shards?.[2]?.HashKeyRange?.StartingHashKey).toBe(HALF)

    const { ShardIterator } = await kinesis.send(new GetShardIteratorCommand({ StreamName: name, ShardId: 'shardId-000000000000', ShardIteratorType: 'TRIM_HORIZON' }))
    const page = await kinesis.send(new GetRecordsCommand({ ShardIterator }))
    // An open shard's page has no ChildShards at all, as in AWS (not an empty list).
    const child = await kinesis.send(new GetShardIteratorCommand({ StreamName: name, ShardId: 'shardId-000000000001', ShardIteratorType: 'TRIM_HORIZON' }))
    const open = await kinesis.send(new GetRecordsCommand({ ShardIterator: child.ShardIterator }))
    expect(open.NextShardIterator).toBeTypeOf('string')
    expect(open).not.toHaveProperty('ChildShards')
    expect(page.Records?.map((r) => r.SequenceNumber)).toEqual([before.SequenceNumber])
    expect(page.NextShardIterator).toBeUndefined()
    expect(page.ChildShards?.map((c) => c.ShardId)).toEqual(['shardId-000000000001', 'shardId-000000000002'])
    expect(page.ChildShards?.[0]?.ParentShards).toEqual(['shardId-000000000000'])

    const latest = await kinesis.send(new ListShardsCommand({ StreamName: name, ShardFilter: { Type: 'AT_LATEST' } }))
    expect(latest.Shards?.map((s) => s.ShardId)).toEqual(['shardId-000000000001', 'shardId-000000000002'])
    await kinesis.send(new MergeShardsCommand({ StreamName: name, ShardToMerge: 'shardId-000000000001', AdjacentShardToMerge: 'shardId-000000000002' }))
    const merged = await kinesis.send(new ListShardsCommand({ StreamName: name, ShardFilter: { Type: 'AT_LATEST' } }))
    expect(merged.Shards?.map((s) => [s.ShardId, s.ParentShardId, s.AdjacentParentShardId])).toEqual([['shardId-000000000003', 'shardId-000000000001', 'shardId-000000000002']])
  })

  it('scales with UpdateShardCount and pages ListShards with NextToken and filters', async () => {
    const name = await newStream(2)
    const scaled = await kinesis.send(new UpdateShardCountCommand({ StreamName: name, TargetShardCount: 4, ScalingType: 'UNIFORM_SCALING' }))
    expect(scaled).toMatchObject({ StreamName: name, CurrentShardCount: 2, TargetShardCount: 4 })
    expect(scaled.StreamARN).toMatch(new RegExp(`:stream/${name}$`))
    expect((await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: name }))).StreamDescriptionSummary?.OpenShardCount).toBe(4)

    const first = await kinesis.send(new ListShardsCommand({ StreamName: name, MaxResults: 2 }))
    expect(first.Shards).toHaveLength(2)
    expect(first.NextToken).toBeTypeOf('string')
    const ids = first.Shards!.map((s) => s.ShardId)
    let token = first.NextToken
    while (token !== undefined) {
      const next = await kinesis.send(new ListShardsCommand({ NextToken: token, MaxResults: 2 }))
      ids.push(...next.Shards!.map((s) => s.ShardId))
      token = next.NextToken
    }
    const everything = await kinesis.send(new ListShardsCommand({ StreamName: name }))
    expect(ids).toEqual(everything.Shards!.map((s) => s.ShardId))
    const after = await kinesis.send(new ListShardsCommand({ StreamName: name, ShardFilter: { Type: 'AFTER_SHARD_ID', ShardId: ids[ids.length - 2]! } }))
    expect(after.Shards?.map((s) => s.ShardId)).toEqual([ids[ids.length - 1]])
    const atTime = await kinesis.send(new ListShardsCommand({ StreamName: name, ShardFilter: { Type: 'FROM_TIMESTAMP', Timestamp: new Date() } }))
    expect(atTime.Shards?.map((s) => s.ShardId)).toEqual(everything.Shards!.filter((s) => s.SequenceNumberRange?.EndingSequenceNumber === undefined).map((s) => s.ShardId))

    await expectAwsError(kinesis.send(new UpdateShardCountCommand({ StreamName: name, TargetShardCount: 9, ScalingType: 'UNIFORM_SCALING' })), 'LimitExceededException')
    await expectAwsError(kinesis.send(new SplitShardCommand({ StreamName: name, ShardToSplit: 'shardId-000000000000', NewStartingHashKey: '1' })), 'InvalidArgumentException')
  })
})

describe.each(SDK_TARGETS)('AWS SDK over %s: stream consumers', (target) => {
  let kinesis: KinesisClient
  beforeAll(() => { kinesis = sdkClient(ts.server.httpPort, target) })
  afterAll(() => kinesis.destroy())

  it('registers, describes, lists and deregisters consumers', async () => {
    const name = uniqueName(`consumers-${target}`)
    await kinesis.send(new CreateStreamCommand({ StreamName: name, ShardCount: 1 }))
    const streamArn = `arn:aws:kinesis:us-east-1:000000000000:stream/${name}`
    const { Consumer } = await kinesis.send(new RegisterStreamConsumerCommand({ StreamARN: streamArn, ConsumerName: 'app' }))
    expect(Consumer?.ConsumerName).toBe('app')
    expect(Consumer?.ConsumerARN).toMatch(new RegExp(`^${streamArn}/consumer/app:\\d+$`))
    expect(Consumer?.ConsumerCreationTimestamp).toBeInstanceOf(Date)
    const described = await kinesis.send(new DescribeStreamConsumerCommand({ ConsumerARN: Consumer!.ConsumerARN }))
    expect(described.ConsumerDescription).toMatchObject({ ConsumerName: 'app', ConsumerStatus: 'ACTIVE', StreamARN: streamArn })
    await kinesis.send(new RegisterStreamConsumerCommand({ StreamARN: streamArn, ConsumerName: 'other' }))
    const listed = await kinesis.send(new ListStreamConsumersCommand({ StreamARN: streamArn }))
    expect(listed.Consumers?.map((c) => c.ConsumerName).sort()).toEqual(['app', 'other'])
    await expectAwsError(kinesis.send(new RegisterStreamConsumerCommand({ StreamARN: streamArn, ConsumerName: 'app' })), 'ResourceInUseException')
    await kinesis.send(new DeregisterStreamConsumerCommand({ StreamARN: streamArn, ConsumerName: 'other' }))
    await expectAwsError(kinesis.send(new DescribeStreamConsumerCommand({ StreamARN: streamArn, ConsumerName: 'other' })), 'ResourceNotFoundException')
    await expectAwsError(kinesis.send(new DeleteStreamCommand({ StreamName: name })), 'ResourceInUseException')
    await kinesis.send(new DeleteStreamCommand({ StreamName: name, EnforceConsumerDeletion: true }))
  })
})
