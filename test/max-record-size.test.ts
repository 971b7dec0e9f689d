/**
 * UpdateMaxRecordSize and CreateStream's MaxRecordSizeInKiB: decoding, validation (1,024
 * to 10,240 KiB), DescribeStreamSummary's MaxRecordSizeInKiB, records up to the stream's
 * size through PutRecord, PutRecords (10 MiB per call), GetRecords (pages of 10 MiB, one
 * record at least) and SubscribeToShard, a large record's write burst, and persistence;
 * over gRPC and the AWS SDK v3.
 */
import {
  CreateStreamCommand, DescribeStreamSummaryCommand, GetRecordsCommand, GetShardIteratorCommand, PutRecordCommand, PutRecordsCommand,
  UpdateMaxRecordSizeCommand, type KinesisClient
} from '@aws-sdk/client-kinesis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { StreamClient } from '../client/index.js'
import { expectAwsError, SDK_TARGETS, sdkClient } from './helpers/aws-sdk.js'
import { expectValidation, startRestartableServer, type RestartableServer } from './helpers/control-plane.js'
import { bytesField, expectRawError, expectSerializationFailed, GARBAGE, message, stringField } from './helpers/protowire.js'
import { recordReaders, SHARD0 } from './helpers/records.js'
import { expectCode, ManualClock, rawCall, startServer, uniqueName, type TestServer } from './helpers/server.js'

const KIB = 1024
const MIB = 1024 * KIB

let srv: RestartableServer

beforeAll(async () => {
  srv = await startRestartableServer({ limits: 'off' })
})

afterAll(async () => {
  await srv?.close()
})

function client (): StreamClient {
  return srv.current.client
}

const { readShard } = recordReaders(client)

function arnOf (streamName: string): string {
  return `arn:aws:kinesis:us-east-1:000000000000:stream/${streamName}`
}

async function newStream (maxRecordSizeInKiB?: number): Promise<string> {
  const streamName = uniqueName('big')
  await client().createStream({ streamName, shardCount: 1, ...(maxRecordSizeInKiB === undefined ? {} : { maxRecordSizeInKiB }) })
  return streamName
}

async function sizeOf (streamName: string): Promise<number> {
  return (await client().describeStreamSummary({ streamName })).streamDescriptionSummary.maxRecordSizeInKiB
}

/** Data that, with the one-character key 'k', makes a record of exactly `bytes`. */
function dataFor (bytes: number, fill = 7): Buffer {
  return Buffer.alloc(bytes - 1, fill)
}

describe('max record size serialization', () => {
  it('UpdateMaxRecordSize rejects bytes that are not protobuf', async () => {
    expectSerializationFailed(await rawCall(srv.current.endpoint, 'UpdateMaxRecordSize', GARBAGE))
  })

  it('UpdateMaxRecordSize rejects the size sent as bytes, changing nothing', async () => {
    const streamName = await newStream()
    expectSerializationFailed(await rawCall(srv.current.endpoint, 'UpdateMaxRecordSize', message(stringField(1, arnOf(streamName)), bytesField(2, Buffer.from([0x80, 0x10])))))
    expect(await sizeOf(streamName)).toBe(1024)
  })
})

describe('max record size validation', () => {
  it('UpdateMaxRecordSize needs the stream ARN and the size', async () => {
    const noArn = await rawCall(srv.current.endpoint, 'UpdateMaxRecordSize', Buffer.alloc(0))
    expectRawError(noArn, 'VALIDATION_FAILED', 3, 'ValidationException')
    expect(noArn.details).toContain("at 'stream_arn' failed to satisfy constraint: Member must not be null")
    expect(noArn.details).toContain("at 'max_record_size_in_ki_b' failed to satisfy constraint: Member must not be null")
  })

  it('takes 1,024 to 10,240 KiB, in UpdateMaxRecordSize and CreateStream alike', async () => {
    const streamName = await newStream()
    const streamArn = arnOf(streamName)
    await expectValidation(client().updateMaxRecordSize({ streamArn, maxRecordSizeInKiB: 1023 }), 'max_record_size_in_ki_b', 'Member must have value greater than or equal to 1024')
    await expectValidation(client().updateMaxRecordSize({ streamArn, maxRecordSizeInKiB: 10_241 }), 'max_record_size_in_ki_b', 'Member must have value less than or equal to 10240')
    await expectValidation(client().createStream({ streamName: uniqueName('c'), shardCount: 1, maxRecordSizeInKiB: 10_241 }), 'max_record_size_in_ki_b', 'Member must have value less than or equal to 10240')
    expect(await sizeOf(streamName)).toBe(1024)
  })

  it('checks the ARN and finds no unknown stream', async () => {
    await expectValidation(client().updateMaxRecordSize({ streamArn: 'arn:aws:kinesis:us-east-1:0:stream/x', maxRecordSizeInKiB: 2048 }), 'stream_arn', 'Member must satisfy regular expression pattern')
    await expectCode(client().updateMaxRecordSize({ streamArn: arnOf(uniqueName('absent')), maxRecordSizeInKiB: 2048 }), 'STREAM_NOT_FOUND')
  })

  it('refuses data over 10 MiB on any stream, as the field allows no more', async () => {
    const streamName = await newStream(10_240)
    const err = await expectCode(client().putRecord({ streamName, partitionKey: 'k', data: Buffer.alloc(10 * MIB + 1) }), 'VALIDATION_FAILED')
    expect(err.message).toMatch(/at 'data' failed to satisfy constraint: Member must have length less than or equal to 10485760/)
  })
})

describe('the largest record of a stream', () => {
  it('is 1,024 KiB by default, set by CreateStream or UpdateMaxRecordSize, and kept across a restart', async () => {
    const plain = await newStream()
    expect(await sizeOf(plain)).toBe(1024)
    const created = await newStream(2048)
    expect(await sizeOf(created)).toBe(2048)
    await client().updateMaxRecordSize({ streamArn: arnOf(plain), maxRecordSizeInKiB: 10_240 })
    expect(await sizeOf(plain)).toBe(10_240)
    await srv.restart()
    expect(await sizeOf(plain)).toBe(10_240)
    expect(await sizeOf(created)).toBe(2048)
  })

  it('bounds PutRecord to exactly that many bytes of data and partition key', async () => {
    const streamName = await newStream()
    await client().putRecord({ streamName, partitionKey: 'k', data: dataFor(MIB) })
    const over = await expectCode(client().putRecord({ streamName, partitionKey: 'k', data: dataFor(MIB + 1) }), 'VALIDATION_FAILED')
    expect(over.message).toMatch(/1048577 bytes/)
    // Data over the limit by itself is named as the field AWS names.
    const data = await expectCode(client().putRecord({ streamName, partitionKey: 'k', data: Buffer.alloc(MIB + 1) }), 'VALIDATION_FAILED')
    expect(data.message).toMatch(/at 'data' failed to satisfy constraint: Member must have length less than or equal to 1048576/)
    // The partition key counts, in UTF-8 bytes.
    const keyed = await expectCode(client().putRecord({ streamName, partitionKey: 'é', data: dataFor(MIB) }), 'VALIDATION_FAILED')
    expect(keyed.message).toMatch(/1048577 bytes \(data plus partition key\); a record of this stream may be at most 1048576 bytes/)
    await client().updateMaxRecordSize({ streamArn: arnOf(streamName), maxRecordSizeInKiB: 10_240 })
    await client().putRecord({ streamName, partitionKey: 'k', data: dataFor(10 * MIB, 9) })
    await expectCode(client().putRecord({ streamName, partitionKey: 'kk', data: dataFor(10 * MIB) }), 'VALIDATION_FAILED')
    const stored = await readShard(streamName)
    expect(stored.map((r) => r.data.byteLength)).toEqual([MIB - 1, 10 * MIB - 1])
    expect(stored[1]!.data.equals(dataFor(10 * MIB, 9))).toBe(true)
  })

  it('applies at once when lowered, and records stored before stay readable', async () => {
    const streamName = await newStream(4096)
    await client().putRecord({ streamName, partitionKey: 'k', data: dataFor(3 * MIB) })
    await client().updateMaxRecordSize({ streamArn: arnOf(streamName), maxRecordSizeInKiB: 1024 })
    await expectCode(client().putRecord({ streamName, partitionKey: 'k', data: dataFor(2 * MIB) }), 'VALIDATION_FAILED')
    expect((await readShard(streamName)).map((r) => r.data.byteLength)).toEqual([3 * MIB - 1])
  })

  it('lets PutRecords carry 10 MiB in one call, each record within the stream\'s size', async () => {
    const streamName = await newStream(6144)
    const two = [{ partitionKey: 'a', data: Buffer.alloc(5 * MIB - 1, 1) }, { partitionKey: 'b', data: Buffer.alloc(5 * MIB - 1, 2) }]
    expect((await client().putRecords({ streamName, records: two })).failedRecordCount).toBe(0)
    const err = await expectCode(client().putRecords({ streamName, records: [{ partitionKey: 'a', data: 'x' }, { partitionKey: 'k', data: dataFor(6 * MIB + 1) }] }), 'VALIDATION_FAILED')
    expect(err.message).toMatch(/records\[1\]/)
    expect((await readShard(streamName)).map((r) => r.data[0])).toEqual([1, 2])
  })

  it('fills GetRecords pages up to 10 MiB, and a page always holds at least one record', async () => {
    const streamName = await newStream(10_240)
    for (const bytes of [4 * MIB, 4 * MIB, 4 * MIB, 10 * MIB, 1 * KIB]) await client().putRecord({ streamName, partitionKey: 'k', data: dataFor(bytes) })
    let { shardIterator } = await client().getShardIterator({ streamName, shardId: SHARD0, shardIteratorType: 'TRIM_HORIZON' })
    const pages: number[][] = []
    for (let i = 0; i < 4; i++) {
      const page = await client().getRecords({ shardIterator })
      pages.push(page.records.map((r) => (r.data.byteLength + 1) / KIB))
      shardIterator = page.nextShardIterator!
    }
    // 4 + 4 fit 10 MiB and a third would not; a 10 MiB record (with its key, just over) comes alone.
    expect(pages).toEqual([[4096, 4096], [4096], [10_240], [1]])
  })

  it('is pushed whole by SubscribeToShard', async () => {
    const streamName = await newStream(8192)
    const { consumer } = await client().registerStreamConsumer({ streamArn: arnOf(streamName), consumerName: 'c' })
    await client().putRecord({ streamName, partitionKey: 'k', data: dataFor(7 * MIB, 3) })
    await client().putRecord({ streamName, partitionKey: 'k', data: 'small' })
    const sizes: number[] = []
    for await (const event of client().subscribeToShard({ consumerArn: consumer.consumerArn, shardId: SHARD0, startingPosition: { type: 'TRIM_HORIZON' } })) {
      sizes.push(...event.records.map((r) => r.data.byteLength))
      if (sizes.length >= 2) break
    }
    expect(sizes).toEqual([7 * MIB - 1, 5])
  })
})

describe('a large record\'s write burst (limits on)', () => {
  const clock = new ManualClock()
  let limited: TestServer

  beforeAll(async () => {
    limited = await startServer({ clock: clock.now })
  })

  afterAll(async () => {
    await limited?.close()
  })

  it('admits a record over 1 MiB while the shard has room, then takes no writes until it is paid back at 1 MiB/s', async () => {
    const streamName = uniqueName('burst')
    await limited.client.createStream({ streamName, shardCount: 1, maxRecordSizeInKiB: 4096 })
    await limited.client.putRecord({ streamName, partitionKey: 'k', data: Buffer.alloc(512 * KIB) })
    await limited.client.putRecord({ streamName, partitionKey: 'k', data: dataFor(3 * MIB) })
    const refused = await expectCode(limited.client.putRecord({ streamName, partitionKey: 'k', data: 'small' }), 'THROUGHPUT_EXCEEDED')
    expect(refused.retriable).toBe(true)
    clock.advance(2999)
    await expectCode(limited.client.putRecord({ streamName, partitionKey: 'k', data: 'small' }), 'THROUGHPUT_EXCEEDED')
    clock.advance(1)
    await limited.client.putRecord({ streamName, partitionKey: 'k', data: 'small' })
    // A full trailing second leaves no room for a large record either.
    clock.advance(1000)
    await limited.client.putRecord({ streamName, partitionKey: 'k', data: Buffer.alloc(MIB - 1) })
    await expectCode(limited.client.putRecord({ streamName, partitionKey: 'k', data: dataFor(2 * MIB) }), 'THROUGHPUT_EXCEEDED')
    clock.advance(1000)
    await limited.client.putRecord({ streamName, partitionKey: 'k', data: dataFor(2 * MIB) })
  })
})

describe.each(SDK_TARGETS)('the largest record size through the AWS SDK over %s', (target) => {
  let kinesis: KinesisClient
  beforeAll(() => { kinesis = sdkClient(srv.current.server.httpPort, target) })
  afterAll(() => kinesis.destroy())

  it('creates and updates a stream\'s size, and moves a 10 MiB record through PutRecord and GetRecords', async () => {
    const streamName = uniqueName(`sdk-${target}`)
    await kinesis.send(new CreateStreamCommand({ StreamName: streamName, ShardCount: 1, MaxRecordSizeInKiB: 2048 }))
    const described = await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: streamName }))
    expect(described.StreamDescriptionSummary?.MaxRecordSizeInKiB).toBe(2048)
    await expectAwsError(kinesis.send(new PutRecordCommand({ StreamName: streamName, PartitionKey: 'k', Data: dataFor(2 * MIB + 1) })), 'ValidationException')
    await kinesis.send(new UpdateMaxRecordSizeCommand({ StreamARN: arnOf(streamName), MaxRecordSizeInKiB: 10_240 }))
    expect((await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: streamName }))).StreamDescriptionSummary?.MaxRecordSizeInKiB).toBe(10_240)
    const big = dataFor(10 * MIB, 5)
    await kinesis.send(new PutRecordCommand({ StreamName: streamName, PartitionKey: 'k', Data: big }))
    const batch = await kinesis.send(new PutRecordsCommand({ StreamName: streamName, Records: [{ PartitionKey: 'a', Data: Buffer.alloc(5 * MIB - 1, 1) }, { PartitionKey: 'b', Data: Buffer.alloc(5 * MIB - 1, 2) }] }))
    expect(batch.FailedRecordCount).toBe(0)
    let { ShardIterator } = await kinesis.send(new GetShardIteratorCommand({ StreamName: streamName, ShardId: SHARD0, ShardIteratorType: 'TRIM_HORIZON' }))
    const first = await kinesis.send(new GetRecordsCommand({ ShardIterator }))
    expect(first.Records).toHaveLength(1)
    expect(Buffer.from(first.Records![0]!.Data!).equals(big)).toBe(true)
    ShardIterator = first.NextShardIterator
    const second = await kinesis.send(new GetRecordsCommand({ ShardIterator }))
    expect(second.Records?.map((r) => r.Data!.byteLength)).toEqual([5 * MIB - 1, 5 * MIB - 1])
  })

  it('answers AWS\'s errors by their AWS names', async () => {
    const streamName = uniqueName(`sdk-${target}`)
    await kinesis.send(new CreateStreamCommand({ StreamName: streamName, ShardCount: 1 }))
    await expectAwsError(kinesis.send(new UpdateMaxRecordSizeCommand({ StreamARN: arnOf(streamName), MaxRecordSizeInKiB: 512 })), 'ValidationException', /at 'maxRecordSizeInKiB' failed to satisfy constraint: Member must have value greater than or equal to 1024/)
    await expectAwsError(kinesis.send(new UpdateMaxRecordSizeCommand({ StreamARN: undefined, MaxRecordSizeInKiB: 2048 })), 'ValidationException', /at 'streamARN' failed to satisfy constraint: Member must not be null/)
    await expectAwsError(kinesis.send(new UpdateMaxRecordSizeCommand({ StreamARN: arnOf(uniqueName('absent')), MaxRecordSizeInKiB: 2048 })), 'ResourceNotFoundException')
    await expectAwsError(kinesis.send(new CreateStreamCommand({ StreamName: uniqueName('c'), ShardCount: 1, MaxRecordSizeInKiB: 20_000 })), 'ValidationException', /maxRecordSizeInKiB/)
  })
})
