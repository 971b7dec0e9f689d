/**
 * EnableEnhancedMonitoring and DisableEnhancedMonitoring: decoding, validation (1 to 7
 * metric names of AWS's set), ALL, the current and desired lists, DescribeStream's
 * EnhancedMonitoring, and persistence; over gRPC and the AWS SDK v3.
 */
import { DescribeStreamCommand, DescribeStreamSummaryCommand, DisableEnhancedMonitoringCommand, EnableEnhancedMonitoringCommand, type KinesisClient, type MetricsName } from '@aws-sdk/client-kinesis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ShardLevelMetric, StreamClient } from '../client/index.js'
import { expectAwsError, SDK_TARGETS, sdkClient } from './helpers/aws-sdk.js'
import { expectValidation, startRestartableServer, type RestartableServer } from './helpers/control-plane.js'
import { expectRawError, expectSerializationFailed, GARBAGE, message, stringField, varintField } from './helpers/protowire.js'
import { kinesisHeaders, rawHttp1 } from './helpers/raw-http.js'
import { expectCode, rawCall, startServer, uniqueName } from './helpers/server.js'

const ALL: ShardLevelMetric[] = [
  'IncomingBytes', 'IncomingRecords', 'OutgoingBytes', 'OutgoingRecords',
  'WriteProvisionedThroughputExceeded', 'ReadProvisionedThroughputExceeded', 'IteratorAgeMilliseconds'
]
const RPCS = ['EnableEnhancedMonitoring', 'DisableEnhancedMonitoring'] as const

let srv: RestartableServer

beforeAll(async () => {
  srv = await startRestartableServer()
})

afterAll(async () => {
  await srv?.close()
})

function client (): StreamClient {
  return srv.current.client
}

async function newStream (): Promise<string> {
  const streamName = uniqueName('mon')
  await client().createStream({ streamName, shardCount: 1 })
  return streamName
}

async function shown (streamName: string): Promise<string[]> {
  const { streamDescription } = await client().describeStream({ streamName })
  expect(streamDescription.enhancedMonitoring).toHaveLength(1)
  const summary = (await client().describeStreamSummary({ streamName })).streamDescriptionSummary.enhancedMonitoring
  expect(summary).toEqual(streamDescription.enhancedMonitoring)
  return streamDescription.enhancedMonitoring[0]!.shardLevelMetrics
}

describe('enhanced monitoring serialization', () => {
  it.each(RPCS)('%s rejects bytes that are not protobuf', async (rpc) => {
    expectSerializationFailed(await rawCall(srv.current.endpoint, rpc, GARBAGE))
  })

  it.each(RPCS)('%s rejects a metric name sent as a varint, changing nothing', async (rpc) => {
    const streamName = await newStream()
    expectSerializationFailed(await rawCall(srv.current.endpoint, rpc, message(stringField(1, streamName), varintField(2, 3))))
    expect(await shown(streamName)).toEqual([])
  })
})

describe('enhanced monitoring validation', () => {
  let streamName: string

  beforeAll(async () => {
    streamName = await newStream()
  })

  it.each(RPCS)('%s needs 1 to 7 metric names', async (rpc) => {
    const none = await rawCall(srv.current.endpoint, rpc, message(stringField(1, streamName)))
    expectRawError(none, 'VALIDATION_FAILED', 3, 'ValidationException')
    expect(none.details).toMatch(/at 'shard_level_metrics' failed to satisfy constraint: Member must (not be null|have length greater than or equal to 1)/)
    const call = rpc === 'EnableEnhancedMonitoring' ? client().enableEnhancedMonitoring.bind(client()) : client().disableEnhancedMonitoring.bind(client())
    await expectValidation(call({ streamName, shardLevelMetrics: [...ALL, 'ALL'] }), 'shard_level_metrics', 'Member must have length less than or equal to 7')
  })

  it.each(RPCS)('%s names a metric outside AWS\'s set, listing the allowed ones', async (rpc) => {
    const call = rpc === 'EnableEnhancedMonitoring' ? client().enableEnhancedMonitoring.bind(client()) : client().disableEnhancedMonitoring.bind(client())
    // As AWS: one constraint on the list's members, with the list as the value.
    const text = await expectValidation(call({ streamName, shardLevelMetrics: ['IncomingBytes', 'CpuUsage' as ShardLevelMetric] }), 'shard_level_metrics', 'Member must satisfy constraint: [Member must satisfy enum value set: [')
    expect(text).toContain(`${ALL.join(', ')}, ALL]`)
    expect(await shown(streamName)).toEqual([])
  })

  it('needs a stream name or ARN, checks the name, and finds no unknown stream', async () => {
    await expectCode(client().enableEnhancedMonitoring({ shardLevelMetrics: ['ALL'] }), 'VALIDATION_FAILED')
    await expectValidation(client().disableEnhancedMonitoring({ streamName: 'a b', shardLevelMetrics: ['ALL'] }), 'stream_name', 'Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+')
    await expectCode(client().enableEnhancedMonitoring({ streamName: uniqueName('absent'), shardLevelMetrics: ['ALL'] }), 'STREAM_NOT_FOUND')
  })
})

describe('enhanced monitoring', () => {
  it('enables metrics, returning the metrics before and after, in AWS\'s order whatever the order asked', async () => {
    const streamName = await newStream()
    const first = await client().enableEnhancedMonitoring({ streamName, shardLevelMetrics: ['OutgoingBytes', 'IncomingBytes', 'IncomingBytes'] })
    expect(first.streamName).toBe(streamName)
    expect(first.streamArn).toBe(`arn:aws:kinesis:us-east-1:000000000000:stream/${streamName}`)
    expect(first.currentShardLevelMetrics).toEqual([])
    expect(first.desiredShardLevelMetrics).toEqual(['IncomingBytes', 'OutgoingBytes'])
    const second = await client().enableEnhancedMonitoring({ streamName, shardLevelMetrics: ['IteratorAgeMilliseconds'] })
    expect(second.currentShardLevelMetrics).toEqual(['IncomingBytes', 'OutgoingBytes'])
    expect(second.desiredShardLevelMetrics).toEqual(['IncomingBytes', 'OutgoingBytes', 'IteratorAgeMilliseconds'])
    expect(await shown(streamName)).toEqual(['IncomingBytes', 'OutgoingBytes', 'IteratorAgeMilliseconds'])
  })

  it('takes ALL for every metric, on and off', async () => {
    const streamName = await newStream()
    expect((await client().enableEnhancedMonitoring({ streamName, shardLevelMetrics: ['ALL'] })).desiredShardLevelMetrics).toEqual(ALL)
    expect(await shown(streamName)).toEqual(ALL)
    const partly = await client().disableEnhancedMonitoring({ streamName, shardLevelMetrics: ['IncomingRecords', 'OutgoingRecords'] })
    expect(partly.currentShardLevelMetrics).toEqual(ALL)
    expect(partly.desiredShardLevelMetrics).toEqual(ALL.filter((m) => m !== 'IncomingRecords' && m !== 'OutgoingRecords'))
    const off = await client().disableEnhancedMonitoring({ streamName, shardLevelMetrics: ['ALL'] })
    expect(off.desiredShardLevelMetrics).toEqual([])
    expect(await shown(streamName)).toEqual([])
  })

  it('disables a metric that was never on without complaint', async () => {
    const streamName = await newStream()
    const result = await client().disableEnhancedMonitoring({ streamName, shardLevelMetrics: ['IncomingBytes'] })
    expect([result.currentShardLevelMetrics, result.desiredShardLevelMetrics]).toEqual([[], []])
  })

  it('keeps the metrics across a restart', async () => {
    const streamName = await newStream()
    await client().enableEnhancedMonitoring({ streamName, shardLevelMetrics: ['IncomingBytes', 'WriteProvisionedThroughputExceeded'] })
    await srv.restart()
    expect(await shown(streamName)).toEqual(['IncomingBytes', 'WriteProvisionedThroughputExceeded'])
  })

  it('refuses a stream that is not ACTIVE with RESOURCE_IN_USE', async () => {
    const slow = await startServer({ createStreamMs: 60_000 })
    try {
      const streamName = uniqueName('creating')
      await slow.client.createStream({ streamName, shardCount: 1 })
      const err = await expectCode(slow.client.enableEnhancedMonitoring({ streamName, shardLevelMetrics: ['ALL'] }), 'RESOURCE_IN_USE')
      expect(err.awsType).toBe('ResourceInUseException')
    } finally {
      await slow.close()
    }
  })
})

describe.each(SDK_TARGETS)('enhanced monitoring through the AWS SDK over %s', (target) => {
  let kinesis: KinesisClient
  beforeAll(() => { kinesis = sdkClient(srv.current.server.httpPort, target) })
  afterAll(() => kinesis.destroy())

  it('enables and disables metrics as AWS answers, and DescribeStream shows them', async () => {
    const streamName = await newStream()
    const on = await kinesis.send(new EnableEnhancedMonitoringCommand({ StreamName: streamName, ShardLevelMetrics: ['ALL'] }))
    expect(on.StreamName).toBe(streamName)
    expect(on.StreamARN).toBe(`arn:aws:kinesis:us-east-1:000000000000:stream/${streamName}`)
    expect(on.CurrentShardLevelMetrics).toEqual([])
    expect(on.DesiredShardLevelMetrics).toEqual(ALL)
    const off = await kinesis.send(new DisableEnhancedMonitoringCommand({ StreamARN: on.StreamARN, ShardLevelMetrics: ['IncomingBytes'] }))
    expect(off.CurrentShardLevelMetrics).toEqual(ALL)
    expect(off.DesiredShardLevelMetrics).toEqual(ALL.slice(1))
    const { StreamDescription } = await kinesis.send(new DescribeStreamCommand({ StreamName: streamName }))
    expect(StreamDescription?.EnhancedMonitoring).toEqual([{ ShardLevelMetrics: ALL.slice(1) }])
    const { StreamDescriptionSummary } = await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: streamName }))
    expect(StreamDescriptionSummary?.EnhancedMonitoring).toEqual([{ ShardLevelMetrics: ALL.slice(1) }])
  })

  it('answers AWS\'s errors by their AWS names', async () => {
    const streamName = await newStream()
    await expectAwsError(kinesis.send(new EnableEnhancedMonitoringCommand({ StreamName: streamName, ShardLevelMetrics: ['Nope' as MetricsName] })), 'ValidationException', /^1 validation error detected: Value '\[Nope\]' at 'shardLevelMetrics' failed to satisfy constraint: Member must satisfy constraint: \[Member must satisfy enum value set: \[/)
    await expectAwsError(kinesis.send(new EnableEnhancedMonitoringCommand({ StreamName: streamName, ShardLevelMetrics: [] })), 'ValidationException', /shardLevelMetrics/)
    await expectAwsError(kinesis.send(new DisableEnhancedMonitoringCommand({ StreamName: uniqueName('absent'), ShardLevelMetrics: ['ALL'] })), 'ResourceNotFoundException')
  })

  it('answers a metric list of the wrong JSON type with SerializationException', async () => {
    const streamName = await newStream()
    const res = await rawHttp1(srv.current.server.httpPort, { headers: kinesisHeaders('EnableEnhancedMonitoring'), body: JSON.stringify({ StreamName: streamName, ShardLevelMetrics: 'ALL' }) })
    expect(res.status).toBe(400)
    expect(res.json?.__type).toBe('SerializationException')
    expect(await shown(streamName)).toEqual([])
  })
})
