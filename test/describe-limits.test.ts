/**
 * DescribeLimits over gRPC (the HTTP API's side is in http-sdk-core.test.ts): the shard
 * limit, and open shards and on-demand streams counted over every stream.
 */
import * as grpc from '@grpc/grpc-js'
import type { ServiceDefinition } from '@grpc/proto-loader'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { loadProtos } from '../src/grpc/proto.js'
import { startServer, uniqueName, type TestServer } from './helpers/server.js'

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

function describeLimits (): Promise<Limits> {
  const Service = grpc.makeGenericClientConstructor(loadProtos()['shardline.v1.StreamService'] as ServiceDefinition, 'StreamService')
  const client = new Service(ts.endpoint, grpc.credentials.createInsecure()) as unknown as {
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

it('counts open shards and on-demand streams over every stream', async () => {
  const before = await describeLimits()
  expect(before).toEqual({ shard_limit: 10_000, open_shard_count: 0, on_demand_stream_count: 0, on_demand_stream_count_limit: 50 })
  await ts.client.createStream({ streamName: uniqueName('limits'), shardCount: 3 })
  await ts.client.createStream({ streamName: uniqueName('limits'), streamModeDetails: { streamMode: 'ON_DEMAND' } })
  const after = await describeLimits()
  expect(after).toMatchObject({ open_shard_count: 3 + 4, on_demand_stream_count: 1 })
})

it('is a StreamClient method', async () => {
  const limits = await ts.client.describeLimits()
  const raw = await describeLimits()
  expect(limits).toEqual({ shardLimit: raw.shard_limit, openShardCount: raw.open_shard_count, onDemandStreamCount: raw.on_demand_stream_count, onDemandStreamCountLimit: raw.on_demand_stream_count_limit })
  expect(limits.shardLimit).toBe(10_000)
})
