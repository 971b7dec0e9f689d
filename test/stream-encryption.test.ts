/**
 * StartStreamEncryption and StopStreamEncryption: decoding, validation (the KMS-only type,
 * the forms of a key id), the setting as DescribeStream shows it, the UPDATING state, the
 * encryption type records carry (PutRecord(s) results, GetRecords, SubscribeToShard, and
 * JSON pages rendered ahead), the calls-per-day quota, and persistence; over gRPC and the
 * AWS SDK v3.
 */
import {
  DescribeStreamCommand, DescribeStreamSummaryCommand, GetRecordsCommand, GetShardIteratorCommand, PutRecordCommand, PutRecordsCommand,
  RegisterStreamConsumerCommand, StartStreamEncryptionCommand, StopStreamEncryptionCommand, SubscribeToShardCommand, type KinesisClient
} from '@aws-sdk/client-kinesis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { EncryptionType, StreamClient, StreamRecord } from '../client/index.js'
import { expectAwsError, SDK_TARGETS, sdkClient } from './helpers/aws-sdk.js'
import { expectValidation, startRestartableServer, waitForStatus, type RestartableServer } from './helpers/control-plane.js'
import { expectRawError, expectSerializationFailed, GARBAGE, message, stringField, varintField } from './helpers/protowire.js'
import { kinesisHeaders, rawHttp1 } from './helpers/raw-http.js'
import { recordReaders, SHARD0 } from './helpers/records.js'
import { expectCode, ManualClock, rawCall, startServer, uniqueName, type TestServer } from './helpers/server.js'
import { changeAt, encryptionAt, labelsOf, withChange } from '../src/streams/encryption.js'

const KEY = 'arn:aws:kms:us-east-1:123456789012:key/12345678-1234-1234-1234-123456789012'
const ALIAS = 'alias/aws/kinesis'
const RPCS = ['StartStreamEncryption', 'StopStreamEncryption'] as const

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

const { readShard } = recordReaders(client)

async function newStream (shardCount = 1): Promise<string> {
  const streamName = uniqueName('enc')
  await client().createStream({ streamName, shardCount })
  return streamName
}

async function put (streamName: string, text: string): Promise<EncryptionType> {
  return (await client().putRecord({ streamName, partitionKey: 'k', data: text })).encryptionType
}

function labels (records: StreamRecord[]): Array<[string, EncryptionType]> {
  return records.map((r) => [r.data.toString(), r.encryptionType])
}

async function start (streamName: string, keyId = KEY): Promise<void> {
  await client().startStreamEncryption({ streamName, encryptionType: 'KMS', keyId })
  // A change takes effect after every record already written, from the next millisecond.
  clock.advance(1)
}

async function stop (streamName: string, keyId = KEY): Promise<void> {
  await client().stopStreamEncryption({ streamName, encryptionType: 'KMS', keyId })
  clock.advance(1)
}

describe('stream encryption serialization', () => {
  it.each(RPCS)('%s rejects bytes that are not protobuf', async (rpc) => {
    expectSerializationFailed(await rawCall(srv.current.endpoint, rpc, GARBAGE))
  })

  it.each(RPCS)('%s rejects key_id sent as a varint and encryption_type as bytes, changing nothing', async (rpc) => {
    const streamName = await newStream()
    expectSerializationFailed(await rawCall(srv.current.endpoint, rpc, message(stringField(1, streamName), varintField(2, 1), varintField(3, 5))))
    expectSerializationFailed(await rawCall(srv.current.endpoint, rpc, message(stringField(1, streamName), stringField(2, 'KMS'), stringField(3, ALIAS))))
    expect((await client().describeStream({ streamName })).streamDescription.encryptionType).toBe('NONE')
  })

  it.each(RPCS)('%s names an encryption type number the enum does not have', async (rpc) => {
    const streamName = await newStream()
    const result = await rawCall(srv.current.endpoint, rpc, message(stringField(1, streamName), varintField(2, 7), stringField(3, ALIAS)))
    expectRawError(result, 'VALIDATION_FAILED', 3, 'ValidationException')
    expect(result.details).toContain("at 'encryption_type' failed to satisfy constraint: Member must satisfy enum value set: [NONE, KMS]")
  })
})

describe('stream encryption validation', () => {
  let streamName: string

  beforeAll(async () => {
    streamName = await newStream()
  })

  it.each(RPCS)('%s needs encryption_type and key_id, 1 to 2,048 characters', async (rpc) => {
    const missingType = await rawCall(srv.current.endpoint, rpc, message(stringField(1, streamName), stringField(3, ALIAS)))
    expectRawError(missingType, 'VALIDATION_FAILED', 3, 'ValidationException')
    expect(missingType.details).toContain("at 'encryption_type' failed to satisfy constraint: Member must not be null")
    const missingKey = await rawCall(srv.current.endpoint, rpc, message(stringField(1, streamName), varintField(2, 1)))
    expect(missingKey.details).toContain("at 'key_id' failed to satisfy constraint: Member must not be null")
    const call = rpc === 'StartStreamEncryption' ? client().startStreamEncryption.bind(client()) : client().stopStreamEncryption.bind(client())
    await expectValidation(call({ streamName, encryptionType: 'KMS', keyId: 'a'.repeat(2049) }), 'key_id', 'Member must have length less than or equal to 2048')
  })

  it.each(RPCS)('%s takes only KMS, refusing NONE with INVALID_ARGUMENT', async (rpc) => {
    const call = rpc === 'StartStreamEncryption' ? client().startStreamEncryption.bind(client()) : client().stopStreamEncryption.bind(client())
    const err = await expectCode(call({ streamName, encryptionType: 'NONE', keyId: KEY }), 'INVALID_ARGUMENT')
    expect(err.awsType).toBe('InvalidArgumentException')
    expect(err.message).toMatch(/KMS/)
  })

  it.each([
    'foo',
    '12345678-1234-1234-1234',
    'arn:aws:kms:us-east-1:123456789012:key/not-a-uuid',
    'arn:aws:kms:us-east-1:12345:key/12345678-1234-1234-1234-123456789012',
    'arn:aws:s3:us-east-1:123456789012:key/12345678-1234-1234-1234-123456789012',
    'alias/',
    'alias/with space'
  ])('refuses the key id %s, which is in none of KMS\'s forms', async (keyId) => {
    const err = await expectCode(client().startStreamEncryption({ streamName, encryptionType: 'KMS', keyId }), 'INVALID_ARGUMENT')
    expect(err.message).toContain(keyId)
    expect(err.message).toMatch(/alias/)
    expect((await client().describeStreamSummary({ streamName })).streamDescriptionSummary.encryptionType).toBe('NONE')
  })

  it('needs a stream name or ARN, checks the name, and finds no unknown stream', async () => {
    await expectCode(client().startStreamEncryption({ encryptionType: 'KMS', keyId: KEY }), 'VALIDATION_FAILED')
    await expectValidation(client().stopStreamEncryption({ streamName: 'a b', encryptionType: 'KMS', keyId: KEY }), 'stream_name', 'Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+')
    await expectCode(client().startStreamEncryption({ streamName: uniqueName('absent'), encryptionType: 'KMS', keyId: KEY }), 'STREAM_NOT_FOUND')
  })

  it('refuses an encryption type the proto does not know before sending', async () => {
    await expect(client().startStreamEncryption({ streamName, encryptionType: 'AES' as EncryptionType, keyId: KEY })).rejects.toThrow(/encryptionType must be one of NONE, KMS/)
  })
})

describe('stream encryption', () => {
  it.each([
    KEY,
    'arn:aws:kms:eu-west-1:123456789012:key/mrk-1234abcd12ab34cd56ef1234567890ab',
    'arn:aws-us-gov:kms:us-gov-west-1:123456789012:alias/MyAliasName',
    'alias/MyAliasName',
    ALIAS,
    '12345678-1234-1234-1234-123456789012'
  ])('is turned on with the key %s, shown by DescribeStream and DescribeStreamSummary, and off again', async (keyId) => {
    const streamName = await newStream()
    await start(streamName, keyId)
    const { streamDescription } = await client().describeStream({ streamName })
    expect(streamDescription.encryptionType).toBe('KMS')
    expect(streamDescription.keyId).toBe(keyId)
    expect(streamDescription.streamStatus).toBe('ACTIVE')
    const { streamDescriptionSummary } = await client().describeStreamSummary({ streamName })
    expect([streamDescriptionSummary.encryptionType, streamDescriptionSummary.keyId]).toEqual(['KMS', keyId])
    await stop(streamName, keyId)
    const after = (await client().describeStream({ streamName })).streamDescription
    expect(after.encryptionType).toBe('NONE')
    expect(after.keyId).toBeUndefined()
  })

  it('labels each record with the encryption on when it arrived, in put results and reads alike', async () => {
    const streamName = await newStream()
    expect(await put(streamName, 'before')).toBe('NONE')
    await start(streamName)
    expect(await put(streamName, 'during')).toBe('KMS')
    const batch = await client().putRecords({ streamName, records: [{ partitionKey: 'k', data: 'batch' }] })
    expect(batch.encryptionType).toBe('KMS')
    await stop(streamName)
    expect(await put(streamName, 'after')).toBe('NONE')
    // One page straddling both changes, and then the same records one at a time.
    const expected: Array<[string, EncryptionType]> = [['before', 'NONE'], ['during', 'KMS'], ['batch', 'KMS'], ['after', 'NONE']]
    expect(labels(await readShard(streamName))).toEqual(expected)
    let { shardIterator } = await client().getShardIterator({ streamName, shardId: SHARD0, shardIteratorType: 'TRIM_HORIZON' })
    const single: Array<[string, EncryptionType]> = []
    for (let i = 0; i < 4; i++) {
      // Past the shard's 5 reads a second (the clock only moves when told).
      clock.advance(250)
      const page = await client().getRecords({ shardIterator, limit: 1 })
      single.push(...labels(page.records))
      shardIterator = page.nextShardIterator!
    }
    expect(single).toEqual(expected)
  })

  it('keeps records encrypted when the key changes, and shows the new key', async () => {
    const streamName = await newStream()
    await start(streamName, ALIAS)
    await put(streamName, 'one')
    await start(streamName, KEY)
    await put(streamName, 'two')
    expect((await client().describeStream({ streamName })).streamDescription.keyId).toBe(KEY)
    expect(labels(await readShard(streamName))).toEqual([['one', 'KMS'], ['two', 'KMS']])
  })

  it('labels the records SubscribeToShard pushes, read from storage and as they commit', async () => {
    const streamName = await newStream()
    await put(streamName, 'old')
    await start(streamName)
    await put(streamName, 'stored')
    const { streamArn } = (await client().describeStreamSummary({ streamName })).streamDescriptionSummary
    const { consumer } = await client().registerStreamConsumer({ streamArn, consumerName: 'c' })
    const seen: Array<[string, EncryptionType]> = []
    const subscription = client().subscribeToShard({ consumerArn: consumer.consumerArn, shardId: SHARD0, startingPosition: { type: 'TRIM_HORIZON' } })
    for await (const event of subscription) {
      seen.push(...labels(event.records))
      if (seen.length === 2) await put(streamName, 'live')
      if (seen.length >= 3) break
    }
    expect(seen).toEqual([['old', 'NONE'], ['stored', 'KMS'], ['live', 'KMS']])
  })

  it('allows 25 successful starts and 25 stops per stream in a rolling 24 hours', async () => {
    const streamName = await newStream()
    for (let i = 0; i < 25; i++) await start(streamName)
    const err = await expectCode(client().startStreamEncryption({ streamName, encryptionType: 'KMS', keyId: KEY }), 'LIMIT_EXCEEDED')
    expect(err.awsType).toBe('LimitExceededException')
    expect(err.message).toMatch(/25 times per rolling 24 hours/)
    // Stops count apart from starts.
    await stop(streamName)
    // A day later the starts have aged out of the window.
    clock.advance(24 * 3_600_000)
    await start(streamName)
    expect((await client().describeStream({ streamName })).streamDescription.encryptionType).toBe('KMS')
  })

  it('keeps the setting and every record\'s label across a restart', async () => {
    const streamName = await newStream()
    await put(streamName, 'plain')
    await start(streamName)
    await put(streamName, 'secret')
    await srv.restart()
    clock.advance(1)
    expect(await put(streamName, 'later')).toBe('KMS')
    const { streamDescription } = await client().describeStream({ streamName })
    expect([streamDescription.encryptionType, streamDescription.keyId]).toEqual(['KMS', KEY])
    expect(labels(await readShard(streamName))).toEqual([['plain', 'NONE'], ['secret', 'KMS'], ['later', 'KMS']])
  })
})

describe('stream encryption with a state-transition delay', () => {
  let slow: TestServer

  beforeAll(async () => {
    slow = await startServer({ createStreamMs: 300 })
  })

  afterAll(async () => {
    await slow?.close()
  })

  it('makes the stream UPDATING, refuses another change meanwhile, and encrypts the records written once it is ACTIVE', async () => {
    const streamName = uniqueName('slow')
    await slow.client.createStream({ streamName, shardCount: 1 })
    await waitForStatus(slow.client, streamName, 'ACTIVE')
    await slow.client.startStreamEncryption({ streamName, encryptionType: 'KMS', keyId: ALIAS })
    const { streamDescriptionSummary } = await slow.client.describeStreamSummary({ streamName })
    expect(streamDescriptionSummary.streamStatus).toBe('UPDATING')
    expect(streamDescriptionSummary.encryptionType).toBe('KMS')
    const busy = await expectCode(slow.client.stopStreamEncryption({ streamName, encryptionType: 'KMS', keyId: ALIAS }), 'RESOURCE_IN_USE')
    expect(busy.awsType).toBe('ResourceInUseException')
    // Reads and writes go on while UPDATING; encryption begins once the stream is ACTIVE.
    const during = await slow.client.putRecord({ streamName, partitionKey: 'k', data: 'during' })
    expect(during.encryptionType).toBe('NONE')
    await waitForStatus(slow.client, streamName, 'ACTIVE')
    const after = await slow.client.putRecord({ streamName, partitionKey: 'k', data: 'after' })
    expect(after.encryptionType).toBe('KMS')
    const { shardIterator } = await slow.client.getShardIterator({ streamName, shardId: SHARD0, shardIteratorType: 'TRIM_HORIZON' })
    expect(labels((await slow.client.getRecords({ shardIterator })).records)).toEqual([['during', 'NONE'], ['after', 'KMS']])
  })
})

describe.each(SDK_TARGETS)('stream encryption through the AWS SDK over %s', (target) => {
  let kinesis: KinesisClient
  beforeAll(() => { kinesis = sdkClient(srv.current.server.httpPort, target) })
  afterAll(() => kinesis.destroy())

  it('starts and stops encryption, and every record says how it was stored', async () => {
    const streamName = await newStream()
    await kinesis.send(new PutRecordCommand({ StreamName: streamName, PartitionKey: 'k', Data: Buffer.from('plain') }))
    await kinesis.send(new StartStreamEncryptionCommand({ StreamName: streamName, EncryptionType: 'KMS', KeyId: ALIAS }))
    clock.advance(1)
    const { StreamDescription } = await kinesis.send(new DescribeStreamCommand({ StreamName: streamName }))
    expect([StreamDescription?.EncryptionType, StreamDescription?.KeyId]).toEqual(['KMS', ALIAS])
    const { StreamDescriptionSummary } = await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: streamName }))
    expect([StreamDescriptionSummary?.EncryptionType, StreamDescriptionSummary?.KeyId]).toEqual(['KMS', ALIAS])
    const one = await kinesis.send(new PutRecordCommand({ StreamName: streamName, PartitionKey: 'k', Data: Buffer.from('secret') }))
    expect(one.EncryptionType).toBe('KMS')
    const many = await kinesis.send(new PutRecordsCommand({ StreamName: streamName, Records: Array.from({ length: 300 }, (_, i) => ({ PartitionKey: `k${i}`, Data: Buffer.from(`s${i}`) })) }))
    expect(many.EncryptionType).toBe('KMS')
    // GetShardIterator, and each full page, read the next page ahead rendered as JSON: the
    // rendering's labels must be the records'.
    let { ShardIterator } = await kinesis.send(new GetShardIteratorCommand({ StreamName: streamName, ShardId: SHARD0, ShardIteratorType: 'TRIM_HORIZON' }))
    const Records = []
    for (let page = 0; page < 4; page++) {
      const got = await kinesis.send(new GetRecordsCommand({ ShardIterator, Limit: 100 }))
      Records.push(...got.Records!)
      ShardIterator = got.NextShardIterator
    }
    expect(Records).toHaveLength(302)
    expect(Records.slice(0, 2).map((r) => [Buffer.from(r.Data!).toString(), r.EncryptionType])).toEqual([['plain', undefined], ['secret', 'KMS']])
    expect(Records.slice(1).every((r) => r.EncryptionType === 'KMS')).toBe(true)
    await kinesis.send(new StopStreamEncryptionCommand({ StreamName: streamName, EncryptionType: 'KMS', KeyId: ALIAS }))
    const stopped = await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: streamName }))
    expect(stopped.StreamDescriptionSummary?.EncryptionType).toBe('NONE')
    expect(stopped.StreamDescriptionSummary?.KeyId).toBeUndefined()
  })

  it('pushes encrypted records through SubscribeToShard with their encryption type', async () => {
    const streamName = await newStream()
    await kinesis.send(new StartStreamEncryptionCommand({ StreamName: streamName, EncryptionType: 'KMS', KeyId: KEY }))
    clock.advance(1)
    await kinesis.send(new PutRecordCommand({ StreamName: streamName, PartitionKey: 'k', Data: Buffer.from('x') }))
    const { Consumer } = await kinesis.send(new RegisterStreamConsumerCommand({ StreamARN: `arn:aws:kinesis:us-east-1:000000000000:stream/${streamName}`, ConsumerName: 'c' }))
    const abort = new AbortController()
    const { EventStream } = await kinesis.send(new SubscribeToShardCommand({ ConsumerARN: Consumer!.ConsumerARN, ShardId: SHARD0, StartingPosition: { Type: 'TRIM_HORIZON' } }), { abortSignal: abort.signal })
    let type: string | undefined
    try {
      for await (const event of EventStream!) {
        const record = event.SubscribeToShardEvent?.Records?.[0]
        if (record !== undefined) {
          type = record.EncryptionType
          abort.abort()
        }
      }
    } catch (err) {
      if (!abort.signal.aborted) throw err
    }
    expect(type).toBe('KMS')
  })

  it('answers AWS\'s errors by their AWS names', async () => {
    const streamName = await newStream()
    await expectAwsError(kinesis.send(new StartStreamEncryptionCommand({ StreamName: streamName, EncryptionType: 'NONE', KeyId: KEY })), 'InvalidArgumentException', /KMS/)
    await expectAwsError(kinesis.send(new StartStreamEncryptionCommand({ StreamName: streamName, EncryptionType: 'KMS', KeyId: 'not-a-key' })), 'InvalidArgumentException', /KeyId not-a-key/)
    await expectAwsError(kinesis.send(new StopStreamEncryptionCommand({ StreamName: uniqueName('absent'), EncryptionType: 'KMS', KeyId: KEY })), 'ResourceNotFoundException')
    const missing = await expectAwsError(kinesis.send(new StartStreamEncryptionCommand({ StreamName: streamName, EncryptionType: 'KMS', KeyId: undefined })), 'ValidationException', /at 'keyId' failed to satisfy constraint: Member must not be null/)
    expect(missing.$metadata?.httpStatusCode).toBe(400)
  })
})

describe('stream encryption over raw JSON', () => {
  it('answers a KeyId of the wrong JSON type with SerializationException, changing nothing', async () => {
    const streamName = await newStream()
    const res = await rawHttp1(srv.current.server.httpPort, { headers: kinesisHeaders('StartStreamEncryption'), body: JSON.stringify({ StreamName: streamName, EncryptionType: 'KMS', KeyId: 5 }) })
    expect(res.status).toBe(400)
    expect(res.json?.__type).toBe('SerializationException')
    expect((await client().describeStream({ streamName })).streamDescription.encryptionType).toBe('NONE')
  })
})

describe('the encryption history behind record labels', () => {
  it('drops changes no retained record can carry, and adds none that changes nothing', () => {
    let history = withChange(undefined, 'NONE', 10, 0)
    expect(history).toBeUndefined()
    history = withChange(history, 'KMS', 100, 0)
    history = withChange(history, 'KMS', 150, 0)
    history = withChange(history, 'NONE', 200, 0)
    expect(history).toEqual([{ from: 100, type: 'KMS' }, { from: 200, type: 'NONE' }])
    // Once the horizon has passed 200, records of the KMS period are all expired.
    expect(withChange(history, 'KMS', 300, 250)).toEqual([{ from: 200, type: 'NONE' }, { from: 300, type: 'KMS' }])
    expect([99, 100, 199, 200].map((ts) => encryptionAt(history, ts))).toEqual([undefined, 'KMS', 'KMS', undefined])
  })

  it('gives a run one label unless a change falls inside it', () => {
    const history = [{ from: 100, type: 'KMS' as const }]
    expect(labelsOf(history, [{ ts: 100 }, { ts: 120 }])).toBe('KMS')
    expect(labelsOf(history, [{ ts: 10 }, { ts: 99 }])).toBeUndefined()
    const mixed = labelsOf(history, [{ ts: 99 }, { ts: 100 }])
    expect(typeof mixed).toBe('function')
    expect([99, 100].map((ts) => (mixed as (ts: number) => unknown)(ts))).toEqual([undefined, 'KMS'])
  })

  it('takes effect after every record written and once the stream is ACTIVE again', () => {
    expect(changeAt(1000, undefined, 900)).toBe(1001)
    expect(changeAt(1000, undefined, 1005)).toBe(1006)
    expect(changeAt(1000, 1300, 1005)).toBe(1300)
  })
})
