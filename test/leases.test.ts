/**
 * LeaseService: CreateLeaseIfAbsent, UpdateLease, DeleteLease and ListLeases, through
 * LeaseClient against a real server: decoding, validation, the compare-and-set on
 * lease_counter, the server-maintained fields, concurrency and persistence.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { LeaseClient, isShardlineError, type Lease, type ShardlineError } from '../client/index.js'
import { expectRawError, expectSerializationFailed, GARBAGE, message, stringField, tag, varint, varintField, WireType } from './helpers/protowire.js'
import { expectCode, ManualClock, rawCall, startServer, uniqueName, type TestServer } from './helpers/server.js'

const clock = new ManualClock()
let srv: TestServer
let leases: LeaseClient

beforeAll(async () => {
  srv = await startServer({ clock: clock.now })
  leases = new LeaseClient({ endpoint: srv.endpoint })
})

afterAll(async () => {
  leases?.close()
  await srv?.close()
})

function newTable (): string {
  return uniqueName('app')
}

/** A lease held by `owner` for `durationMs`, created in a fresh table. */
async function ownedLease (owner = 'worker-a', durationMs = 10_000): Promise<Lease> {
  const leaseTable = newTable()
  return (await leases.createLeaseIfAbsent({ leaseTable, leaseKey: 'shardId-000000000000', leaseOwner: owner, leaseDurationMs: durationMs })).lease
}

async function mismatch (promise: Promise<unknown>): Promise<ShardlineError> {
  const err = await expectCode(promise, 'LEASE_COUNTER_MISMATCH')
  if (!isShardlineError(err)) throw new Error('not a ShardlineError')
  return err
}

describe('lease serialization', () => {
  it.each(['CreateLeaseIfAbsent', 'UpdateLease', 'DeleteLease', 'ListLeases'])('%s rejects bytes that are not protobuf with SERIALIZATION_FAILED', async (rpc) => {
    const result = await rawCall(srv.endpoint, rpc, GARBAGE, 'LeaseService')
    expectSerializationFailed(result)
    expect(result.details).toContain(rpc)
  })

  it('rejects a lease_table sent as a varint and creates nothing', async () => {
    const body = message(tag(1, WireType.VARINT), varint(7), stringField(2, 'k'))
    expectSerializationFailed(await rawCall(srv.endpoint, 'CreateLeaseIfAbsent', body, 'LeaseService'))
  })

  it('rejects an expected_lease_counter sent length-delimited and leaves the lease unchanged', async () => {
    const lease = await ownedLease()
    const body = message(stringField(1, lease.leaseTable), stringField(2, lease.leaseKey), stringField(3, '1'), stringField(4, 'thief'))
    expectSerializationFailed(await rawCall(srv.endpoint, 'UpdateLease', body, 'LeaseService'))
    const [now] = (await leases.listLeases({ leaseTable: lease.leaseTable })).leases
    expect(now).toEqual(lease)
  })

  it('rejects a nested child_shard_ids list whose ids are varints', async () => {
    const lease = await ownedLease()
    const body = message(stringField(1, lease.leaseTable), stringField(2, lease.leaseKey), varintField(3, 1), tag(9, WireType.LEN), varint(2), varintField(1, 5))
    const result = await rawCall(srv.endpoint, 'UpdateLease', body, 'LeaseService')
    expectSerializationFailed(result)
    expect(result.details).toContain('child_shard_ids')
  })

  it('accepts a well-formed request sent as raw bytes', async () => {
    const leaseTable = newTable()
    const result = await rawCall(srv.endpoint, 'CreateLeaseIfAbsent', message(stringField(1, leaseTable), stringField(2, 'k')), 'LeaseService')
    expect(result.code).toBe(0)
    expect((await leases.listLeases({ leaseTable })).leases.map((l) => l.leaseKey)).toEqual(['k'])
  })

  it('still checks StreamService wire types', async () => {
    const body = message(tag(1, WireType.VARINT), varint(3))
    expectSerializationFailed(await rawCall(srv.endpoint, 'DescribeStreamSummary', body))
  })
})

describe('lease validation', () => {
  const cases: Array<[string, Record<string, unknown>, string]> = [
    ['an empty lease_table', { leaseTable: '', leaseKey: 'k' }, "at 'lease_table' failed to satisfy constraint: Member must have length greater than or equal to 1"],
    ['a lease_table of 129 characters', { leaseTable: 'a'.repeat(129), leaseKey: 'k' }, "at 'lease_table' failed to satisfy constraint: Member must have length less than or equal to 128"],
    ['a lease_table with a slash', { leaseTable: 'app/x', leaseKey: 'k' }, 'Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+'],
    ['an empty lease_key', { leaseTable: 'app', leaseKey: '' }, "at 'lease_key' failed to satisfy constraint: Member must have length greater than or equal to 1"],
    ['a lease_key of 257 characters', { leaseTable: 'app', leaseKey: 'k'.repeat(257) }, "at 'lease_key' failed to satisfy constraint: Member must have length less than or equal to 256"],
    ['a checkpoint that is no position', { leaseTable: 'app', leaseKey: 'k', checkpoint: 'EARLIEST' }, "at 'checkpoint' failed to satisfy constraint: Member must satisfy regular expression pattern"],
    ['a checkpoint of 129 digits', { leaseTable: 'app', leaseKey: 'k', checkpoint: '1'.repeat(129) }, "at 'checkpoint' failed to satisfy constraint: Member must have length less than or equal to 128"],
    ['an owner without a duration', { leaseTable: 'app', leaseKey: 'k', leaseOwner: 'w' }, "at 'lease_duration_ms' failed to satisfy constraint: Member must not be null when lease_owner is set"],
    ['a duration of 0 ms', { leaseTable: 'app', leaseKey: 'k', leaseOwner: 'w', leaseDurationMs: 0 }, "at 'lease_duration_ms' failed to satisfy constraint: Member must have value greater than or equal to 1"],
    ['a duration over 24 h', { leaseTable: 'app', leaseKey: 'k', leaseOwner: 'w', leaseDurationMs: 86_400_001 }, "at 'lease_duration_ms' failed to satisfy constraint: Member must have value less than or equal to 86400000"],
    ['a negative sub-sequence number', { leaseTable: 'app', leaseKey: 'k', checkpointSubSequenceNumber: -1 }, "at 'checkpoint_sub_sequence_number' failed to satisfy constraint: Member must have value greater than or equal to 0"],
    ['three parents', { leaseTable: 'app', leaseKey: 'k', parentShardIds: ['a', 'b', 'c'] }, "at 'parent_shard_ids' failed to satisfy constraint: Member must have length less than or equal to 2"],
    ['a hash key out of range', { leaseTable: 'app', leaseKey: 'k', hashKeyRange: { startingHashKey: '0', endingHashKey: '-1' } }, "at 'hash_key_range.ending_hash_key' failed to satisfy constraint"]
  ]

  it.each(cases)('CreateLeaseIfAbsent rejects %s', async (_name, input, text) => {
    const err = await expectCode(leases.createLeaseIfAbsent(input as never), 'VALIDATION_FAILED')
    expect(err.message).toContain(text)
    expect(err.awsType).toBe('ValidationException')
    expect(err.grpcStatus).toBe(3)
  })

  it('accepts the bounds: 128-character table, 256-character key, 128-digit checkpoint, 1 ms and 24 h', async () => {
    const leaseTable = 'T'.repeat(127) + '.'
    const created = await leases.createLeaseIfAbsent({ leaseTable, leaseKey: 'k'.repeat(256), checkpoint: '9'.repeat(128), leaseOwner: 'w', leaseDurationMs: 1 })
    expect(created.lease.expiresAt).toBe(created.serverTimeMs + 1)
    const renewed = await leases.updateLease({ leaseTable, leaseKey: 'k'.repeat(256), expectedLeaseCounter: 1, leaseOwner: 'w', leaseDurationMs: 86_400_000 })
    expect(renewed.lease.expiresAt).toBe(renewed.serverTimeMs + 86_400_000)
  })

  it.each(['TRIM_HORIZON', 'LATEST', 'AT_TIMESTAMP', 'SHARD_END', '0', '49590338271490256608559692538361571095921575989136588802'])('accepts checkpoint %s', async (checkpoint) => {
    const { lease } = await leases.createLeaseIfAbsent({ leaseTable: newTable(), leaseKey: 'k', checkpoint })
    expect(lease.checkpoint).toBe(checkpoint)
  })

  it('UpdateLease requires expected_lease_counter (0 is never a counter)', async () => {
    const lease = await ownedLease()
    const err = await expectCode(leases.updateLease({ leaseTable: lease.leaseTable, leaseKey: lease.leaseKey, expectedLeaseCounter: 0, checkpoint: '5' }), 'VALIDATION_FAILED')
    expect(err.message).toContain("'expected_lease_counter' failed to satisfy constraint")
    const missing = await rawCall(srv.endpoint, 'UpdateLease', message(stringField(1, lease.leaseTable), stringField(2, lease.leaseKey), stringField(6, '1')), 'LeaseService')
    expectRawError(missing, 'VALIDATION_FAILED', 3, 'ValidationException')
    expect(missing.details).toContain("Value null at 'expected_lease_counter' failed to satisfy constraint: Member must not be null")
  })

  it('UpdateLease rejects an owner without a duration, and three children', async () => {
    const lease = await ownedLease()
    const ref = { leaseTable: lease.leaseTable, leaseKey: lease.leaseKey, expectedLeaseCounter: 1 }
    await expectCode(leases.updateLease({ ...ref, leaseOwner: 'b' }), 'VALIDATION_FAILED')
    const err = await expectCode(leases.updateLease({ ...ref, childShardIds: ['a', 'b', 'c'] }), 'VALIDATION_FAILED')
    expect(err.message).toContain("'child_shard_ids.shard_ids'")
  })

  it('DeleteLease and ListLeases validate the table name', async () => {
    await expectCode(leases.deleteLease({ leaseTable: 'bad name', leaseKey: 'k', expectedLeaseCounter: 1 }), 'VALIDATION_FAILED')
    await expectCode(leases.listLeases({ leaseTable: '' }), 'VALIDATION_FAILED')
  })

  it('a lease_owner longer than 256 characters is refused', async () => {
    await expectCode(leases.listLeases({ leaseTable: 'app', leaseOwner: 'w'.repeat(257) }), 'VALIDATION_FAILED')
  })
})

describe('CreateLeaseIfAbsent', () => {
  it('creates an unowned lease with the defaults, then returns it unchanged on a second call', async () => {
    const leaseTable = newTable()
    const first = await leases.createLeaseIfAbsent({ leaseTable, leaseKey: 'shardId-000000000001', parentShardIds: ['shardId-000000000000'], hashKeyRange: { startingHashKey: '0', endingHashKey: '170141183460469231731687303715884105727' } })
    expect(first.created).toBe(true)
    expect(first.serverTimeMs).toBe(clock.time)
    expect(first.lease).toEqual({
      leaseTable,
      leaseKey: 'shardId-000000000001',
      leaseOwner: '',
      leaseCounter: 1,
      checkpoint: 'TRIM_HORIZON',
      checkpointSubSequenceNumber: 0,
      checkpointTimestamp: 0,
      ownerSwitchesSinceCheckpoint: 0,
      parentShardIds: ['shardId-000000000000'],
      childShardIds: [],
      hashKeyRange: { startingHashKey: '0', endingHashKey: '170141183460469231731687303715884105727' },
      expiresAt: 0,
      updatedAt: clock.time
    })
    clock.advance(1000)
    const second = await leases.createLeaseIfAbsent({ leaseTable, leaseKey: 'shardId-000000000001', checkpoint: 'LATEST', leaseOwner: 'w', leaseDurationMs: 5000 })
    expect(second.created).toBe(false)
    expect(second.lease).toEqual(first.lease)
    expect(second.serverTimeMs).toBe(clock.time)
  })

  it('creates an owned lease expiring at server now + duration', async () => {
    const { lease, serverTimeMs } = await leases.createLeaseIfAbsent({ leaseTable: newTable(), leaseKey: 'k', leaseOwner: 'worker-a', leaseDurationMs: 10_000, checkpoint: 'AT_TIMESTAMP', checkpointTimestamp: 1_700_000_000_000 })
    expect(lease.leaseOwner).toBe('worker-a')
    expect(lease.expiresAt).toBe(serverTimeMs + 10_000)
    expect(lease.checkpointTimestamp).toBe(1_700_000_000_000)
    expect(lease.hashKeyRange).toBeUndefined()
  })

  it('with many concurrent callers, exactly one creates', async () => {
    const leaseTable = newTable()
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => leases.createLeaseIfAbsent({ leaseTable, leaseKey: 'k', leaseOwner: `w${i}`, leaseDurationMs: 1000 })))
    expect(results.filter((r) => r.created)).toHaveLength(1)
    const winner = results.find((r) => r.created)!.lease
    for (const r of results) expect(r.lease).toEqual(winner)
  })
})

describe('UpdateLease', () => {
  it('applies the fields given, increments the counter and keeps the rest', async () => {
    const lease = await ownedLease()
    clock.advance(500)
    const { lease: next, serverTimeMs } = await leases.updateLease({ leaseTable: lease.leaseTable, leaseKey: lease.leaseKey, expectedLeaseCounter: 1, checkpoint: '12345', checkpointSubSequenceNumber: 3 })
    expect(next).toEqual({ ...lease, leaseCounter: 2, checkpoint: '12345', checkpointSubSequenceNumber: 3, updatedAt: serverTimeMs })
    const again = await leases.updateLease({ leaseTable: lease.leaseTable, leaseKey: lease.leaseKey, expectedLeaseCounter: 2, childShardIds: ['c1', 'c2'] })
    expect(again.lease.leaseCounter).toBe(3)
    expect(again.lease.checkpoint).toBe('12345')
    expect(again.lease.childShardIds).toEqual(['c1', 'c2'])
    const cleared = await leases.updateLease({ leaseTable: lease.leaseTable, leaseKey: lease.leaseKey, expectedLeaseCounter: 3, childShardIds: [] })
    expect(cleared.lease.childShardIds).toEqual([])
  })

  it('fails a stale counter with LEASE_COUNTER_MISMATCH carrying the current lease, and writes nothing', async () => {
    const lease = await ownedLease()
    const { lease: renewed } = await leases.updateLease({ leaseTable: lease.leaseTable, leaseKey: lease.leaseKey, expectedLeaseCounter: 1, leaseOwner: 'worker-a', leaseDurationMs: 10_000 })
    const err = await mismatch(leases.updateLease({ leaseTable: lease.leaseTable, leaseKey: lease.leaseKey, expectedLeaseCounter: 1, leaseOwner: 'worker-b', leaseDurationMs: 10_000 }))
    expect(err.grpcStatus).toBe(10)
    expect(err.awsType).toBe('ConditionalCheckFailedException')
    expect(err.retriable).toBe(false)
    expect(err.message).toContain('has lease_counter 2, not the expected 1')
    expect(err.currentLease).toEqual(renewed)
    expect((await leases.listLeases({ leaseTable: lease.leaseTable })).leases).toEqual([renewed])
  })

  it('puts the current lease in the binary trailing metadata shardline-current-lease-bin', async () => {
    const lease = await ownedLease()
    const body = message(stringField(1, lease.leaseTable), stringField(2, lease.leaseKey), varintField(3, 7), stringField(6, '1'))
    const result = await rawCall(srv.endpoint, 'UpdateLease', body, 'LeaseService')
    expectRawError(result, 'LEASE_COUNTER_MISMATCH', 10, 'ConditionalCheckFailedException')
    // The encoded lease starts with its lease_table (field 1) and lease_key (field 2).
    const bytes = Buffer.from(result.metadata['shardline-current-lease-bin']!)
    expect(bytes.includes(Buffer.from(lease.leaseTable))).toBe(true)
  })

  it('fails an unknown lease with LEASE_NOT_FOUND', async () => {
    const err = await expectCode(leases.updateLease({ leaseTable: newTable(), leaseKey: 'nope', expectedLeaseCounter: 1, checkpoint: '1' }), 'LEASE_NOT_FOUND')
    expect(err.grpcStatus).toBe(5)
    expect(err.message).toContain('nope')
  })

  it('counts owner switches between holders, not takes of an unowned lease, and resets them on checkpoint', async () => {
    const leaseTable = newTable()
    const ref = { leaseTable, leaseKey: 'k' }
    let lease = (await leases.createLeaseIfAbsent(ref)).lease
    const write = async (input: Record<string, unknown>): Promise<Lease> => {
      lease = (await leases.updateLease({ ...ref, expectedLeaseCounter: lease.leaseCounter, ...input })).lease
      return lease
    }
    expect((await write({ leaseOwner: 'a', leaseDurationMs: 1000 })).ownerSwitchesSinceCheckpoint).toBe(0)
    expect((await write({ leaseOwner: 'a', leaseDurationMs: 1000 })).ownerSwitchesSinceCheckpoint).toBe(0)
    expect((await write({ leaseOwner: 'b', leaseDurationMs: 1000 })).ownerSwitchesSinceCheckpoint).toBe(1)
    expect((await write({ leaseOwner: 'c', leaseDurationMs: 1000 })).ownerSwitchesSinceCheckpoint).toBe(2)
    expect((await write({ leaseOwner: '' })).ownerSwitchesSinceCheckpoint).toBe(2)
    expect((await write({ leaseOwner: 'd', leaseDurationMs: 1000 })).ownerSwitchesSinceCheckpoint).toBe(2)
    expect((await write({ checkpoint: '99' })).ownerSwitchesSinceCheckpoint).toBe(0)
    expect((await write({ leaseOwner: 'e', leaseDurationMs: 1000, checkpoint: '100' })).ownerSwitchesSinceCheckpoint).toBe(0)
    expect((await write({ leaseOwner: 'f', leaseDurationMs: 1000 })).ownerSwitchesSinceCheckpoint).toBe(1)
  })

  it('sets expires_at from the server clock on renewal, keeps it without a duration, and zeroes it on release', async () => {
    const lease = await ownedLease('a', 10_000)
    const ref = { leaseTable: lease.leaseTable, leaseKey: lease.leaseKey }
    clock.advance(4000)
    const renewed = await leases.updateLease({ ...ref, expectedLeaseCounter: 1, leaseOwner: 'a', leaseDurationMs: 20_000 })
    expect(renewed.lease.expiresAt).toBe(clock.time + 20_000)
    clock.advance(1000)
    const checkpointed = await leases.updateLease({ ...ref, expectedLeaseCounter: 2, checkpoint: '7' })
    expect(checkpointed.lease.expiresAt).toBe(renewed.lease.expiresAt)
    const renewedByDuration = await leases.updateLease({ ...ref, expectedLeaseCounter: 3, leaseDurationMs: 3000 })
    expect(renewedByDuration.lease.expiresAt).toBe(clock.time + 3000)
    expect(renewedByDuration.lease.leaseOwner).toBe('a')
    const released = await leases.updateLease({ ...ref, expectedLeaseCounter: 4, leaseOwner: '', leaseDurationMs: 5000 })
    expect(released.lease.leaseOwner).toBe('')
    expect(released.lease.expiresAt).toBe(0)
    const stillUnowned = await leases.updateLease({ ...ref, expectedLeaseCounter: 5, leaseDurationMs: 5000 })
    expect(stillUnowned.lease.expiresAt).toBe(0)
  })

  it('lets exactly one of many concurrent writers with the same counter win', async () => {
    const lease = await ownedLease('a', 1000)
    const attempts = await Promise.allSettled(Array.from({ length: 25 }, (_, i) =>
      leases.updateLease({ leaseTable: lease.leaseTable, leaseKey: lease.leaseKey, expectedLeaseCounter: 1, leaseOwner: `thief-${i}`, leaseDurationMs: 1000 })))
    const won = attempts.filter((a) => a.status === 'fulfilled')
    expect(won).toHaveLength(1)
    const winner = (won[0] as PromiseFulfilledResult<{ lease: Lease }>).value.lease
    expect(winner.leaseCounter).toBe(2)
    for (const a of attempts) {
      if (a.status === 'rejected') {
        const err = a.reason as ShardlineError
        expect(err.code).toBe('LEASE_COUNTER_MISMATCH')
        expect(err.currentLease).toEqual(winner)
      }
    }
  })

  it('counts every one of many concurrent writers that each retry on mismatch', async () => {
    const lease = await ownedLease('a', 1000)
    const ref = { leaseTable: lease.leaseTable, leaseKey: lease.leaseKey }
    const writers = 8
    const perWriter = 5
    await Promise.all(Array.from({ length: writers }, async () => {
      let counter = 1
      for (let done = 0; done < perWriter;) {
        try {
          counter = (await leases.updateLease({ ...ref, expectedLeaseCounter: counter, leaseDurationMs: 1000 })).lease.leaseCounter
          done++
        } catch (err) {
          counter = (err as ShardlineError).currentLease!.leaseCounter
        }
      }
    }))
    const [final] = (await leases.listLeases({ leaseTable: lease.leaseTable })).leases
    expect(final!.leaseCounter).toBe(1 + writers * perWriter)
  })
})

describe('DeleteLease', () => {
  it('deletes with the current counter; a stale counter gets the current lease', async () => {
    const lease = await ownedLease()
    const ref = { leaseTable: lease.leaseTable, leaseKey: lease.leaseKey }
    const { lease: renewed } = await leases.updateLease({ ...ref, expectedLeaseCounter: 1, leaseDurationMs: 1000 })
    const err = await mismatch(leases.deleteLease({ ...ref, expectedLeaseCounter: 1 }))
    expect(err.currentLease).toEqual(renewed)
    const { serverTimeMs } = await leases.deleteLease({ ...ref, expectedLeaseCounter: 2 })
    expect(serverTimeMs).toBe(clock.time)
    expect((await leases.listLeases({ leaseTable: lease.leaseTable })).leases).toEqual([])
    await expectCode(leases.deleteLease({ ...ref, expectedLeaseCounter: 2 }), 'LEASE_NOT_FOUND')
    await expectCode(leases.updateLease({ ...ref, expectedLeaseCounter: 2, checkpoint: '1' }), 'LEASE_NOT_FOUND')
  })

  it('a deleted lease can be created again, starting at counter 1', async () => {
    const lease = await ownedLease()
    await leases.deleteLease({ leaseTable: lease.leaseTable, leaseKey: lease.leaseKey, expectedLeaseCounter: 1 })
    const again = await leases.createLeaseIfAbsent({ leaseTable: lease.leaseTable, leaseKey: lease.leaseKey })
    expect(again.created).toBe(true)
    expect(again.lease.leaseCounter).toBe(1)
  })
})

describe('ListLeases', () => {
  it('lists a table in lease_key order, filters by owner, and returns an unknown table as empty', async () => {
    const leaseTable = newTable()
    for (const [leaseKey, leaseOwner] of [['shard-3', 'b'], ['shard-1', 'a'], ['shard-2', ''], ['shard-0', 'a']] as const) {
      await leases.createLeaseIfAbsent({ leaseTable, leaseKey, leaseOwner, ...(leaseOwner === '' ? {} : { leaseDurationMs: 1000 }) })
    }
    // Another table with a name that extends this one's shares nothing with it.
    await leases.createLeaseIfAbsent({ leaseTable: `${leaseTable}.x`, leaseKey: 'shard-9' })
    await leases.createLeaseIfAbsent({ leaseTable: `${leaseTable}0`, leaseKey: 'shard-9' })
    const all = await leases.listLeases({ leaseTable })
    expect(all.leases.map((l) => l.leaseKey)).toEqual(['shard-0', 'shard-1', 'shard-2', 'shard-3'])
    expect(all.serverTimeMs).toBe(clock.time)
    expect((await leases.listLeases({ leaseTable, leaseOwner: 'a' })).leases.map((l) => l.leaseKey)).toEqual(['shard-0', 'shard-1'])
    expect((await leases.listLeases({ leaseTable, leaseOwner: '' })).leases.map((l) => l.leaseKey)).toEqual(['shard-2'])
    expect((await leases.listLeases({ leaseTable, leaseOwner: 'nobody' })).leases).toEqual([])
    expect((await leases.listLeases({ leaseTable: newTable() })).leases).toEqual([])
  })

  it('keeps lease keys with any characters apart', async () => {
    const leaseTable = newTable()
    const keys = ['a/b', 'a', 'ü', '😀', 'a\u0000b']
    for (const leaseKey of keys) await leases.createLeaseIfAbsent({ leaseTable, leaseKey })
    const listed = (await leases.listLeases({ leaseTable })).leases.map((l) => l.leaseKey)
    expect([...listed].sort()).toEqual([...keys].sort())
  })
})

describe('lease persistence', () => {
  it('keeps leases, counters and expiry across a restart', async () => {
    const diskClock = new ManualClock(Date.UTC(2026, 5, 1))
    const first = await startServer({ disk: true, clock: diskClock.now })
    const dataDir = first.dataDir!
    let client = new LeaseClient({ endpoint: first.endpoint })
    const leaseTable = newTable()
    await client.createLeaseIfAbsent({ leaseTable, leaseKey: 'k1', leaseOwner: 'a', leaseDurationMs: 10_000 })
    await client.createLeaseIfAbsent({ leaseTable, leaseKey: 'k2' })
    await client.createLeaseIfAbsent({ leaseTable, leaseKey: 'k3' })
    const { lease: k1 } = await client.updateLease({ leaseTable, leaseKey: 'k1', expectedLeaseCounter: 1, checkpoint: '42' })
    await client.deleteLease({ leaseTable, leaseKey: 'k3', expectedLeaseCounter: 1 })
    const before = (await client.listLeases({ leaseTable })).leases
    client.close()
    await first.server.close()

    const second = await startServer({ dataDir, clock: diskClock.now })
    client = new LeaseClient({ endpoint: second.endpoint })
    try {
      expect((await client.listLeases({ leaseTable })).leases).toEqual(before)
      await mismatch(client.updateLease({ leaseTable, leaseKey: 'k1', expectedLeaseCounter: 1, checkpoint: '43' }))
      const next = await client.updateLease({ leaseTable, leaseKey: 'k1', expectedLeaseCounter: k1.leaseCounter, checkpoint: '43' })
      expect(next.lease.leaseCounter).toBe(3)
      expect(next.lease.expiresAt).toBe(k1.expiresAt)
      expect((await client.createLeaseIfAbsent({ leaseTable, leaseKey: 'k3' })).created).toBe(true)
    } finally {
      client.close()
      await second.server.close()
      const { rm } = await import('node:fs/promises')
      await rm(dataDir, { recursive: true, force: true })
    }
  })
})

describe('LeaseClient', () => {
  it('rejects calls after close with a ShardlineError', async () => {
    const client = new LeaseClient({ endpoint: srv.endpoint })
    client.close()
    const err = await expectCode(client.listLeases({ leaseTable: 'app' }), 'CANCELLED')
    expect(err.message).toContain('LeaseClient')
  })
})
