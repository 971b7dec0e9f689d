/**
 * Persistence: a server stopped and started again on the same data directory has every
 * acknowledged record, every sequence number and every stream setting it had, and keeps
 * numbering upwards from where it stopped.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { StreamClient, type Shard, type StreamDescription, type StreamRecord } from '../client/index.js'
import { createServer, type ServerOptions, type ShardlineServer } from '../src/index.js'
import { ManualClock, expectCode, uniqueName } from './helpers/server.js'

interface OwnedServer {
  readonly server: ShardlineServer
  readonly client: StreamClient
  close (): Promise<void>
}

async function openServer (dataDir: string, options: ServerOptions = {}): Promise<OwnedServer> {
  const server = await createServer({ dataDir, grpcPort: 0, httpPort: 0, logLevel: 'silent', limits: 'off', ...options })
  const client = new StreamClient({ endpoint: `127.0.0.1:${server.grpcPort}` })
  return {
    server,
    client,
    async close () {
      client.close()
      await server.close()
    }
  }
}

async function readShard (client: StreamClient, streamName: string, shardId: string): Promise<StreamRecord[]> {
  let iterator = (await client.getShardIterator({ streamName, shardId, shardIteratorType: 'TRIM_HORIZON' })).shardIterator
  const out: StreamRecord[] = []
  for (;;) {
    const page = await client.getRecords({ shardIterator: iterator })
    out.push(...page.records)
    iterator = page.nextShardIterator!
    if (page.records.length === 0 && page.millisBehindLatest === 0) return out
  }
}

async function readStream (client: StreamClient, streamName: string): Promise<Map<string, StreamRecord[]>> {
  const { shards } = await client.listShards({ streamName })
  const out = new Map<string, StreamRecord[]>()
  for (const shard of shards) out.set(shard.shardId, await readShard(client, streamName, shard.shardId))
  return out
}

function comparable (records: Map<string, StreamRecord[]>): Record<string, string[][]> {
  return Object.fromEntries([...records].map(([shard, list]) => [shard, list.map((r) => [r.sequenceNumber, String(r.approximateArrivalTimestamp), r.partitionKey, r.data.toString('base64')])]))
}

function shardsOf (d: StreamDescription): Shard[] {
  return d.shards
}

let dataDir: string
let running: OwnedServer | undefined

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'shardline-persist-'))
})

afterAll(async () => {
  await running?.close()
  await rm(dataDir, { recursive: true, force: true })
})

/** Stops the running server and starts a new one on the same data directory. */
async function restart (options: ServerOptions = {}): Promise<OwnedServer> {
  await running?.close()
  running = await openServer(dataDir, options)
  return running
}

describe('persistence', () => {
  it('keeps records, sequence numbers and stream metadata across a restart, and numbers new records higher', async () => {
    let { client } = await restart()
    const name = uniqueName('persist')
    await client.createStream({ streamName: name, shardCount: 3, partitionHash: 'MD5', tags: { team: 'data', env: 'test' } })
    await client.increaseStreamRetentionPeriod({ streamName: name, retentionPeriodHours: 72 })
    await client.addTagsToStream({ streamName: name, tags: { added: 'later' } })
    const result = await client.putRecords({ streamName: name, records: Array.from({ length: 300 }, (_, i) => ({ partitionKey: `key-${i}`, data: Buffer.from([i % 256, (i * 7) % 256, 0, 255]) })) })
    expect(result.failedRecordCount).toBe(0)
    for (let i = 0; i < 5; i++) await client.putRecord({ streamName: name, partitionKey: 'single', data: `single-${i}` })
    await client.putRecord({ streamName: name, partitionKey: 'empty', data: new Uint8Array(0) })

    const description = (await client.describeStream({ streamName: name })).streamDescription
    const tags = (await client.listTagsForStream({ streamName: name })).tags
    const records = await readStream(client, name)
    expect([...records.values()].reduce((n, list) => n + list.length, 0)).toBe(306)
    const lastSeq = new Map([...records].map(([shard, list]) => [shard, list[list.length - 1]?.sequenceNumber ?? '']))

    ;({ client } = await restart())

    const after = (await client.describeStream({ streamName: name })).streamDescription
    expect(after).toEqual(description)
    expect(after.retentionPeriodHours).toBe(72)
    expect(after.partitionHash).toBe('MD5')
    expect(after.streamStatus).toBe('ACTIVE')
    expect(shardsOf(after)).toHaveLength(3)
    expect((await client.listTagsForStream({ streamName: name })).tags).toEqual(tags)
    expect(tags.map((t) => t.key)).toEqual(['added', 'env', 'team'])
    expect((await client.listStreams()).streamNames).toContain(name)

    // Every record, with its sequence number, arrival time, key and bytes.
    expect(comparable(await readStream(client, name))).toEqual(comparable(records))

    // New records get larger sequence numbers than any before the restart, in every shard.
    for (const shard of shardsOf(after)) {
      const put = await client.putRecord({ streamName: name, partitionKey: 'after', data: 'after-restart', explicitHashKey: shard.hashKeyRange.startingHashKey })
      expect(put.shardId).toBe(shard.shardId)
      expect(put.sequenceNumber > lastSeq.get(shard.shardId)!, `${shard.shardId}: ${put.sequenceNumber} vs ${lastSeq.get(shard.shardId)!}`).toBe(true)
      const stored = await readShard(client, name, shard.shardId)
      expect(stored[stored.length - 1]!.data.toString()).toBe('after-restart')
    }
    // MD5 placement still applies after the restart: the same key lands on the same shard.
    const again = await client.putRecord({ streamName: name, partitionKey: 'key-0', data: 'again' })
    expect(again.shardId).toBe(result.records[0]!.shardId)
  })

  it('numbers new records higher even when the clock restarts behind the newest record', async () => {
    let { client } = await restart()
    const name = uniqueName('persist')
    await client.createStream({ streamName: name, shardCount: 1 })
    let last = ''
    for (let i = 0; i < 5; i++) last = (await client.putRecord({ streamName: name, partitionKey: 'k', data: `before-${i}` })).sequenceNumber
    const records = await readShard(client, name, 'shardId-000000000000')
    const newestTime = records[records.length - 1]!.approximateArrivalTimestamp

    // The clock now reads one minute earlier than the newest record's arrival.
    const clock = new ManualClock(newestTime - 60_000)
    ;({ client } = await restart({ clock: clock.now }))
    const put = await client.putRecord({ streamName: name, partitionKey: 'k', data: 'after' })
    expect(put.sequenceNumber > last).toBe(true)
    const all = await readShard(client, name, 'shardId-000000000000')
    expect(all.map((r) => r.data.toString())).toEqual(['before-0', 'before-1', 'before-2', 'before-3', 'before-4', 'after'])
    const times = all.map((r) => r.approximateArrivalTimestamp)
    expect(times.every((t, i) => i === 0 || t >= times[i - 1]!), times.join(', ')).toBe(true)
  })

  it('gives a stream created after a restart none of the records of an older stream', async () => {
    let { client } = await restart()
    const old = uniqueName('persist')
    await client.createStream({ streamName: old, shardCount: 1 })
    await client.putRecord({ streamName: old, partitionKey: 'k', data: 'old-stream' })

    ;({ client } = await restart())
    const fresh = uniqueName('persist')
    await client.createStream({ streamName: fresh, shardCount: 1 })
    expect(await readShard(client, fresh, 'shardId-000000000000')).toHaveLength(0)
    await client.putRecord({ streamName: fresh, partitionKey: 'k', data: 'fresh-stream' })
    expect((await readShard(client, fresh, 'shardId-000000000000')).map((r) => r.data.toString())).toEqual(['fresh-stream'])
    expect((await readShard(client, old, 'shardId-000000000000')).map((r) => r.data.toString())).toEqual(['old-stream'])
  })

  it('keeps a deleted stream deleted, and its name free, across a restart', async () => {
    let { client } = await restart()
    const name = uniqueName('persist')
    await client.createStream({ streamName: name, shardCount: 1 })
    await client.putRecord({ streamName: name, partitionKey: 'k', data: 'gone' })
    await client.deleteStream({ streamName: name })

    ;({ client } = await restart())
    await expectCode(client.describeStream({ streamName: name }), 'STREAM_NOT_FOUND')
    await client.createStream({ streamName: name, shardCount: 1 })
    expect(await readShard(client, name, 'shardId-000000000000')).toHaveLength(0)
  })

  it('keeps LATEST after the records written before the restart', async () => {
    let { client } = await restart()
    const name = uniqueName('persist')
    await client.createStream({ streamName: name, shardCount: 1 })
    await client.putRecord({ streamName: name, partitionKey: 'k', data: 'before' })

    ;({ client } = await restart())
    const latest = (await client.getShardIterator({ streamName: name, shardId: 'shardId-000000000000', shardIteratorType: 'LATEST' })).shardIterator
    expect((await client.getRecords({ shardIterator: latest })).records).toHaveLength(0)
    await client.putRecord({ streamName: name, partitionKey: 'k', data: 'after' })
    expect((await client.getRecords({ shardIterator: latest })).records.map((r) => r.data.toString())).toEqual(['after'])
  })
})
