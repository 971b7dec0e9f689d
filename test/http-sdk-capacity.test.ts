/**
 * The AWS SDK against the HTTP API: capacity modes (UpdateStreamMode), warm throughput
 * (CreateStream's WarmThroughputMiBps, UpdateStreamWarmThroughput, DescribeStreamSummary's
 * WarmThroughput) and DescribeLimits, over HTTP/2 and HTTP/1.1, with AWS's member names in
 * answers and in validation messages.
 */
import {
  CreateStreamCommand, DescribeLimitsCommand, DescribeStreamCommand, DescribeStreamSummaryCommand, ListShardsCommand,
  UpdateShardCountCommand, UpdateStreamModeCommand, UpdateStreamWarmThroughputCommand, type KinesisClient, type StreamMode
} from '@aws-sdk/client-kinesis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { expectAwsError, SDK_TARGETS, sdkClient } from './helpers/aws-sdk.js'
import { startServer, uniqueName, type TestServer } from './helpers/server.js'

let ts: TestServer

beforeAll(async () => {
  ts = await startServer({ onDemandCheckMs: 0 })
  // Warm throughput is for accounts with the commitment, as in AWS; the SDK's account is the default one.
  await ts.client.updateAccountSettings({ minimumThroughputBillingCommitment: { status: 'ENABLED' } })
})

afterAll(async () => {
  await ts.close()
})

const arnOf = (name: string): string => `arn:aws:kinesis:us-east-1:000000000000:stream/${name}`

describe.each(SDK_TARGETS)('AWS SDK over %s: capacity', (target) => {
  let kinesis: KinesisClient
  beforeAll(() => { kinesis = sdkClient(ts.server.httpPort, target) })
  afterAll(() => kinesis.destroy())

  it('creates a warm ON_DEMAND stream and shows its WarmThroughput in DescribeStreamSummary only', async () => {
    const name = uniqueName(`cap-${target}`)
    await kinesis.send(new CreateStreamCommand({ StreamName: name, StreamModeDetails: { StreamMode: 'ON_DEMAND' }, WarmThroughputMiBps: 6 }))
    const summary = (await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: name }))).StreamDescriptionSummary!
    expect(summary.StreamModeDetails).toEqual({ StreamMode: 'ON_DEMAND' })
    expect(summary.OpenShardCount).toBe(6)
    expect(summary.WarmThroughput).toEqual({ TargetMiBps: 6, CurrentMiBps: 6 })
    const described = (await kinesis.send(new DescribeStreamCommand({ StreamName: name }))).StreamDescription!
    expect(described.StreamModeDetails).toEqual({ StreamMode: 'ON_DEMAND' })
    expect(described).not.toHaveProperty('WarmThroughput')
  })

  it('warms an ON_DEMAND stream with UpdateStreamWarmThroughput', async () => {
    const name = uniqueName(`cap-${target}`)
    await kinesis.send(new CreateStreamCommand({ StreamName: name, StreamModeDetails: { StreamMode: 'ON_DEMAND' } }))
    const result = await kinesis.send(new UpdateStreamWarmThroughputCommand({ StreamARN: arnOf(name), WarmThroughputMiBps: 8 }))
    expect(result).toMatchObject({ StreamARN: arnOf(name), StreamName: name, WarmThroughput: { TargetMiBps: 8, CurrentMiBps: 4 } })
    const open = (await kinesis.send(new ListShardsCommand({ StreamName: name, ShardFilter: { Type: 'AT_LATEST' } }))).Shards!
    expect(open).toHaveLength(8)
    expect((await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: name }))).StreamDescriptionSummary!.WarmThroughput).toEqual({ TargetMiBps: 8, CurrentMiBps: 8 })
  })

  it('switches modes with UpdateStreamMode, by ARN, and refuses what AWS refuses', async () => {
    const name = uniqueName(`cap-${target}`)
    await kinesis.send(new CreateStreamCommand({ StreamName: name, ShardCount: 2 }))
    await expectAwsError(kinesis.send(new UpdateStreamWarmThroughputCommand({ StreamName: name, WarmThroughputMiBps: 4 })), 'InvalidArgumentException', /only supported for streams in ON_DEMAND mode/)
    await expectAwsError(kinesis.send(new UpdateStreamModeCommand({ StreamARN: arnOf(name), StreamModeDetails: { StreamMode: 'PROVISIONED' } })), 'InvalidArgumentException', /already in PROVISIONED mode/)
    await kinesis.send(new UpdateStreamModeCommand({ StreamARN: arnOf(name), StreamModeDetails: { StreamMode: 'ON_DEMAND' }, WarmThroughputMiBps: 4 }))
    const summary = (await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: name }))).StreamDescriptionSummary!
    expect(summary).toMatchObject({ StreamModeDetails: { StreamMode: 'ON_DEMAND' }, OpenShardCount: 4, WarmThroughput: { TargetMiBps: 4, CurrentMiBps: 4 } })
    await expectAwsError(kinesis.send(new UpdateShardCountCommand({ StreamName: name, TargetShardCount: 8, ScalingType: 'UNIFORM_SCALING' })), 'InvalidArgumentException')
    await kinesis.send(new UpdateStreamModeCommand({ StreamARN: arnOf(name), StreamModeDetails: { StreamMode: 'PROVISIONED' } }))
    // Two switches in 24 hours are the most AWS allows.
    await expectAwsError(kinesis.send(new UpdateStreamModeCommand({ StreamARN: arnOf(name), StreamModeDetails: { StreamMode: 'ON_DEMAND' } })), 'LimitExceededException', /2 times per rolling 24 hours/)
    const back = (await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: name }))).StreamDescriptionSummary!
    expect(back.StreamModeDetails).toEqual({ StreamMode: 'PROVISIONED' })
    expect(back).not.toHaveProperty('WarmThroughput')
  })

  it('validates with AWS member names', async () => {
    const name = uniqueName(`cap-${target}`)
    await kinesis.send(new CreateStreamCommand({ StreamName: name, StreamModeDetails: { StreamMode: 'ON_DEMAND' } }))
    await expectAwsError(kinesis.send(new UpdateStreamWarmThroughputCommand({ StreamName: name, WarmThroughputMiBps: -1 })), 'ValidationException', /Value '-1' at 'warmThroughputMiBps' failed to satisfy constraint: Member must have value greater than or equal to 0/)
    await expectAwsError(kinesis.send(new UpdateStreamModeCommand({ StreamARN: arnOf(name), StreamModeDetails: { StreamMode: 'SOMETIMES' as StreamMode } })), 'ValidationException', /at 'streamModeDetails.streamMode' failed to satisfy constraint: Member must satisfy enum value set: \[PROVISIONED, ON_DEMAND\]/)
    await expectAwsError(kinesis.send(new UpdateStreamModeCommand({ StreamARN: 'arn:aws:kinesis:us-east-1:000000000000:stream/', StreamModeDetails: { StreamMode: 'PROVISIONED' } })), 'ValidationException', /at 'streamARN'/)
    await expectAwsError(kinesis.send(new UpdateStreamWarmThroughputCommand({ StreamName: name, WarmThroughputMiBps: 20_000 })), 'LimitExceededException', /WarmThroughputMiBps 20000/)
    await expectAwsError(kinesis.send(new CreateStreamCommand({ StreamName: uniqueName('cap'), ShardCount: 1, WarmThroughputMiBps: 2 })), 'InvalidArgumentException', /WarmThroughputMiBps is only valid for streams in ON_DEMAND mode/)
  })

  it('reports the account quotas with DescribeLimits: open shards count as the shard quota does, PROVISIONED only', async () => {
    const before = await kinesis.send(new DescribeLimitsCommand({}))
    await kinesis.send(new CreateStreamCommand({ StreamName: uniqueName(`cap-${target}`), StreamModeDetails: { StreamMode: 'ON_DEMAND' } }))
    const onDemand = await kinesis.send(new DescribeLimitsCommand({}))
    expect(onDemand).toMatchObject({ ShardLimit: 500, OnDemandStreamCountLimit: 50, OpenShardCount: before.OpenShardCount!, OnDemandStreamCount: before.OnDemandStreamCount! + 1 })
    await kinesis.send(new CreateStreamCommand({ StreamName: uniqueName(`cap-${target}`), ShardCount: 3 }))
    const provisioned = await kinesis.send(new DescribeLimitsCommand({}))
    expect(provisioned).toMatchObject({ OpenShardCount: before.OpenShardCount! + 3, OnDemandStreamCount: before.OnDemandStreamCount! + 1 })
  })
})
