/**
 * DescribeAccountSettings and UpdateAccountSettings: the minimum throughput billing
 * commitment per account and region, its 24-hour minimum (ENABLED_UNTIL_EARLIEST_ALLOWED_END, then
 * DISABLED), cancelling a pending end, decoding, validation, and persistence; over gRPC
 * and the AWS SDK v3, with a clock the test moves.
 */
import { DescribeAccountSettingsCommand, UpdateAccountSettingsCommand, type KinesisClient, type MinimumThroughputBillingCommitmentInputStatus } from '@aws-sdk/client-kinesis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { StreamClient, type MinimumThroughputBillingCommitment } from '../client/index.js'
import { expectAwsError, SDK_TARGETS, sdkClient } from './helpers/aws-sdk.js'
import { expectValidation, startRestartableServer, type RestartableServer } from './helpers/control-plane.js'
import { bytesField, expectRawError, expectSerializationFailed, GARBAGE, message, stringField, varintField } from './helpers/protowire.js'
import { kinesisHeaders, rawHttp1 } from './helpers/raw-http.js'
import { ManualClock, rawCall } from './helpers/server.js'
import { LevelStore } from '../src/storage/level-store.js'

const DAY_MS = 24 * 3_600_000

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

async function commitment (): Promise<MinimumThroughputBillingCommitment> {
  return (await client().describeAccountSettings()).minimumThroughputBillingCommitment
}

async function update (status: 'ENABLED' | 'DISABLED'): Promise<MinimumThroughputBillingCommitment> {
  return (await client().updateAccountSettings({ minimumThroughputBillingCommitment: { status } })).minimumThroughputBillingCommitment
}

describe('account settings serialization', () => {
  it.each(['DescribeAccountSettings', 'UpdateAccountSettings'])('%s rejects bytes that are not protobuf', async (rpc) => {
    expectSerializationFailed(await rawCall(srv.current.endpoint, rpc, GARBAGE))
  })

  it('UpdateAccountSettings rejects the commitment sent as a string, or its status as bytes', async () => {
    expectSerializationFailed(await rawCall(srv.current.endpoint, 'UpdateAccountSettings', message(varintField(1, 1))))
    expectSerializationFailed(await rawCall(srv.current.endpoint, 'UpdateAccountSettings', bytesField(1, stringField(1, 'ENABLED'))))
    expect((await commitment()).status).toBe('DISABLED')
  })
})

describe('account settings validation', () => {
  it('UpdateAccountSettings needs the commitment and its status', async () => {
    const none = await rawCall(srv.current.endpoint, 'UpdateAccountSettings', Buffer.alloc(0))
    expectRawError(none, 'VALIDATION_FAILED', 3, 'ValidationException')
    expect(none.details).toContain("at 'minimum_throughput_billing_commitment' failed to satisfy constraint: Member must not be null")
    const noStatus = await rawCall(srv.current.endpoint, 'UpdateAccountSettings', bytesField(1, Buffer.alloc(0)))
    expect(noStatus.details).toContain("at 'minimum_throughput_billing_commitment.status' failed to satisfy constraint: Member must not be null")
  })

  it('takes ENABLED or DISABLED only, not the output-only ENABLED_UNTIL_EARLIEST_ALLOWED_END', async () => {
    const err = await expectValidation(
      client().updateAccountSettings({ minimumThroughputBillingCommitment: { status: 'ENABLED_UNTIL_EARLIEST_ALLOWED_END' as 'ENABLED' } }),
      'minimum_throughput_billing_commitment.status', 'Member must satisfy enum value set: [ENABLED, DISABLED]')
    expect(err).toMatch(/ENABLED_UNTIL_EARLIEST_ALLOWED_END/)
    await expect(client().updateAccountSettings({ minimumThroughputBillingCommitment: { status: 'ON' as 'ENABLED' } })).rejects.toThrow(/must be one of/)
    expect((await commitment()).status).toBe('DISABLED')
  })
})

describe('the minimum throughput billing commitment', () => {
  it('goes from DISABLED to ENABLED, waits out its 24 hours when disabled early, and is DISABLED after', async () => {
    expect(await commitment()).toEqual({ status: 'DISABLED' })
    const started = clock.time
    const enabled = await update('ENABLED')
    expect(enabled).toEqual({ status: 'ENABLED', startedAt: started, earliestAllowedEndAt: started + DAY_MS })
    // Enabling again changes nothing.
    clock.advance(1000)
    expect(await update('ENABLED')).toEqual(enabled)
    const pending = await update('DISABLED')
    expect(pending).toEqual({ status: 'ENABLED_UNTIL_EARLIEST_ALLOWED_END', startedAt: started, earliestAllowedEndAt: started + DAY_MS })
    clock.advance(DAY_MS - 1001)
    expect((await commitment()).status).toBe('ENABLED_UNTIL_EARLIEST_ALLOWED_END')
    clock.advance(1)
    expect(await commitment()).toEqual({ status: 'DISABLED', startedAt: started, endedAt: started + DAY_MS })
  })

  it('cancels a pending end when enabled again before it', async () => {
    clock.advance(10_000)
    const started = clock.time
    await update('ENABLED')
    clock.advance(3_600_000)
    expect((await update('DISABLED')).status).toBe('ENABLED_UNTIL_EARLIEST_ALLOWED_END')
    expect(await update('ENABLED')).toEqual({ status: 'ENABLED', startedAt: started, earliestAllowedEndAt: started + DAY_MS })
    clock.advance(DAY_MS)
    expect((await commitment()).status).toBe('ENABLED')
    // Past the minimum, a disable takes effect at once.
    const ended = clock.time
    expect(await update('DISABLED')).toEqual({ status: 'DISABLED', startedAt: started, endedAt: ended })
    // A new commitment starts afresh.
    clock.advance(5)
    expect(await update('ENABLED')).toEqual({ status: 'ENABLED', startedAt: ended + 5, earliestAllowedEndAt: ended + 5 + DAY_MS })
  })

  it('keeps the commitment across a restart', async () => {
    const before = await commitment()
    expect(before.status).toBe('ENABLED')
    await srv.restart()
    expect(await commitment()).toEqual(before)
    expect((await update('DISABLED')).status).toBe('ENABLED_UNTIL_EARLIEST_ALLOWED_END')
    await srv.restart()
    expect((await commitment()).status).toBe('ENABLED_UNTIL_EARLIEST_ALLOWED_END')
  })

  it('belongs to the account and region, as Kinesis is regional: another region or account has its own', async () => {
    const mine = (await commitment()).status
    const otherRegion = new StreamClient({ endpoint: srv.current.endpoint, region: 'eu-west-1' })
    const otherAccount = new StreamClient({ endpoint: srv.current.endpoint, accountId: '111122223333' })
    try {
      expect(mine).not.toBe('DISABLED')
      expect((await otherRegion.describeAccountSettings()).minimumThroughputBillingCommitment).toEqual({ status: 'DISABLED' })
      await otherRegion.updateAccountSettings({ minimumThroughputBillingCommitment: { status: 'ENABLED' } })
      await otherRegion.updateAccountSettings({ minimumThroughputBillingCommitment: { status: 'DISABLED' } })
      expect((await otherRegion.describeAccountSettings()).minimumThroughputBillingCommitment.status).toBe('ENABLED_UNTIL_EARLIEST_ALLOWED_END')
      expect((await commitment()).status).toBe(mine)
      expect((await otherAccount.describeAccountSettings()).minimumThroughputBillingCommitment).toEqual({ status: 'DISABLED' })
      await otherAccount.updateAccountSettings({ minimumThroughputBillingCommitment: { status: 'ENABLED' } })
      expect((await otherAccount.describeAccountSettings()).minimumThroughputBillingCommitment.status).toBe('ENABLED')
      expect((await commitment()).status).toBe(mine)
    } finally {
      otherRegion.close()
      otherAccount.close()
    }
  })

  it('gives a commitment kept from before regions to the server\'s region', async () => {
    const other = await startRestartableServer({ clock: clock.now, region: 'eu-west-1' })
    try {
      await other.current.close()
      // The document as the server wrote it while settings were per account only.
      const store = await LevelStore.open({ location: other.dataDir, memory: false, sync: false })
      const batch = store.batch()
      batch.putDocument('account/000000000000/settings', { commitment: { startedAt: clock.time, earliestAllowedEndAt: clock.time + DAY_MS } })
      await store.commit(batch)
      await store.close()
      const server = await other.restart()
      expect((await server.client.describeAccountSettings()).minimumThroughputBillingCommitment).toEqual({ status: 'ENABLED', startedAt: clock.time, earliestAllowedEndAt: clock.time + DAY_MS })
      const east = new StreamClient({ endpoint: server.endpoint, region: 'us-east-1' })
      try {
        expect((await east.describeAccountSettings()).minimumThroughputBillingCommitment).toEqual({ status: 'DISABLED' })
      } finally {
        east.close()
      }
    } finally {
      await other.close()
    }
  })
})

describe.each(SDK_TARGETS)('account settings through the AWS SDK over %s', (target) => {
  let kinesis: KinesisClient
  beforeAll(() => { kinesis = sdkClient(srv.current.server.httpPort, target) })
  afterAll(() => kinesis.destroy())

  it('describes and updates the commitment, with its times as dates', async () => {
    clock.advance(2 * DAY_MS)
    const now = clock.time
    const off = await kinesis.send(new DescribeAccountSettingsCommand({}))
    expect(off.MinimumThroughputBillingCommitment?.Status).toBe('DISABLED')
    await kinesis.send(new UpdateAccountSettingsCommand({ MinimumThroughputBillingCommitment: { Status: 'ENABLED' } }))
    const { MinimumThroughputBillingCommitment: on } = await kinesis.send(new UpdateAccountSettingsCommand({ MinimumThroughputBillingCommitment: { Status: 'DISABLED' } }))
    expect(on?.Status).toBe('ENABLED_UNTIL_EARLIEST_ALLOWED_END')
    expect(on?.StartedAt).toEqual(new Date(now))
    expect(on?.EarliestAllowedEndAt).toEqual(new Date(now + DAY_MS))
    expect(on?.EndedAt).toBeUndefined()
    clock.advance(DAY_MS)
    const { MinimumThroughputBillingCommitment: ended } = await kinesis.send(new DescribeAccountSettingsCommand({}))
    expect(ended).toEqual({ Status: 'DISABLED', StartedAt: new Date(now), EndedAt: new Date(now + DAY_MS) })
  })

  it('answers AWS\'s errors by their AWS names', async () => {
    await expectAwsError(kinesis.send(new UpdateAccountSettingsCommand({ MinimumThroughputBillingCommitment: { Status: 'MAYBE' as MinimumThroughputBillingCommitmentInputStatus } })), 'ValidationException', /at 'minimumThroughputBillingCommitment.status' failed to satisfy constraint: Member must satisfy enum value set: \[ENABLED, DISABLED\]/)
    await expectAwsError(kinesis.send(new UpdateAccountSettingsCommand({ MinimumThroughputBillingCommitment: undefined })), 'ValidationException', /Member must not be null/)
  })

  it('answers a commitment of the wrong JSON type with SerializationException', async () => {
    const res = await rawHttp1(srv.current.server.httpPort, { headers: kinesisHeaders('UpdateAccountSettings'), body: JSON.stringify({ MinimumThroughputBillingCommitment: 'ENABLED' }) })
    expect(res.status).toBe(400)
    expect(res.json?.__type).toBe('SerializationException')
  })
})
