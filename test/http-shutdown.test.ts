/**
 * Graceful shutdown with HTTP clients attached: open HTTP/2 sessions (the SDK keeps them),
 * idle HTTP/1.1 keep-alive connections, HTTP writes in flight and a live SubscribeToShard
 * must not hold the process past 5 s, and every acknowledged HTTP write is kept.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { Agent } from 'node:http'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import {
  CreateStreamCommand, GetRecordsCommand, GetShardIteratorCommand, ListStreamsCommand, PutRecordCommand,
  RegisterStreamConsumerCommand, SubscribeToShardCommand
} from '@aws-sdk/client-kinesis'
import { NodeHttpHandler } from '@smithy/node-http-handler'
import { afterEach, expect, it } from 'vitest'
import { sdkClient } from './helpers/aws-sdk.js'
import { startChildServer } from './helpers/child-server.js'
import { startServer } from './helpers/server.js'

let dir: string | undefined
afterEach(async () => {
  if (dir !== undefined) await rm(dir, { recursive: true, force: true })
  dir = undefined
})

it('exits 0 within 5 s with HTTP/2 sessions, keep-alive connections, writes and a subscription open, keeping every acknowledged write', async () => {
  dir = await mkdtemp(join(tmpdir(), 'shardline-http-shutdown-'))
  const child = await startChildServer(['--data', dir, '--limits', 'off'])
  const h2 = sdkClient(child.httpPort, 'http2')
  const h1 = sdkClient(child.httpPort, 'http1', { requestHandler: new NodeHttpHandler({ httpAgent: new Agent({ keepAlive: true }) }) })
  await h2.send(new CreateStreamCommand({ StreamName: 'orders', ShardCount: 1 }))
  await h1.send(new ListStreamsCommand({}))
  const { Consumer } = await h2.send(new RegisterStreamConsumerCommand({ StreamARN: 'arn:aws:kinesis:us-east-1:000000000000:stream/orders', ConsumerName: 'c' }))
  const { EventStream } = await h2.send(new SubscribeToShardCommand({ ConsumerARN: Consumer!.ConsumerARN, ShardId: 'shardId-000000000000', StartingPosition: { Type: 'LATEST' } }))
  const subscription = (async () => {
    let events = 0
    for await (const event of EventStream!) if (event.SubscribeToShardEvent !== undefined) events += 1
    return events
  })().then(() => 'ended', (err: Error) => err.name)

  const acked: string[] = []
  const run = { stop: false }
  const writers = [h1, h2, h1, h2].map(async (kinesis, w) => {
    while (!run.stop) {
      try {
        const r = await kinesis.send(new PutRecordCommand({ StreamName: 'orders', PartitionKey: `w${w}`, Data: Buffer.alloc(256, w) }))
        acked.push(r.SequenceNumber!)
      } catch {
        return
      }
    }
  })
  await sleep(500)
  const signalledAt = Date.now()
  child.process.kill('SIGTERM')
  const code = await child.exited
  const exitMs = Date.now() - signalledAt
  run.stop = true
  await Promise.all(writers)
  h1.destroy()
  h2.destroy()

  expect(code).toBe(0)
  expect(exitMs).toBeLessThan(5000)
  // The live subscription is ended by the server with an exception event the SDK's
  // event-stream model knows (so it is a typed error, not a bare Error), not cut off.
  expect(await subscription).toBe('InternalFailureException')
  expect(acked.length).toBeGreaterThan(20)

  const server = await startServer({ dataDir: dir })
  const reader = sdkClient(server.server.httpPort, 'http1')
  try {
    let { ShardIterator } = await reader.send(new GetShardIteratorCommand({ StreamName: 'orders', ShardId: 'shardId-000000000000', ShardIteratorType: 'TRIM_HORIZON' }))
    const stored = new Set<string>()
    for (;;) {
      const page = await reader.send(new GetRecordsCommand({ ShardIterator }))
      for (const r of page.Records ?? []) stored.add(r.SequenceNumber!)
      if ((page.Records ?? []).length === 0) break
      ShardIterator = page.NextShardIterator
    }
    for (const seq of acked) expect(stored.has(seq), `acknowledged ${seq} lost`).toBe(true)
  } finally {
    reader.destroy()
    await server.close()
  }
}, 60_000)

it('close() does not wait for a connection that never sent a byte, nor for an idle HTTP/2 session', async () => {
  const ts = await startServer()
  const silent = connect(ts.server.httpPort, '127.0.0.1')
  await new Promise((resolve) => silent.once('connect', resolve))
  const kinesis = sdkClient(ts.server.httpPort, 'http2')
  await kinesis.send(new ListStreamsCommand({}))
  const closedBy = new Promise((resolve) => silent.once('close', resolve))
  const started = Date.now()
  await ts.close()
  expect(Date.now() - started).toBeLessThan(1500)
  await closedBy
  kinesis.destroy()
})
