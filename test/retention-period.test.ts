/**
 * IncreaseStreamRetentionPeriod and DecreaseStreamRetentionPeriod: decoding, validation,
 * the one-direction rules, the effect on what reads return, and persistence.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { StreamClient } from '../client/index.js'
import { expectValidation, shardId, startRestartableServer, type RestartableServer } from './helpers/control-plane.js'
import { expectRawError, expectSerializationFailed, GARBAGE, message, stringField, tag, varintField, WireType } from './helpers/protowire.js'
import { expectCode, ManualClock, rawCall, uniqueName } from './helpers/server.js'

const HOUR = 3_600_000
const clock = new ManualClock()
let srv: RestartableServer

beforeAll(async () => {
  srv = await startRestartableServer({ clock: clock.now })
})

afterAll(async () => {
  await srv?.close()
})

function client (): StreamClient {
  return srv.current.client
}

async function newStream (): Promise<string> {
  const streamName = uniqueName('rp')
  await client().createStream({ streamName, shardCount: 1 })
  return streamName
}

async function retention (streamName: string): Promise<number> {
  const { streamDescription } = await client().describeStream({ streamName })
  const { streamDescriptionSummary } = await client().describeStreamSummary({ streamName })
  expect(streamDescriptionSummary.retentionPeriodHours).toBe(streamDescription.retentionPeriodHours)
  return streamDescription.retentionPeriodHours
}

async function readAll (streamName: string): Promise<string[]> {
  const { shardIterator } = await client().getShardIterator({ streamName, shardId: shardId(0), shardIteratorType: 'TRIM_HORIZON' })
  const { records } = await client().getRecords({ shardIterator })
  return records.map((r) => r.data.toString('utf8'))
}

const OPS = [
  ['IncreaseStreamRetentionPeriod', (c: StreamClient, r: { streamName?: string, streamArn?: string, retentionPeriodHours: number }) => c.increaseStreamRetentionPeriod(r)],
  ['DecreaseStreamRetentionPeriod', (c: StreamClient, r: { streamName?: string, streamArn?: string, retentionPeriodHours: number }) => c.decreaseStreamRetentionPeriod(r)]
] as const

describe('retention period serialization', () => {
  it.each(OPS.map(([rpc]) => rpc))('%s rejects bytes that are not protobuf with SERIALIZATION_FAILED', async (rpc) => {
    expectSerializationFailed(await rawCall(srv.current.endpoint, rpc, GARBAGE))
  })

  it.each(OPS.map(([rpc]) => rpc))('%s rejects retention_period_hours sent as a length-delimited field', async (rpc) => {
    const streamName = await newStream()
    const body = message(stringField(1, streamName), tag(2, WireType.LEN), Buffer.from([0x01, 0x05]))
    expectSerializationFailed(await rawCall(srv.current.endpoint, rpc, body))
    expect(await retention(streamName)).toBe(24)
  })

  it('accepts a well-formed request built by hand', async () => {
    const streamName = await newStream()
    const result = await rawCall(srv.current.endpoint, 'IncreaseStreamRetentionPeriod', message(stringField(1, streamName), varintField(2, 30)))
    expect(result.code, result.details).toBe(0)
    expect(await retention(streamName)).toBe(30)
  })

  it.each(OPS.map(([rpc]) => rpc))('%s reads an empty body as an empty request, which then fails validation', async (rpc) => {
    const result = await rawCall(srv.current.endpoint, rpc, Buffer.alloc(0))
    expectRawError(result, 'VALIDATION_FAILED', 3, 'ValidationException')
    expect(result.details).toContain("Value null at 'retention_period_hours' failed to satisfy constraint: Member must not be null")
  })
})

describe('retention period validation', () => {
  let streamName: string

  beforeAll(async () => {
    streamName = await newStream()
  })

  it.each(OPS)('%s requires retentionPeriodHours', async (_, call) => {
    await expectValidation(call(client(), { streamName } as never), 'retention_period_hours', 'Member must not be null')
  })

  it.each(OPS)('%s rejects hours below 1 as a validation error', async (_, call) => {
    await expectValidation(call(client(), { streamName, retentionPeriodHours: 0 }), 'retention_period_hours', 'Member must have value greater than or equal to 1')
    await expectValidation(call(client(), { streamName, retentionPeriodHours: -24 }), 'retention_period_hours', 'Member must have value greater than or equal to 1')
  })

  it.each(OPS)('%s rejects hours above 8760 as a validation error', async (_, call) => {
    await expectValidation(call(client(), { streamName, retentionPeriodHours: 8761 }), 'retention_period_hours', 'Member must have value less than or equal to 8760')
  })

  it.each(OPS)('%s rejects 1 to 23 hours with INVALID_ARGUMENT', async (_, call) => {
    for (const retentionPeriodHours of [1, 23]) {
      const err = await expectCode(call(client(), { streamName, retentionPeriodHours }), 'INVALID_ARGUMENT')
      expect(err.awsType).toBe('InvalidArgumentException')
      expect(err.message).toContain('24')
    }
    expect(await retention(streamName)).toBe(24)
  })

  it.each(OPS)('%s needs a stream name or ARN and checks the name', async (_, call) => {
    await expectCode(call(client(), { retentionPeriodHours: 48 }), 'VALIDATION_FAILED')
    await expectValidation(call(client(), { streamName: 'a b', retentionPeriodHours: 48 }), 'stream_name', 'Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+')
  })

  it('reports the hours and the stream name errors together', async () => {
    const msg = await expectValidation(client().increaseStreamRetentionPeriod({ streamName: 'a b', retentionPeriodHours: 0 }), 'retention_period_hours', 'Member must have value greater than or equal to 1')
    expect(msg).toMatch(/^2 validation errors detected: /)
    expect(msg).toContain("at 'stream_name'")
  })
})

describe('retention period functionality', () => {
  it('starts at 24 hours and moves up and down within 24..8760', async () => {
    const streamName = await newStream()
    expect(await retention(streamName)).toBe(24)
    expect(await client().increaseStreamRetentionPeriod({ streamName, retentionPeriodHours: 48 })).toEqual({})
    expect(await retention(streamName)).toBe(48)
    await client().increaseStreamRetentionPeriod({ streamName, retentionPeriodHours: 8760 })
    expect(await retention(streamName)).toBe(8760)
    expect(await client().decreaseStreamRetentionPeriod({ streamName, retentionPeriodHours: 100 })).toEqual({})
    expect(await retention(streamName)).toBe(100)
    await client().decreaseStreamRetentionPeriod({ streamName, retentionPeriodHours: 24 })
    expect(await retention(streamName)).toBe(24)
  })

  it('refuses to increase to less than the current period', async () => {
    const streamName = await newStream()
    await client().increaseStreamRetentionPeriod({ streamName, retentionPeriodHours: 72 })
    const err = await expectCode(client().increaseStreamRetentionPeriod({ streamName, retentionPeriodHours: 48 }), 'INVALID_ARGUMENT')
    expect(err.message).toContain('72')
    expect(await retention(streamName)).toBe(72)
  })

  it('refuses to decrease to more than the current period', async () => {
    const streamName = await newStream()
    await client().increaseStreamRetentionPeriod({ streamName, retentionPeriodHours: 72 })
    const err = await expectCode(client().decreaseStreamRetentionPeriod({ streamName, retentionPeriodHours: 96 }), 'INVALID_ARGUMENT')
    expect(err.message).toContain('72')
    expect(await retention(streamName)).toBe(72)
  })

  it.each(OPS)('%s answers STREAM_NOT_FOUND for an unknown stream', async (_, call) => {
    const err = await expectCode(call(client(), { streamName: uniqueName('rp-none'), retentionPeriodHours: 48 }), 'STREAM_NOT_FOUND')
    expect(err.grpcStatus).toBe(5)
  })

  it('hides records older than a decreased period', async () => {
    const streamName = await newStream()
    await client().increaseStreamRetentionPeriod({ streamName, retentionPeriodHours: 48 })
    await client().putRecord({ streamName, partitionKey: 'k', data: 'old' })
    clock.advance(30 * HOUR)
    await client().putRecord({ streamName, partitionKey: 'k', data: 'new' })
    expect(await readAll(streamName)).toEqual(['old', 'new'])
    await client().decreaseStreamRetentionPeriod({ streamName, retentionPeriodHours: 24 })
    expect(await readAll(streamName)).toEqual(['new'])
  })

  it('keeps records within an increased period through trimming', async () => {
    const streamName = await newStream()
    await client().putRecord({ streamName, partitionKey: 'k', data: 'kept' })
    await client().increaseStreamRetentionPeriod({ streamName, retentionPeriodHours: 48 })
    clock.advance(25 * HOUR)
    await srv.current.server.trimNow()
    expect(await readAll(streamName)).toEqual(['kept'])
  })

  it('keeps the period across a restart', async () => {
    const up = await newStream()
    const down = await newStream()
    await client().increaseStreamRetentionPeriod({ streamName: up, retentionPeriodHours: 168 })
    await client().increaseStreamRetentionPeriod({ streamName: down, retentionPeriodHours: 500 })
    await client().decreaseStreamRetentionPeriod({ streamName: down, retentionPeriodHours: 36 })

    await srv.restart()

    expect(await retention(up)).toBe(168)
    expect(await retention(down)).toBe(36)
    // The rules still hold against the restored value.
    await expectCode(client().increaseStreamRetentionPeriod({ streamName: up, retentionPeriodHours: 100 }), 'INVALID_ARGUMENT')
  })
})
