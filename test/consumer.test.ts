/**
 * The Consumer API in one process against the real server: options, eachRecord, async
 * iteration, events and their unsubscribe, automatic SHARD_END, fencing of a stolen lease.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Consumer, LeaseClient, type Batch, type ConsumerEvents } from '../client/index.js'
import { startServer, uniqueName, type TestServer } from './helpers/server.js'

const SHARD0 = 'shardId-000000000000'
let srv: TestServer
let leases: LeaseClient

beforeAll(async () => {
  srv = await startServer()
  leases = new LeaseClient({ endpoint: srv.endpoint })
})

afterAll(async () => {
  leases.close()
  await srv.close()
})

async function put (stream: string, data: string[], partitionKey = 'k'): Promise<void> {
  await srv.client.putRecords({ streamName: stream, records: data.map((d) => ({ partitionKey, data: d })) })
}

async function until (what: string, check: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`)
    await sleep(50)
  }
}

describe('Consumer options', () => {
  it.each([
    [{ stream: '', application: 'a' }, /stream must be a non-empty string/],
    [{ stream: 's', application: 'a', mode: 'push' }, /mode must be 'polling' or 'fanout'/],
    [{ stream: 's', application: 'a', leaseDurationMs: 0 }, /leaseDurationMs must be a positive integer/],
    [{ stream: 's', application: 'a', leaseDurationMs: 200 }, /leaseDurationMs must be at least 300, got 200/],
    [{ stream: 's', application: 'a', initialPosition: 'NOW' }, /initialPosition must be/],
    [{ stream: 's', application: 'a', checkpoint: { everyRecords: -1 } }, /checkpoint.everyRecords/],
    [{ stream: 's', application: 'a', leaseDuration: 5000 }, /unknown Consumer option\(s\) leaseDuration; known: endpoint, /],
    [{ stream: 's', application: 'a', checkpoint: { everyRecord: 5 } }, /unknown checkpoint option\(s\) everyRecord; known: everyRecords, everyMs/],
    [{ stream: 's', application: 'a', checkpoint: 1000 }, /checkpoint must be an object/]
  ])('rejects %j with a TypeError', (options, message) => {
    expect(() => new Consumer({ endpoint: '127.0.0.1:1', ...options } as never)).toThrow(message)
    expect(() => new Consumer({ endpoint: '127.0.0.1:1', ...options } as never)).toThrow(TypeError)
  })

  it('on() refuses an unknown event name and a listener that is not a function', () => {
    const consumer = new Consumer({ endpoint: '127.0.0.1:1', stream: 's', application: 'a' })
    expect(() => consumer.on('lease.aquired' as never, () => {})).toThrow(/unknown Consumer event 'lease.aquired'; known: lease.acquired, /)
    expect(() => consumer.on('checkpoint', 'x' as never)).toThrow(TypeError)
    expect(consumer.on('checkpoint', () => {})).toBeTypeOf('function')
  })

  it('run() takes exactly one handler', async () => {
    const consumer = new Consumer({ endpoint: srv.endpoint, stream: 's', application: 'a' })
    await expect(consumer.run({})).rejects.toThrow(/exactly one of eachBatch and eachRecord/)
  })
})

describe('Consumer', () => {
  it('eachRecord sees every record in order; checkpoints, SHARD_END and events follow; stop() releases', async () => {
    const stream = uniqueName('api')
    const application = uniqueName('app')
    await srv.client.createStream({ streamName: stream, shardCount: 1 })
    await put(stream, ['a', 'b', 'c'])
    const consumer = new Consumer({ endpoint: srv.endpoint, stream, application, workerId: 'solo', leaseDurationMs: 3000, checkpoint: { everyRecords: 1, everyMs: 60_000 } })
    const seen: string[] = []
    const events: Array<[string, unknown]> = []
    for (const name of ['lease.acquired', 'shard.ended', 'checkpoint', 'rebalance'] as const) {
      consumer.on(name, (e: ConsumerEvents[typeof name]) => events.push([name, e]))
    }
    const off = consumer.on('checkpoint', () => { throw new Error('a throwing listener changes nothing') })
    await consumer.run({ eachRecord: (record) => { seen.push(record.data.toString()) } })
    await until('3 records', () => seen.length === 3)
    expect(seen).toEqual(['a', 'b', 'c'])
    expect(events.find(([n]) => n === 'lease.acquired')?.[1]).toMatchObject({ shardId: SHARD0, checkpoint: 'TRIM_HORIZON', reason: 'free' })
    expect(consumer.heldShards()).toEqual([SHARD0])
    expect(events.find(([n]) => n === 'rebalance')?.[1]).toEqual({ workers: 1, leases: 1, held: 1, target: { min: 1, max: 1 }, took: [SHARD0], stole: [] })
    off()

    // Split the shard: its end is checkpointed automatically and the children follow it.
    await srv.client.splitShard({ streamName: stream, shardToSplit: SHARD0, newStartingHashKey: (1n << 127n).toString() })
    await put(stream, ['d', 'e'])
    await until('the children', () => seen.length === 5 && consumer.heldShards().length === 2)
    expect(seen).toEqual(['a', 'b', 'c', 'd', 'e'])
    expect(events.find(([n]) => n === 'shard.ended')?.[1]).toEqual({ shardId: SHARD0, childShardIds: ['shardId-000000000001', 'shardId-000000000002'] })
    const { leases: table } = await leases.listLeases({ leaseTable: application })
    const parent = table.find((l) => l.leaseKey === SHARD0)!
    expect(parent).toMatchObject({ checkpoint: 'SHARD_END', leaseOwner: '', childShardIds: ['shardId-000000000001', 'shardId-000000000002'] })
    expect(table.find((l) => l.leaseKey === 'shardId-000000000001')?.parentShardIds).toEqual([SHARD0])

    await consumer.stop()
    const after = await leases.listLeases({ leaseTable: application })
    expect(after.leases.filter((l) => l.leaseOwner !== '')).toEqual([])
    // The child that got 'd' and 'e' is checkpointed at 'e'.
    const children = after.leases.filter((l) => l.parentShardIds.length > 0)
    expect(children.map((l) => l.checkpoint).filter((c) => /^\d+$/.test(c))).toHaveLength(1)
  })

  it('for await iterates batches, checkpoints each after the loop body, and stops when the loop is left', async () => {
    const stream = uniqueName('iter')
    const application = uniqueName('app')
    await srv.client.createStream({ streamName: stream, shardCount: 2 })
    // One record on each shard (hash keys in the lower and upper half).
    await srv.client.putRecords({ streamName: stream, records: [{ partitionKey: 'a', explicitHashKey: '1', data: 'low' }, { partitionKey: 'b', explicitHashKey: (1n << 127n).toString(), data: 'high' }] })
    const consumer = new Consumer({ endpoint: srv.endpoint, stream, application, leaseDurationMs: 3000, checkpoint: { everyRecords: 1, everyMs: 60_000 } })
    const crashes: unknown[] = []
    consumer.on('crash', (e) => crashes.push(e))
    const batches: Batch[] = []
    for await (const batch of consumer) {
      batches.push(batch)
      // Give the other shard's batch time to queue up behind this one, then leave.
      await sleep(300)
      if (batches.length > 0) break
    }
    const { leases: table } = await leases.listLeases({ leaseTable: application })
    expect(table.filter((l) => l.leaseOwner !== '')).toEqual([])
    const [first] = batches as [Batch]
    // The batch the loop ran for is checkpointed; the one still queued is not, so it comes again.
    expect(table.find((l) => l.leaseKey === first.shardId)!.checkpoint).toBe(first.records[0]!.sequenceNumber)
    expect(table.find((l) => l.leaseKey !== first.shardId && !l.leaseKey.startsWith('__'))!.checkpoint).toBe('TRIM_HORIZON')
    expect(first.millisBehindLatest).toBeGreaterThanOrEqual(0)
    expect(crashes).toEqual([])
  })

  it('LATEST skips what came before, and a lease handed over before any record loses nothing', async () => {
    const stream = uniqueName('latest')
    const application = uniqueName('app')
    await srv.client.createStream({ streamName: stream, shardCount: 1 })
    await put(stream, ['old'])
    const options = { endpoint: srv.endpoint, stream, application, initialPosition: 'LATEST' as const, leaseDurationMs: 3000 }
    const first = new Consumer({ ...options, workerId: 'first' })
    await first.run({ eachBatch: () => {} })
    await until('the lease', () => first.heldShards().length === 1)
    await first.stop()
    await put(stream, ['new'])
    const seen: string[] = []
    const second = new Consumer({ ...options, workerId: 'second' })
    await second.run({ eachRecord: (r) => { seen.push(r.data.toString()) } })
    await until('the new record', () => seen.length === 1)
    await sleep(300)
    expect(seen).toEqual(['new'])
    await second.stop()
  })

  it('LATEST on a resharded stream starts at the open shards, without waiting for the closed parent', async () => {
    const stream = uniqueName('latest-split')
    const application = uniqueName('app')
    await srv.client.createStream({ streamName: stream, shardCount: 1 })
    await put(stream, ['old'])
    await srv.client.splitShard({ streamName: stream, shardToSplit: SHARD0, newStartingHashKey: (1n << 127n).toString() })
    await put(stream, ['old-child'])
    const seen: string[] = []
    const consumer = new Consumer({ endpoint: srv.endpoint, stream, application, initialPosition: 'LATEST', leaseDurationMs: 3000 })
    await consumer.run({ eachRecord: (r) => { seen.push(r.data.toString()) } })
    await until('both children held', () => consumer.heldShards().length === 2)
    expect(consumer.heldShards()).toEqual(['shardId-000000000001', 'shardId-000000000002'])
    await srv.client.putRecords({ streamName: stream, records: [{ partitionKey: 'a', explicitHashKey: '1', data: 'new-low' }, { partitionKey: 'b', explicitHashKey: (1n << 127n).toString(), data: 'new-high' }] })
    await until('the new records', () => seen.length === 2)
    await sleep(300)
    expect(seen.sort()).toEqual(['new-high', 'new-low'])
    const { leases: table } = await leases.listLeases({ leaseTable: application })
    expect(table.some((l) => l.leaseKey === SHARD0)).toBe(false)
    await consumer.stop()
  })

  it('initialPosition { timestamp } starts at the first record that arrived at or after it', async () => {
    const stream = uniqueName('timestamp')
    const application = uniqueName('app')
    await srv.client.createStream({ streamName: stream, shardCount: 1 })
    await put(stream, ['before'])
    await sleep(50)
    const timestamp = new Date()
    await sleep(50)
    await put(stream, ['after'])
    const seen: string[] = []
    const consumer = new Consumer({ endpoint: srv.endpoint, stream, application, initialPosition: { timestamp }, leaseDurationMs: 3000 })
    await consumer.run({ eachRecord: (r) => { seen.push(r.data.toString()) } })
    await until('the record', () => seen.length === 1)
    await sleep(300)
    expect(seen).toEqual(['after'])
    await consumer.stop()
  })

  it('checkpoint.everyMs also checkpoints a shard that went quiet after a batch', async () => {
    const stream = uniqueName('quiet')
    const application = uniqueName('app')
    await srv.client.createStream({ streamName: stream, shardCount: 1 })
    await put(stream, ['a'])
    const consumer = new Consumer({ endpoint: srv.endpoint, stream, application, leaseDurationMs: 3000, checkpoint: { everyRecords: 1000, everyMs: 1500 } })
    const checkpoints: Array<ConsumerEvents['checkpoint']> = []
    consumer.on('checkpoint', (e) => checkpoints.push(e))
    const last: string[] = []
    await consumer.run({
      eachBatch: async (batch) => {
        last.push(batch.records.at(-1)!.sequenceNumber)
        // Checkpointing 'a' by hand restarts the everyMs clock, so 'b' arrives well before it runs out.
        if (last.length === 1) await batch.checkpoint()
      }
    })
    await until('a', () => last.length === 1)
    await put(stream, ['b'])
    await until('b', () => last.length === 2)
    // No further record comes: only the timer can write 'b'.
    await until('the timed checkpoint of b', async () => {
      const { leases: table } = await leases.listLeases({ leaseTable: application })
      return table.find((l) => l.leaseKey === SHARD0)?.checkpoint === last[1]
    }, 10_000)
    expect(checkpoints.map((e) => e.sequenceNumber)).toEqual(last)
    await consumer.stop()
  })

  it.each(['polling', 'fanout'] as const)('takes the stream by ARN as well (%s)', async (mode) => {
    const stream = uniqueName('arn')
    const application = uniqueName('app')
    await srv.client.createStream({ streamName: stream, shardCount: 1 })
    const { streamDescriptionSummary: { streamArn } } = await srv.client.describeStreamSummary({ streamName: stream })
    await put(stream, ['by-arn'])
    const seen: string[] = []
    const consumer = new Consumer({ endpoint: srv.endpoint, stream: streamArn, application, mode, leaseDurationMs: 3000 })
    await consumer.run({ eachRecord: (r) => { seen.push(r.data.toString()) } })
    await until('the record', () => seen.length === 1)
    expect(seen).toEqual(['by-arn'])
    await consumer.stop()
  })

  it('a handler that throws emits crash and gets the records again from the last checkpoint', async () => {
    const stream = uniqueName('crash')
    const application = uniqueName('app')
    await srv.client.createStream({ streamName: stream, shardCount: 1 })
    await put(stream, ['p', 'q'])
    const consumer = new Consumer({ endpoint: srv.endpoint, stream, application, leaseDurationMs: 3000 })
    const crashes: Array<ConsumerEvents['crash']> = []
    consumer.on('crash', (e) => crashes.push(e))
    const seen: string[][] = []
    await consumer.run({
      eachBatch: (batch) => {
        seen.push(batch.records.map((r) => r.data.toString()))
        if (seen.length === 1) throw new Error('boom')
      }
    })
    await until('the redelivery', () => seen.length === 2)
    expect(seen).toEqual([['p', 'q'], ['p', 'q']])
    expect(crashes).toMatchObject([{ shardId: SHARD0, restartInMs: 1000 }])
    expect(crashes[0]!.error.message).toBe('boom')
    await consumer.stop()
  })

  it('a worker restarted under the same id takes its leases back at once, and departed workers are forgotten', async () => {
    const stream = uniqueName('restart')
    const application = uniqueName('app')
    await srv.client.createStream({ streamName: stream, shardCount: 1 })
    await put(stream, ['r'])
    // What a crashed run leaves: its shard lease and its presence, both held for a long time yet,
    // and the presence of another worker that died long ago.
    await leases.createLeaseIfAbsent({ leaseTable: application, leaseKey: SHARD0, leaseOwner: 'again', leaseDurationMs: 60_000 })
    await leases.createLeaseIfAbsent({ leaseTable: application, leaseKey: '__worker__.again', leaseOwner: 'again', leaseDurationMs: 60_000 })
    await leases.createLeaseIfAbsent({ leaseTable: application, leaseKey: '__worker__.gone', leaseOwner: 'gone', leaseDurationMs: 1 })
    const consumer = new Consumer({ endpoint: srv.endpoint, stream, application, workerId: 'again', leaseDurationMs: 1500 })
    const acquired: Array<ConsumerEvents['lease.acquired']> = []
    consumer.on('lease.acquired', (e) => acquired.push(e))
    const seen: string[] = []
    const started = Date.now()
    await consumer.run({ eachRecord: (r) => { seen.push(r.data.toString()) } })
    await until('the record', () => seen.length === 1, 5000)
    expect(Date.now() - started).toBeLessThan(5000)
    expect(acquired).toMatchObject([{ shardId: SHARD0, reason: 'recovered', previousOwner: 'again' }])
    await until('the dead presence deleted', async () => {
      const { leases: table } = await leases.listLeases({ leaseTable: application })
      return !table.some((l) => l.leaseKey === '__worker__.gone')
    }, 5000)
    await consumer.stop()
    const { leases: after } = await leases.listLeases({ leaseTable: application })
    expect(after.map((l) => [l.leaseKey, l.leaseOwner])).toEqual([[SHARD0, '']])
  })

  it.each([0, 20, 60])('stop() %i ms into start leaves nothing held', async (delayMs) => {
    const stream = uniqueName('early')
    const application = uniqueName('app')
    await srv.client.createStream({ streamName: stream, shardCount: 2 })
    const consumer = new Consumer({ endpoint: srv.endpoint, stream, application, leaseDurationMs: 3000 })
    const running = consumer.run({ eachBatch: () => {} })
    await sleep(delayMs)
    await consumer.stop()
    await running.catch(() => {})
    await sleep(200)
    const { leases: table } = await leases.listLeases({ leaseTable: application })
    expect(table.filter((l) => l.leaseOwner !== '' || l.leaseKey.startsWith('__worker__.'))).toEqual([])
  })

  it('a stolen lease stops delivery at once and rejects the old owner\'s checkpoint with LEASE_LOST', async () => {
    const stream = uniqueName('fence')
    const application = uniqueName('app')
    await srv.client.createStream({ streamName: stream, shardCount: 1 })
    const consumer = new Consumer({ endpoint: srv.endpoint, stream, application, workerId: 'victim', leaseDurationMs: 3000, checkpoint: { everyRecords: 1_000_000, everyMs: 3_600_000 } })
    const stolen: Array<ConsumerEvents['lease.stolen']> = []
    consumer.on('lease.stolen', (e) => stolen.push(e))
    const held: Batch[] = []
    let release: () => void = () => {}
    const blocked = new Promise<void>((resolve) => { release = resolve })
    const seen: string[] = []
    await consumer.run({
      eachBatch: async (batch) => {
        seen.push(...batch.records.map((r) => r.data.toString()))
        held.push(batch)
        if (held.length === 1) await blocked
      }
    })
    await put(stream, ['x'])
    await until('the first batch', () => held.length === 1)
    const { leases: table } = await leases.listLeases({ leaseTable: application })
    const lease = table.find((l) => l.leaseKey === SHARD0)!
    await leases.updateLease({ leaseTable: application, leaseKey: SHARD0, expectedLeaseCounter: lease.leaseCounter, leaseOwner: 'thief', leaseDurationMs: 60_000 })
    await until('lease.stolen', () => stolen.length === 1)
    expect(stolen[0]).toEqual({ shardId: SHARD0, by: 'thief' })
    await expect(held[0]!.checkpoint()).rejects.toMatchObject({ code: 'LEASE_LOST' })
    await expect(held[0]!.heartbeat()).rejects.toMatchObject({ code: 'LEASE_LOST' })
    release()
    await put(stream, ['y'])
    await sleep(800)
    expect(seen).toEqual(['x'])
    expect(consumer.heldShards()).toEqual([])
    await consumer.stop()
  })
})
