/**
 * The account shard quota: open shards over the account's PROVISIONED streams (AWS caps
 * ON_DEMAND ones by throughput instead), enforced on CreateStream, SplitShard,
 * UpdateShardCount and a switch to PROVISIONED with AWS's LimitExceededException and
 * message, over gRPC and the AWS SDK; lifted by limits off.
 * And the quota of ON_DEMAND streams.
 */
import { CreateStreamCommand, DescribeLimitsCommand, SplitShardCommand, type KinesisClient } from '@aws-sdk/client-kinesis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { StreamClient } from '../client/index.js'
import { expectAwsError, sdkClient } from './helpers/aws-sdk.js'
import { shardId, waitForStatus } from './helpers/control-plane.js'
import { expectCode, startServer, uniqueName, type TestServer, type TestServerOptions } from './helpers/server.js'

const UNIFORM = 'UNIFORM_SCALING' as const

/** AWS's words, as kinesalite recorded them. */
function quotaMessage (current: number, limit: number, additional: number, region = 'us-east-1'): string {
  return `This request would exceed the shard limit for the account 000000000000 in ${region}. Current shard count for the account: ${current}. ` +
    `Limit: ${limit}. Number of additional shards that would have resulted from this request: ${additional}. ` +
    'Refer to the AWS Service Limits page (http://docs.aws.amazon.com/general/latest/gr/aws_service_limits.html) for current limits and how to request higher limits.'
}

async function withServer (options: TestServerOptions, body: (ts: TestServer) => Promise<void>): Promise<void> {
  const ts = await startServer(options)
  try {
    await body(ts)
  } finally {
    await ts.close()
  }
}

async function openShards (client: StreamClient): Promise<number> {
  return (await client.describeLimits()).openShardCount
}

describe('the account shard quota (shardLimit 10, as kinesalite runs)', () => {
  let ts: TestServer
  let kinesis: KinesisClient
  beforeAll(async () => {
    ts = await startServer({ shardLimit: 10 })
    await ts.client.updateAccountSettings({ minimumThroughputBillingCommitment: { status: 'ENABLED' } })
    kinesis = sdkClient(ts.server.httpPort, 'http1')
  })
  afterAll(async () => {
    kinesis.destroy()
    await ts.close()
  })

  it('refuses a CreateStream past the quota in AWS words, over gRPC and the AWS SDK, and creates nothing', async () => {
    const first = uniqueName('quota')
    await ts.client.createStream({ streamName: first, shardCount: 3 })
    const name = uniqueName('quota')
    const err = await expectCode(ts.client.createStream({ streamName: name, shardCount: 8 }), 'LIMIT_EXCEEDED')
    expect(err.awsType).toBe('LimitExceededException')
    expect(err.grpcStatus).toBe(8)
    expect(err.retriable).toBe(false)
    expect(err.message).toBe(quotaMessage(3, 10, 8))
    const sdk = await expectAwsError(kinesis.send(new CreateStreamCommand({ StreamName: name, ShardCount: 1000 })), 'LimitExceededException')
    expect(sdk.message).toBe(quotaMessage(3, 10, 1000))
    expect(sdk.$metadata?.httpStatusCode).toBe(400)
    await expectCode(ts.client.describeStreamSummary({ streamName: name }), 'STREAM_NOT_FOUND')
    // What fits is created: 3 + 7 = 10.
    await ts.client.createStream({ streamName: name, shardCount: 7 })
    expect(await openShards(ts.client)).toBe(10)
    // An existing name is answered first, as AWS does.
    await expectCode(ts.client.createStream({ streamName: first, shardCount: 1 }), 'STREAM_EXISTS')
    // Deleting a stream gives its shards back.
    await ts.client.deleteStream({ streamName: first })
    await ts.client.deleteStream({ streamName: name })
    expect(await openShards(ts.client)).toBe(0)
  })

  it('does not count ON_DEMAND streams, which AWS caps by throughput, not by the shard quota', async () => {
    const provisioned = uniqueName('quota')
    await ts.client.createStream({ streamName: provisioned, shardCount: 8 })
    const onDemand = uniqueName('quota-od')
    // 4 on-demand shards beside 8 provisioned ones: over 10 if they counted.
    await ts.client.createStream({ streamName: onDemand, streamModeDetails: { streamMode: 'ON_DEMAND' } })
    expect(await openShards(ts.client)).toBe(8)
    // Warming it to 20 MiB/s (20 shards) is not held to the quota either.
    await ts.client.updateStreamWarmThroughput({ streamName: onDemand, warmThroughputMiBps: 20 })
    expect((await ts.client.describeStreamSummary({ streamName: onDemand })).streamDescriptionSummary.openShardCount).toBe(20)
    expect(await openShards(ts.client)).toBe(8)
    // Its shards count once it is PROVISIONED: a switch that would go over is refused.
    const { streamArn } = (await ts.client.describeStreamSummary({ streamName: onDemand })).streamDescriptionSummary
    const err = await expectCode(ts.client.updateStreamMode({ streamArn, streamModeDetails: { streamMode: 'PROVISIONED' } }), 'LIMIT_EXCEEDED')
    expect(err.message).toBe(quotaMessage(8, 10, 20))
    expect((await ts.client.describeStreamSummary({ streamName: onDemand })).streamDescriptionSummary.streamModeDetails.streamMode).toBe('ON_DEMAND')
    await ts.client.deleteStream({ streamName: provisioned })
    await ts.client.deleteStream({ streamName: onDemand })
    expect(await openShards(ts.client)).toBe(0)
  })

  it('refuses a SplitShard past the quota and leaves the stream alone; a merge frees a shard', async () => {
    const name = uniqueName('quota')
    await ts.client.createStream({ streamName: name, shardCount: 10 })
    const err = await expectCode(ts.client.splitShard({ streamName: name, shardToSplit: shardId(0), newStartingHashKey: '1000' }), 'LIMIT_EXCEEDED')
    expect(err.message).toBe(quotaMessage(10, 10, 1))
    const sdk = await expectAwsError(kinesis.send(new SplitShardCommand({ StreamName: name, ShardToSplit: shardId(0), NewStartingHashKey: '1000' })), 'LimitExceededException')
    expect(sdk.message).toBe(quotaMessage(10, 10, 1))
    expect((await ts.client.listShards({ streamName: name })).shards).toHaveLength(10)
    await ts.client.mergeShards({ streamName: name, shardToMerge: shardId(0), adjacentShardToMerge: shardId(1) })
    await ts.client.splitShard({ streamName: name, shardToSplit: shardId(2), newStartingHashKey: (BigInt((await ts.client.listShards({ streamName: name })).shards[2]!.hashKeyRange.startingHashKey) + 1000n).toString() })
    expect(await openShards(ts.client)).toBe(10)
    await ts.client.deleteStream({ streamName: name })
  })

  it('refuses an UpdateShardCount that would add more than the quota allows, and allows scaling down at the quota', async () => {
    const name = uniqueName('quota')
    await ts.client.createStream({ streamName: name, shardCount: 6 })
    const err = await expectCode(ts.client.updateShardCount({ streamName: name, targetShardCount: 12, scalingType: UNIFORM }), 'LIMIT_EXCEEDED')
    expect(err.message).toBe(quotaMessage(6, 10, 6))
    expect((await ts.client.describeStreamSummary({ streamName: name })).streamDescriptionSummary.openShardCount).toBe(6)
    await ts.client.updateShardCount({ streamName: name, targetShardCount: 10, scalingType: UNIFORM })
    await ts.client.updateShardCount({ streamName: name, targetShardCount: 5, scalingType: UNIFORM })
    expect(await openShards(ts.client)).toBe(5)
    await ts.client.deleteStream({ streamName: name })
  })

  it('is what DescribeLimits reports, over the AWS SDK too', async () => {
    const limits = await kinesis.send(new DescribeLimitsCommand({}))
    expect(limits.ShardLimit).toBe(10)
    expect(limits.OpenShardCount).toBe(await openShards(ts.client))
  })
})

describe("the quota's defaults and switches", () => {
  it("is AWS's default of the region: 200 outside the three largest", async () => {
    await withServer({ region: 'eu-central-1' }, async (ts) => {
      await ts.client.createStream({ streamName: uniqueName('quota'), shardCount: 200 })
      const err = await expectCode(ts.client.createStream({ streamName: uniqueName('quota'), shardCount: 1 }), 'LIMIT_EXCEEDED')
      expect(err.message).toBe(quotaMessage(200, 200, 1, 'eu-central-1'))
    })
  })

  it('is 500 in us-east-1', async () => {
    await withServer({}, async (ts) => {
      await ts.client.createStream({ streamName: uniqueName('quota'), shardCount: 500 })
      await expectCode(ts.client.createStream({ streamName: uniqueName('quota'), shardCount: 1 }), 'LIMIT_EXCEEDED')
    })
  })

  it('is lifted by limits off', async () => {
    await withServer({ limits: 'off', shardLimit: 2 }, async (ts) => {
      const name = uniqueName('quota')
      await ts.client.createStream({ streamName: name, shardCount: 5 })
      await ts.client.splitShard({ streamName: name, shardToSplit: shardId(0), newStartingHashKey: '1000' })
      await ts.client.updateShardCount({ streamName: name, targetShardCount: 12, scalingType: UNIFORM })
      expect(await openShards(ts.client)).toBe(12)
    })
  })
})

describe('the quota per account and region', () => {
  it("counts each account's streams in each region apart, with the region's default", async () => {
    await withServer({}, async (ts) => {
      const east = new StreamClient({ endpoint: ts.endpoint, region: 'us-east-1' })
      const frankfurt = new StreamClient({ endpoint: ts.endpoint, region: 'eu-central-1' })
      const other = new StreamClient({ endpoint: ts.endpoint, region: 'eu-central-1', accountId: '111122223333' })
      try {
        await east.createStream({ streamName: uniqueName('quota'), shardCount: 450 })
        await frankfurt.createStream({ streamName: uniqueName('quota'), shardCount: 150 })
        // Frankfurt's quota is 200 whatever us-east-1 holds; another account has its own.
        const err = await expectCode(frankfurt.createStream({ streamName: uniqueName('quota'), shardCount: 51 }), 'LIMIT_EXCEEDED')
        expect(err.message).toBe(quotaMessage(150, 200, 51, 'eu-central-1'))
        await other.createStream({ streamName: uniqueName('quota'), shardCount: 200 })
        await east.createStream({ streamName: uniqueName('quota'), shardCount: 50 })
        expect(await frankfurt.describeLimits()).toMatchObject({ shardLimit: 200, openShardCount: 150 })
        expect(await other.describeLimits()).toMatchObject({ shardLimit: 200, openShardCount: 200 })
        expect(await east.describeLimits()).toMatchObject({ shardLimit: 500, openShardCount: 500 })
      } finally {
        for (const c of [east, frankfurt, other]) c.close()
      }
    })
  })
})

describe('the ON_DEMAND stream quota', () => {
  it('refuses one ON_DEMAND stream more than the limit, and a switch to ON_DEMAND', async () => {
    await withServer({ onDemandStreamLimit: 2 }, async (ts) => {
      for (let i = 0; i < 2; i++) await ts.client.createStream({ streamName: uniqueName('od'), streamModeDetails: { streamMode: 'ON_DEMAND' } })
      const name = uniqueName('od')
      const err = await expectCode(ts.client.createStream({ streamName: name, streamModeDetails: { streamMode: 'ON_DEMAND' } }), 'LIMIT_EXCEEDED')
      expect(err.message).toMatch(/already has 2 streams in ON_DEMAND mode; the limit is 2/)
      await expectCode(ts.client.describeStreamSummary({ streamName: name }), 'STREAM_NOT_FOUND')
      await ts.client.createStream({ streamName: name, shardCount: 1 })
      const streamArn = `arn:aws:kinesis:us-east-1:000000000000:stream/${name}`
      await expectCode(ts.client.updateStreamMode({ streamArn, streamModeDetails: { streamMode: 'ON_DEMAND' } }), 'LIMIT_EXCEEDED')
      expect((await ts.client.describeStreamSummary({ streamName: name })).streamDescriptionSummary.streamModeDetails.streamMode).toBe('PROVISIONED')
    })
  })
})

describe('the quota while a reshard waits for the end of UPDATING', () => {
  it('counts the pending split as done, so a second stream cannot take the same last shard', async () => {
    await withServer({ shardLimit: 4, createStreamMs: 300 }, async (ts) => {
      const [a, b] = [uniqueName('quota-pending'), uniqueName('quota-pending')]
      await ts.client.createStream({ streamName: a, shardCount: 2 })
      await ts.client.createStream({ streamName: b, shardCount: 1 })
      await waitForStatus(ts.client, a, 'ACTIVE')
      await waitForStatus(ts.client, b, 'ACTIVE')
      await ts.client.splitShard({ streamName: a, shardToSplit: shardId(0), newStartingHashKey: '1000' })
      // a still has 2 open shards, and will have 3: the quota's 4 are all taken.
      expect((await ts.client.describeStreamSummary({ streamName: a })).streamDescriptionSummary.openShardCount).toBe(2)
      expect(await openShards(ts.client)).toBe(4)
      const err = await expectCode(ts.client.splitShard({ streamName: b, shardToSplit: shardId(0), newStartingHashKey: '1000' }), 'LIMIT_EXCEEDED')
      expect(err.message).toContain(quotaMessage(4, 4, 1))
      await waitForStatus(ts.client, a, 'ACTIVE')
      expect(await openShards(ts.client)).toBe(4)
      expect((await ts.client.describeStreamSummary({ streamName: a })).streamDescriptionSummary.openShardCount).toBe(3)
    })
  })
})
