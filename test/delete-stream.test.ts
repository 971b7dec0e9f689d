/**
 * DeleteStream: decoding, validation, and that a deleted stream and its records are gone
 * (also after a restart), including the DELETING state when createStreamMs is set.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { StreamClient } from '../client/index.js'
import { expectValidation, shardId, startRestartableServer, waitForGone, waitForStatus, type RestartableServer } from './helpers/control-plane.js'
import { expectRawError, expectSerializationFailed, GARBAGE, message, stringField, tag, WireType } from './helpers/protowire.js'
import { expectCode, ManualClock, rawCall, uniqueName } from './helpers/server.js'

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

/** Every record of one shard from TRIM_HORIZON, as strings. */
async function readShard (c: StreamClient, streamName: string, index = 0): Promise<string[]> {
  const { shardIterator } = await c.getShardIterator({ streamName, shardId: shardId(index), shardIteratorType: 'TRIM_HORIZON' })
  const { records } = await c.getRecords({ shardIterator })
  return records.map((r) => r.data.toString('utf8'))
}

async function expectListed (c: StreamClient, streamName: string, listed: boolean): Promise<void> {
  const { streamNames, hasMoreStreams } = await c.listStreams({ limit: 10_000 })
  expect(hasMoreStreams).toBe(false)
  expect(streamNames.includes(streamName)).toBe(listed)
}

describe('DeleteStream serialization', () => {
  it('rejects bytes that are not protobuf with SERIALIZATION_FAILED', async () => {
    expectSerializationFailed(await rawCall(srv.current.endpoint, 'DeleteStream', GARBAGE))
  })

  it('rejects enforce_consumer_deletion sent as a length-delimited field, and deletes nothing', async () => {
    const streamName = uniqueName('ds-wire')
    await client().createStream({ streamName, shardCount: 1 })
    const body = message(stringField(1, streamName), tag(2, WireType.LEN), Buffer.from([0x01, 0x05]))
    expectSerializationFailed(await rawCall(srv.current.endpoint, 'DeleteStream', body))
    expect((await client().describeStreamSummary({ streamName })).streamDescriptionSummary.streamStatus).toBe('ACTIVE')
  })

  it('reads an empty body as an empty request, which names no stream', async () => {
    const result = await rawCall(srv.current.endpoint, 'DeleteStream', Buffer.alloc(0))
    expectRawError(result, 'VALIDATION_FAILED', 3, 'ValidationException')
    expect(result.details).toBe("1 validation error detected: Value null at 'stream_name' failed to satisfy constraint: Member must not be null")
  })
})

describe('DeleteStream validation', () => {
  it('needs a stream name or ARN', async () => {
    const err = await expectCode(client().deleteStream({}), 'VALIDATION_FAILED')
    expect(err.message).toBe("1 validation error detected: Value null at 'stream_name' failed to satisfy constraint: Member must not be null")
  })

  it('checks the stream name length and pattern', async () => {
    await expectValidation(client().deleteStream({ streamName: 'x'.repeat(129) }), 'stream_name', 'Member must have length less than or equal to 128')
    await expectValidation(client().deleteStream({ streamName: 'no spaces' }), 'stream_name', 'Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+')
  })

  it('checks the stream ARN pattern and length', async () => {
    await expectValidation(client().deleteStream({ streamArn: 'arn:aws:s3:::bucket' }), 'stream_arn', 'Member must satisfy regular expression pattern: arn:aws.*:kinesis:.*:\\d{12}:stream/\\S+')
    const long = 'arn:aws:kinesis:us-east-1:000000000000:stream/' + 'x'.repeat(2048)
    await expectValidation(client().deleteStream({ streamArn: long }), 'stream_arn', 'Member must have length less than or equal to 2048')
  })
})

describe('DeleteStream functionality', () => {
  it('removes the stream from every operation and from ListStreams', async () => {
    const streamName = uniqueName('ds')
    await client().createStream({ streamName, shardCount: 2 })
    await expectListed(client(), streamName, true)
    expect(await client().deleteStream({ streamName })).toEqual({})
    await expectCode(client().describeStream({ streamName }), 'STREAM_NOT_FOUND')
    await expectCode(client().describeStreamSummary({ streamName }), 'STREAM_NOT_FOUND')
    await expectCode(client().listShards({ streamName }), 'STREAM_NOT_FOUND')
    await expectCode(client().listTagsForStream({ streamName }), 'STREAM_NOT_FOUND')
    await expectCode(client().putRecord({ streamName, partitionKey: 'k', data: 'x' }), 'STREAM_NOT_FOUND')
    // As AWS: the shards of a missing stream are missing.
    await expectCode(client().getShardIterator({ streamName, shardId: shardId(0), shardIteratorType: 'TRIM_HORIZON' }), 'SHARD_NOT_FOUND')
    await expectListed(client(), streamName, false)
  })

  it('answers STREAM_NOT_FOUND for an unknown stream and for a second delete', async () => {
    const err = await expectCode(client().deleteStream({ streamName: uniqueName('ds-none') }), 'STREAM_NOT_FOUND')
    expect(err.grpcStatus).toBe(5)
    expect(err.awsType).toBe('ResourceNotFoundException')
    const streamName = uniqueName('ds')
    await client().createStream({ streamName, shardCount: 1 })
    await client().deleteStream({ streamName })
    await expectCode(client().deleteStream({ streamName }), 'STREAM_NOT_FOUND')
  })

  it('accepts enforceConsumerDeletion', async () => {
    const streamName = uniqueName('ds')
    await client().createStream({ streamName, shardCount: 1 })
    await client().deleteStream({ streamName, enforceConsumerDeletion: true })
    await expectCode(client().describeStream({ streamName }), 'STREAM_NOT_FOUND')
  })

  it('gives a stream re-created under the same name none of the old records, tags or settings', async () => {
    const streamName = uniqueName('ds-again')
    await client().createStream({ streamName, shardCount: 1, tags: { old: 'yes' } })
    await client().increaseStreamRetentionPeriod({ streamName, retentionPeriodHours: 72 })
    await client().putRecords({ streamName, records: [{ partitionKey: 'a', data: 'old-1' }, { partitionKey: 'b', data: 'old-2' }] })
    expect(await readShard(client(), streamName)).toEqual(['old-1', 'old-2'])
    const firstCreated = clock.time
    await client().deleteStream({ streamName })

    clock.advance(1000)
    await client().createStream({ streamName, shardCount: 1 })
    const { streamDescription: d } = await client().describeStream({ streamName })
    expect(d.streamCreationTimestamp).toBe(firstCreated + 1000)
    expect(d.retentionPeriodHours).toBe(24)
    expect((await client().listTagsForStream({ streamName })).tags).toEqual([])
    expect(await readShard(client(), streamName)).toEqual([])
    await client().putRecord({ streamName, partitionKey: 'a', data: 'new' })
    expect(await readShard(client(), streamName)).toEqual(['new'])
  })

  it('leaves other streams and their records alone', async () => {
    const keep = uniqueName('ds-keep')
    const drop = uniqueName('ds-drop')
    for (const streamName of [keep, drop]) {
      await client().createStream({ streamName, shardCount: 1 })
      await client().putRecord({ streamName, partitionKey: 'k', data: streamName })
    }
    await client().deleteStream({ streamName: drop })
    expect(await readShard(client(), keep)).toEqual([keep])
  })

  it('stays deleted after a restart, and the name can be reused with no old records', async () => {
    const streamName = uniqueName('ds-restart')
    const other = uniqueName('ds-restart')
    await client().createStream({ streamName, shardCount: 1 })
    await client().createStream({ streamName: other, shardCount: 1 })
    await client().putRecord({ streamName, partitionKey: 'k', data: 'before' })
    await client().deleteStream({ streamName })

    await srv.restart()

    await expectCode(client().describeStream({ streamName }), 'STREAM_NOT_FOUND')
    await expectListed(client(), streamName, false)
    expect((await client().describeStreamSummary({ streamName: other })).streamDescriptionSummary.streamStatus).toBe('ACTIVE')
    await client().createStream({ streamName, shardCount: 1 })
    expect(await readShard(client(), streamName)).toEqual([])
  })
})

describe('DeleteStream with createStreamMs', () => {
  let slow: RestartableServer

  beforeAll(async () => {
    slow = await startRestartableServer({ createStreamMs: 500 })
  })

  afterAll(async () => {
    await slow?.close()
  })

  it('deletes a stream that is still CREATING, as AWS does', async () => {
    const c = slow.current.client
    const streamName = uniqueName('ds-slow')
    await c.createStream({ streamName, shardCount: 1 })
    expect((await c.describeStream({ streamName })).streamDescription.streamStatus).toBe('CREATING')
    await c.deleteStream({ streamName })
    const { streamDescription } = await c.describeStream({ streamName })
    expect(streamDescription.streamStatus).toBe('DELETING')
    // As AWS: no shards are listed while the stream is being deleted.
    expect(streamDescription.shards).toEqual([])
    await waitForGone(c, streamName)
  })

  it('shows DELETING, refuses mutations, re-creation and data, then disappears', async () => {
    const c = slow.current.client
    const streamName = uniqueName('ds-slow')
    await c.createStream({ streamName, shardCount: 1 })
    await waitForStatus(c, streamName, 'ACTIVE')
    const { shardIterator } = await c.getShardIterator({ streamName, shardId: 'shardId-000000000000', shardIteratorType: 'TRIM_HORIZON' })
    await c.deleteStream({ streamName })

    expect((await c.describeStream({ streamName })).streamDescription.streamStatus).toBe('DELETING')
    // An iterator taken before the delete no longer reads.
    await expectCode(c.getRecords({ shardIterator }), 'SHARD_NOT_FOUND')
    const { streamSummaries } = await c.listStreams({ limit: 10_000 })
    expect(streamSummaries.find((s) => s.streamName === streamName)?.streamStatus).toBe('DELETING')
    // Deleting it again changes nothing.
    await c.deleteStream({ streamName })
    await expectCode(c.addTagsToStream({ streamName, tags: { a: '1' } }), 'RESOURCE_IN_USE')
    await expectCode(c.removeTagsFromStream({ streamName, tagKeys: ['a'] }), 'RESOURCE_IN_USE')
    await expectCode(c.increaseStreamRetentionPeriod({ streamName, retentionPeriodHours: 48 }), 'RESOURCE_IN_USE')
    await expectCode(c.putRecord({ streamName, partitionKey: 'k', data: 'x' }), 'STREAM_NOT_FOUND')
    await expectCode(c.createStream({ streamName, shardCount: 1 }), 'STREAM_EXISTS')

    await waitForGone(c, streamName)
    await c.createStream({ streamName, shardCount: 1 })
    expect((await c.describeStreamSummary({ streamName })).streamDescriptionSummary.streamStatus).toBe('CREATING')
  })

  it('finishes a deletion that a restart interrupted', async () => {
    const streamName = uniqueName('ds-slow')
    await slow.current.client.createStream({ streamName, shardCount: 1 })
    await waitForStatus(slow.current.client, streamName, 'ACTIVE')
    await slow.current.client.deleteStream({ streamName })
    await slow.restart()
    await waitForGone(slow.current.client, streamName)
    await expectCode(slow.current.client.listShards({ streamName }), 'STREAM_NOT_FOUND')
  })
})
