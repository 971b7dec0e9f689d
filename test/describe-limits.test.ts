/**
 * DescribeLimits over gRPC (the HTTP API's side is in http-sdk-core.test.ts): the account's
 * quotas as configured or AWS's defaults, open shards counted over the PROVISIONED streams and
 * on-demand streams counted.
 */
import * as grpc from '@grpc/grpc-js'
import type { ServiceDefinition } from '@grpc/proto-loader'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { loadProtos } from '../src/grpc/proto.js'
import { startServer, uniqueName, type TestServer, type TestServerOptions } from './helpers/server.js'

let ts: TestServer

beforeAll(async () => {
  ts = await startServer({ limits: 'off' })
})

afterAll(async () => {
  await ts.close()
})

interface Limits {
  shard_limit: number
  open_shard_count: number
  on_demand_stream_count: number
  on_demand_stream_count_limit: number
}

function describeLimits (endpoint = ts.endpoint): Promise<Limits> {
  const Service = grpc.makeGenericClientConstructor(loadProtos()['shardline.v1.StreamService'] as ServiceDefinition, 'StreamService')
  const client = new Service(endpoint, grpc.credentials.createInsecure()) as unknown as {
    DescribeLimits: (request: object, callback: (err: Error | null, response: Limits) => void) => void
    close: () => void
  }
  return new Promise((resolve, reject) => {
    client.DescribeLimits({}, (err, response) => {
      client.close()
      if (err !== null) reject(err)
      else resolve(response)
    })
  })
}

async function limitsOf (options: TestServerOptions): Promise<Limits> {
  const other = await startServer(options)
  try {
    return await describeLimits(other.endpoint)
  } finally {
    await other.close()
  }
}

it('counts the open shards of PROVISIONED streams, and the ON_DEMAND streams', async () => {
  const before = await describeLimits()
  // With limits off the quotas are not enforced, but still reported.
  expect(before).toEqual({ shard_limit: 500, open_shard_count: 0, on_demand_stream_count: 0, on_demand_stream_count_limit: 50 })
  await ts.client.createStream({ streamName: uniqueName('limits'), shardCount: 3 })
  await ts.client.createStream({ streamName: uniqueName('limits'), streamModeDetails: { streamMode: 'ON_DEMAND' } })
  const after = await describeLimits()
  // The shard quota counts PROVISIONED streams only: the ON_DEMAND one's 4 shards are not in it.
  expect(after).toMatchObject({ open_shard_count: 3, on_demand_stream_count: 1 })
})

it("reports AWS's default shard quota of the region: 500 in the three largest, 200 elsewhere", async () => {
  for (const region of ['us-east-1', 'us-west-2', 'eu-west-1']) expect((await limitsOf({ region })).shard_limit).toBe(500)
  for (const region of ['eu-central-1', 'ap-southeast-2']) expect((await limitsOf({ region })).shard_limit).toBe(200)
})

it('reports the configured quotas', async () => {
  expect(await limitsOf({ shardLimit: 10, onDemandStreamLimit: 3 })).toMatchObject({ shard_limit: 10, on_demand_stream_count_limit: 3 })
})

it('is a StreamClient method', async () => {
  const limits = await ts.client.describeLimits()
  const raw = await describeLimits()
  expect(limits).toEqual({ shardLimit: raw.shard_limit, openShardCount: raw.open_shard_count, onDemandStreamCount: raw.on_demand_stream_count, onDemandStreamCountLimit: raw.on_demand_stream_count_limit })
  expect(limits.shardLimit).toBe(500)
})
