/**
 * Per-scope caches (each account and region's scope, action context and scoped views) are
 * released once the scope holds nothing: requests naming ever new accounts and regions
 * (any 12-digit access key id is an account) must not make the server grow for good. A
 * scope that holds a stream stays, and stays the same scope.
 */
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { setImmediate as tick } from 'node:timers/promises'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { StreamClient } from '../client/index.js'
import { internedScopeCount } from '../src/scope.js'
import { kinesisHeaders, rawHttp1 } from './helpers/raw-http.js'
import { startServer, uniqueName, type TestServer } from './helpers/server.js'

setFlagsFromString('--expose-gc')
const gc = runInNewContext('gc') as () => void

let ts: TestServer

beforeAll(async () => {
  ts = await startServer()
})

afterAll(async () => {
  await ts.close()
})

/** Collects garbage until what was released is gone (finalizers run after a collection). */
async function collect (): Promise<void> {
  for (let i = 0; i < 5; i++) {
    gc()
    await tick()
  }
}

function listStreamsAs (accountKey: string, region: string): Promise<{ status: number }> {
  return rawHttp1(ts.server.httpPort, {
    headers: kinesisHeaders('ListStreams', { authorization: `AWS4-HMAC-SHA256 Credential=${accountKey}/20260101/${region}/kinesis/aws4_request, SignedHeaders=host;x-amz-date, Signature=0123456789abcdef` }),
    body: '{}'
  })
}

it('releases the scopes of requests that leave nothing behind, and keeps those that hold a stream', async () => {
  await collect()
  const before = internedScopeCount()
  // A scope that holds a stream.
  const keeper = new StreamClient({ endpoint: ts.endpoint, accountId: '999988887777', region: 'eu-north-1' })
  const streamName = uniqueName('kept')
  try {
    await keeper.createStream({ streamName, shardCount: 1 })
    for (let i = 0; i < 100; i++) {
      const { status } = await listStreamsAs(String(100_000_000_000 + i), `test-${i}`)
      expect(status).toBe(200)
    }
    expect(internedScopeCount()).toBeGreaterThanOrEqual(before + 100)
    await collect()
    // The 100 passing scopes are gone; the one with a stream is still there.
    expect(internedScopeCount()).toBeLessThanOrEqual(before + 1 + 5)
    expect((await keeper.listStreams({})).streamNames).toEqual([streamName])
    expect((await keeper.describeStreamSummary({ streamName })).streamDescriptionSummary.streamArn).toBe(`arn:aws:kinesis:eu-north-1:999988887777:stream/${streamName}`)
  } finally {
    keeper.close()
  }
})
