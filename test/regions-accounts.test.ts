/**
 * Resources live per account and region, as in AWS: two regions (or accounts) hold
 * streams of the same name, each with its own records, consumers and lease tables, and
 * ARNs carry the scope. The region comes from the SigV4 credential scope over HTTP and
 * from metadata over gRPC; the account from the key file, a 12-digit access key id, or
 * --account-id.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CreateStreamCommand, DescribeStreamSummaryCommand, GetRecordsCommand, GetShardIteratorCommand, ListStreamsCommand, PutRecordCommand } from '@aws-sdk/client-kinesis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { LeaseClient, StreamClient } from '../client/index.js'
import { LevelStore } from '../src/storage/level-store.js'
import { expectAwsError, sdkClient, TEST_CREDENTIALS } from './helpers/aws-sdk.js'
import { expectCode, startServer, uniqueName, type TestServer } from './helpers/server.js'

const text = (data: Uint8Array | undefined): string => Buffer.from(data ?? new Uint8Array()).toString('utf8')

describe('over gRPC, the region and account come from metadata', () => {
  let server: TestServer
  let east: StreamClient
  let west: StreamClient
  let other: StreamClient
  beforeAll(async () => {
    server = await startServer({ region: 'us-east-1', accountId: '000000000000' })
    east = new StreamClient({ endpoint: server.endpoint, region: 'us-east-1' })
    west = new StreamClient({ endpoint: server.endpoint, region: 'eu-west-1' })
    other = new StreamClient({ endpoint: server.endpoint, accountId: '111122223333' })
  })
  afterAll(async () => {
    east.close()
    west.close()
    other.close()
    await server.close()
  })

  it('keeps same-named streams of two regions apart, each with its own records', async () => {
    const streamName = uniqueName('twin')
    await east.createStream({ streamName, shardCount: 1 })
    await west.createStream({ streamName, shardCount: 2 })
    await east.putRecord({ streamName, partitionKey: 'k', data: 'from the east' })
    await west.putRecord({ streamName, partitionKey: 'k', data: 'from the west' })

    const eastDesc = await east.describeStreamSummary({ streamName })
    const westDesc = await west.describeStreamSummary({ streamName })
    expect(eastDesc.streamDescriptionSummary.openShardCount).toBe(1)
    expect(westDesc.streamDescriptionSummary.openShardCount).toBe(2)
    expect(eastDesc.streamDescriptionSummary.streamArn).toBe(`arn:aws:kinesis:us-east-1:000000000000:stream/${streamName}`)
    expect(westDesc.streamDescriptionSummary.streamArn).toBe(`arn:aws:kinesis:eu-west-1:000000000000:stream/${streamName}`)

    for (const [client, expected] of [[east, 'from the east'], [west, 'from the west']] as const) {
      const { shards } = await client.listShards({ streamName })
      const seen: string[] = []
      for (const shard of shards) {
        const { shardIterator } = await client.getShardIterator({ streamName, shardId: shard.shardId, shardIteratorType: 'TRIM_HORIZON' })
        const { records } = await client.getRecords({ shardIterator: shardIterator! })
        seen.push(...records.map((r) => text(r.data)))
      }
      expect(seen).toEqual([expected])
    }
  })

  it('lists only the caller\'s region, and the server default is the region of a client that names none', async () => {
    const streamName = uniqueName('only-west')
    await west.createStream({ streamName, shardCount: 1 })
    const unscoped = new StreamClient({ endpoint: server.endpoint })
    try {
      expect((await west.listStreams({})).streamNames).toContain(streamName)
      expect((await east.listStreams({})).streamNames).not.toContain(streamName)
      expect((await unscoped.listStreams({})).streamNames).not.toContain(streamName)
      await expectCode(east.describeStream({ streamName }), 'STREAM_NOT_FOUND')
    } finally {
      unscoped.close()
    }
  })

  it('answers an ARN of another region with STREAM_NOT_FOUND, and another account\'s stream by its ARN with RESOURCE_ACCESS_DENIED', async () => {
    const streamName = uniqueName('by-arn')
    await west.createStream({ streamName, shardCount: 1 })
    const westArn = `arn:aws:kinesis:eu-west-1:000000000000:stream/${streamName}`
    const err = await expectCode(east.describeStreamSummary({ streamArn: westArn }), 'STREAM_NOT_FOUND')
    expect(err.message).toMatch(/region eu-west-1.*region us-east-1/)
    expect((await west.describeStreamSummary({ streamArn: westArn })).streamDescriptionSummary.streamName).toBe(streamName)

    await other.createStream({ streamName, shardCount: 1 })
    const otherArn = `arn:aws:kinesis:us-east-1:111122223333:stream/${streamName}`
    expect((await other.describeStreamSummary({ streamName })).streamDescriptionSummary.streamArn).toBe(otherArn)
    // The ARN names the account, but without a resource policy allowing it, a caller of
    // another account is refused, as AWS refuses it; by name alone, the caller's own
    // account is searched.
    const denied = await expectCode(east.describeStreamSummary({ streamArn: otherArn }), 'RESOURCE_ACCESS_DENIED')
    expect(denied.awsType).toBe('AccessDeniedException')
    expect(denied.message).toBe(`User: arn:aws:iam::000000000000:root is not authorized to perform: kinesis:DescribeStreamSummary on resource: ${otherArn} because no resource-based policy allows the kinesis:DescribeStreamSummary action`)
    await expectCode(east.describeStreamSummary({ streamName }), 'STREAM_NOT_FOUND')
    // A stream of another account that does not exist is not found, as one of the caller's own.
    await expectCode(east.describeStreamSummary({ streamArn: `arn:aws:kinesis:us-east-1:111122223333:stream/${uniqueName('none')}` }), 'STREAM_NOT_FOUND')
  })

  describe('another account\'s stream, shared by its resource policy', () => {
    const policy = (statements: unknown[]): string => JSON.stringify({ Version: '2012-10-17', Statement: statements })
    const allow = (principal: string, action: string | string[], resource: string): unknown => ({ Effect: 'Allow', Principal: { AWS: principal }, Action: action, Resource: resource })

    async function sharedStream (): Promise<{ streamName: string, streamArn: string }> {
      const streamName = uniqueName('shared')
      await other.createStream({ streamName, shardCount: 1 })
      return { streamName, streamArn: `arn:aws:kinesis:us-east-1:111122223333:stream/${streamName}` }
    }

    it('serves exactly the actions the policy allows the caller\'s account, and nothing once it is deleted', async () => {
      const { streamArn } = await sharedStream()
      await other.putRecord({ streamArn, partitionKey: 'k', data: 'shared' })
      await other.putResourcePolicy({
        resourceArn: streamArn,
        policy: policy([allow('arn:aws:iam::000000000000:root', ['kinesis:DescribeStreamSummary', 'kinesis:Get*', 'kinesis:ListShards'], streamArn)])
      })
      expect((await east.describeStreamSummary({ streamArn })).streamDescriptionSummary.streamArn).toBe(streamArn)
      const { shardIterator } = await east.getShardIterator({ streamArn, shardId: 'shardId-000000000000', shardIteratorType: 'TRIM_HORIZON' })
      expect((await east.getRecords({ shardIterator: shardIterator!, streamArn })).records.map((r) => text(r.data))).toEqual(['shared'])
      // Not allowed: writing, and another account than the one the policy names.
      const write = await expectCode(east.putRecord({ streamArn, partitionKey: 'k', data: 'x' }), 'RESOURCE_ACCESS_DENIED')
      expect(write.message).toContain('kinesis:PutRecord on resource')
      const third = new StreamClient({ endpoint: server.endpoint, accountId: '444455556666' })
      try {
        await expectCode(third.describeStreamSummary({ streamArn }), 'RESOURCE_ACCESS_DENIED')
        // An iterator handed to another account reads only as the policy allows.
        await expectCode(third.getRecords({ shardIterator: shardIterator! }), 'RESOURCE_ACCESS_DENIED')
      } finally {
        third.close()
      }
      // The policy operations are the owner's alone, whatever the policy says.
      await expectCode(east.getResourcePolicy({ resourceArn: streamArn }), 'RESOURCE_ACCESS_DENIED')
      await other.deleteResourcePolicy({ resourceArn: streamArn })
      await expectCode(east.describeStreamSummary({ streamArn }), 'RESOURCE_ACCESS_DENIED')
      await expectCode(east.getRecords({ shardIterator: shardIterator! }), 'RESOURCE_ACCESS_DENIED')
    })

    it('lets an explicit Deny win, matches a bare account id and wildcards, and ignores statements with a Condition', async () => {
      const { streamArn } = await sharedStream()
      await other.putResourcePolicy({
        resourceArn: streamArn,
        policy: policy([
          allow('000000000000', 'kinesis:*', 'arn:aws:kinesis:us-east-1:111122223333:stream/shared-*'),
          { Effect: 'Deny', Principal: { AWS: '*' }, Action: 'kinesis:PutRecords', Resource: streamArn },
          { ...(allow('*', 'kinesis:ListShards', streamArn) as object), Condition: { StringEquals: { 'aws:SourceVpc': 'vpc-1' } } }
        ])
      })
      expect((await east.putRecord({ streamArn, partitionKey: 'k', data: 'allowed' })).shardId).toBe('shardId-000000000000')
      const denied = await expectCode(east.putRecords({ streamArn, records: [{ partitionKey: 'k', data: 'x' }] }), 'RESOURCE_ACCESS_DENIED')
      expect(denied.message).toContain('with an explicit deny in a resource-based policy')
      const third = new StreamClient({ endpoint: server.endpoint, accountId: '444455556666' })
      try {
        await expectCode(third.listShards({ streamArn }), 'RESOURCE_ACCESS_DENIED')
      } finally {
        third.close()
      }
    })

    it('checks a consumer ARN against the consumer\'s own policy', async () => {
      const { streamArn } = await sharedStream()
      const { consumer } = await other.registerStreamConsumer({ streamArn, consumerName: 'shared-app' })
      await expectCode(east.describeStreamConsumer({ consumerArn: consumer.consumerArn }), 'RESOURCE_ACCESS_DENIED')
      // The stream's policy does not cover the consumer; the consumer's does.
      await other.putResourcePolicy({ resourceArn: streamArn, policy: policy([allow('000000000000', 'kinesis:*', '*')]) })
      await expectCode(east.describeStreamConsumer({ consumerArn: consumer.consumerArn }), 'RESOURCE_ACCESS_DENIED')
      await other.putResourcePolicy({ resourceArn: consumer.consumerArn, policy: policy([allow('000000000000', 'kinesis:DescribeStreamConsumer', consumer.consumerArn)]) })
      expect((await east.describeStreamConsumer({ consumerArn: consumer.consumerArn })).consumerDescription.consumerName).toBe('shared-app')
    })

    it('refuses an iterator of another region\'s stream as invalid', async () => {
      const streamName = uniqueName('regional')
      await west.createStream({ streamName, shardCount: 1 })
      const { shardIterator } = await west.getShardIterator({ streamName, shardId: 'shardId-000000000000', shardIteratorType: 'TRIM_HORIZON' })
      await expectCode(east.getRecords({ shardIterator: shardIterator! }), 'INVALID_ITERATOR')
    })
  })

  it('gives consumers the ARN of their stream\'s region and account', async () => {
    const streamName = uniqueName('fanout')
    await other.createStream({ streamName, shardCount: 1 })
    const streamArn = `arn:aws:kinesis:us-east-1:111122223333:stream/${streamName}`
    const { consumer } = await other.registerStreamConsumer({ streamArn, consumerName: 'app' })
    expect(consumer.consumerArn.startsWith(`${streamArn}/consumer/app:`)).toBe(true)
    expect((await other.describeStreamConsumer({ consumerArn: consumer.consumerArn })).consumerDescription.consumerName).toBe('app')
    await expectCode(west.describeStreamConsumer({ consumerArn: consumer.consumerArn }), 'CONSUMER_NOT_FOUND')
  })

  it('keeps the lease tables of two regions apart', async () => {
    const eastLeases = new LeaseClient({ endpoint: server.endpoint, region: 'us-east-1' })
    const westLeases = new LeaseClient({ endpoint: server.endpoint, region: 'eu-west-1' })
    try {
      const leaseTable = uniqueName('app')
      await eastLeases.createLeaseIfAbsent({ leaseTable, leaseKey: 'shardId-000000000000', checkpoint: '42' })
      expect((await eastLeases.listLeases({ leaseTable })).leases.map((l) => l.checkpoint)).toEqual(['42'])
      expect((await westLeases.listLeases({ leaseTable })).leases).toEqual([])
      const { created } = await westLeases.createLeaseIfAbsent({ leaseTable, leaseKey: 'shardId-000000000000' })
      expect(created).toBe(true)
    } finally {
      eastLeases.close()
      westLeases.close()
    }
  })

  it('refuses a malformed region or account in the metadata, creating nothing', async () => {
    const streamName = uniqueName('bad-scope')
    for (const options of [{ region: 'US_EAST' }, { accountId: '12345' }]) {
      const bad = new StreamClient({ endpoint: server.endpoint, ...options })
      try {
        const err = await expectCode(bad.createStream({ streamName, shardCount: 1 }), 'VALIDATION_FAILED')
        expect(err.message).toMatch(options.region !== undefined ? /region 'US_EAST'.*us-east-1/ : /account id '12345'.*12 digits/)
      } finally {
        bad.close()
      }
    }
    await expectCode(east.describeStream({ streamName }), 'STREAM_NOT_FOUND')
  })
})

describe('over HTTP, the region is the SigV4 credential scope\'s', () => {
  let server: TestServer
  beforeAll(async () => {
    server = await startServer({ accountId: '000000000000' })
  })
  afterAll(async () => {
    await server.close()
  })

  it('serves same-named streams in two regions to the AWS SDK, one per signing region', async () => {
    const east = sdkClient(server.server.httpPort, 'http1', { region: 'us-east-1' })
    const west = sdkClient(server.server.httpPort, 'http1', { region: 'ap-southeast-2' })
    try {
      const StreamName = uniqueName('sdk-twin')
      await east.send(new CreateStreamCommand({ StreamName, ShardCount: 1 }))
      await west.send(new CreateStreamCommand({ StreamName, ShardCount: 3 }))
      const westSummary = (await west.send(new DescribeStreamSummaryCommand({ StreamName }))).StreamDescriptionSummary!
      expect(westSummary.OpenShardCount).toBe(3)
      expect(westSummary.StreamARN).toBe(`arn:aws:kinesis:ap-southeast-2:000000000000:stream/${StreamName}`)
      const { ShardId } = await west.send(new PutRecordCommand({ StreamName, PartitionKey: 'p', Data: Buffer.from('west only') }))
      const { ShardIterator } = await west.send(new GetShardIteratorCommand({ StreamName, ShardId, ShardIteratorType: 'TRIM_HORIZON' }))
      const { Records } = await west.send(new GetRecordsCommand({ ShardIterator }))
      expect(Records?.map((r) => text(r.Data))).toEqual(['west only'])
      // The same stream name in the east has its one shard and no records.
      const eastSummary = (await east.send(new DescribeStreamSummaryCommand({ StreamName }))).StreamDescriptionSummary!
      expect(eastSummary.OpenShardCount).toBe(1)
      const eastIterator = (await east.send(new GetShardIteratorCommand({ StreamName, ShardId: 'shardId-000000000000', ShardIteratorType: 'TRIM_HORIZON' }))).ShardIterator
      expect((await east.send(new GetRecordsCommand({ ShardIterator: eastIterator }))).Records).toEqual([])
      // An iterator of the west stream is no iterator of the east endpoint: it reads nothing there.
      await expectAwsError(east.send(new GetRecordsCommand({ ShardIterator })), 'InvalidArgumentException', /Invalid ShardIterator/)
      expect((await east.send(new ListStreamsCommand({}))).StreamNames).toContain(StreamName)
    } finally {
      east.destroy()
      west.destroy()
    }
  })

  it('takes a 12-digit access key id as the account, as LocalStack does', async () => {
    const client = sdkClient(server.server.httpPort, 'http1', { credentials: { accessKeyId: '444455556666', secretAccessKey: 'x' } })
    try {
      const StreamName = uniqueName('by-key')
      await client.send(new CreateStreamCommand({ StreamName, ShardCount: 1 }))
      const summary = (await client.send(new DescribeStreamSummaryCommand({ StreamName }))).StreamDescriptionSummary!
      expect(summary.StreamARN).toBe(`arn:aws:kinesis:us-east-1:444455556666:stream/${StreamName}`)
      const plain = sdkClient(server.server.httpPort, 'http1')
      try {
        await expectAwsError(plain.send(new DescribeStreamSummaryCommand({ StreamName })), 'ResourceNotFoundException', /account 000000000000/)
        // By ARN, the other account's stream is refused as AWS refuses it: 400, AccessDeniedException.
        const denied = await expectAwsError(plain.send(new DescribeStreamSummaryCommand({ StreamARN: summary.StreamARN })), 'AccessDeniedException', /not authorized to perform: kinesis:DescribeStreamSummary/)
        expect(denied.$metadata?.httpStatusCode).toBe(400)
      } finally {
        plain.destroy()
      }
    } finally {
      client.destroy()
    }
  })
})

it('with --auth, takes each access key\'s account from the key file', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'shardline-keys-'))
  const keyFile = join(dir, 'keys.json')
  await writeFile(keyFile, JSON.stringify({
    [TEST_CREDENTIALS.accessKeyId]: { secretAccessKey: TEST_CREDENTIALS.secretAccessKey, accountId: '777788889999' },
    AKIDPLAIN: 'plain-secret'
  }))
  const server = await startServer({ auth: keyFile })
  const mapped = sdkClient(server.server.httpPort, 'http1')
  const plain = sdkClient(server.server.httpPort, 'http1', { credentials: { accessKeyId: 'AKIDPLAIN', secretAccessKey: 'plain-secret' } })
  try {
    const StreamName = uniqueName('keyed')
    await mapped.send(new CreateStreamCommand({ StreamName, ShardCount: 1 }))
    expect((await mapped.send(new DescribeStreamSummaryCommand({ StreamName }))).StreamDescriptionSummary!.StreamARN)
      .toBe(`arn:aws:kinesis:us-east-1:777788889999:stream/${StreamName}`)
    await expectAwsError(plain.send(new DescribeStreamSummaryCommand({ StreamName })), 'ResourceNotFoundException', /account 000000000000/)
  } finally {
    mapped.destroy()
    plain.destroy()
    await server.close()
    await rm(dir, { recursive: true, force: true })
  }
})

it('moves the streams and lease tables of a data directory from before scopes into the default account and region', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'shardline-legacy-'))
  try {
    const streamName = uniqueName('legacy')
    const leaseTable = uniqueName('legacy-app')
    const first = await startServer({ dataDir })
    const leases = new LeaseClient({ endpoint: first.endpoint })
    await first.client.createStream({ streamName, shardCount: 1 })
    await first.client.putRecord({ streamName, partitionKey: 'k', data: 'kept' })
    await leases.createLeaseIfAbsent({ leaseTable, leaseKey: 'shardId-000000000000', checkpoint: '7' })
    leases.close()
    await first.close()

    // Rewrite the directory into the layout of earlier versions: stream documents keyed by
    // name without a scope, lease tables under their bare names, no layout mark.
    const store = await LevelStore.open({ location: dataDir, memory: false, sync: false })
    const stored = await store.listDocuments<Record<string, unknown>>('stream/')
    expect(stored).toHaveLength(1)
    const [key, doc] = stored[0]!
    expect(key).toBe(`stream/000000000000/us-east-1/${streamName}`)
    const { accountId, region, ...legacyDoc } = doc
    expect([accountId, region]).toEqual(['000000000000', 'us-east-1'])
    await store.renameLeaseTables((table) => table.split(':')[2])
    const batch = store.batch()
    batch.deleteDocument(key)
    batch.putDocument(`stream/${streamName}`, legacyDoc)
    batch.deleteDocument('meta/lease-tables-scoped')
    await store.commit(batch)
    await store.close()

    // A server whose defaults are another region finds them there.
    const second = await startServer({ dataDir, region: 'eu-north-1' })
    const west = new StreamClient({ endpoint: second.endpoint, region: 'eu-north-1' })
    const westLeases = new LeaseClient({ endpoint: second.endpoint, region: 'eu-north-1' })
    try {
      const summary = (await west.describeStreamSummary({ streamName })).streamDescriptionSummary
      expect(summary.streamArn).toBe(`arn:aws:kinesis:eu-north-1:000000000000:stream/${streamName}`)
      const { shardIterator } = await west.getShardIterator({ streamName, shardId: 'shardId-000000000000', shardIteratorType: 'TRIM_HORIZON' })
      expect((await west.getRecords({ shardIterator: shardIterator! })).records.map((r) => text(r.data))).toEqual(['kept'])
      expect((await westLeases.listLeases({ leaseTable })).leases.map((l) => [l.leaseKey, l.checkpoint])).toEqual([['shardId-000000000000', '7']])
    } finally {
      west.close()
      westLeases.close()
      await second.close()
    }
    // Moved for good: the stored layout is the scoped one now.
    const after = await LevelStore.open({ location: dataDir, memory: false, sync: false })
    try {
      expect((await after.listDocuments('stream/')).map(([k]) => k)).toEqual([`stream/000000000000/eu-north-1/${streamName}`])
      expect(await after.listLeases(`000000000000:eu-north-1:${leaseTable}`)).toHaveLength(1)
    } finally {
      await after.close()
    }
  } finally {
    await rm(dataDir, { recursive: true, force: true })
  }
})
