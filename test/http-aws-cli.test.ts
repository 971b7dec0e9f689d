/**
 * The AWS CLI and boto3, unchanged, against the HTTP API (HTTP/1.1). Each part is skipped,
 * with the reason printed, where its tool is not installed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { awsFailure, awsJson, defaultBoto3, defaultCli, runPython } from './helpers/aws-tools.js'
import { startServer, uniqueName, type TestServer } from './helpers/server.js'

const cliVersion = (await defaultCli()).version
const hasBoto3 = (await defaultBoto3()).version !== undefined

let ts: TestServer
let endpoint: string

beforeAll(async () => {
  ts = await startServer({ limits: 'off' })
  endpoint = `http://127.0.0.1:${ts.server.httpPort}`
})

afterAll(async () => {
  await ts.close()
})

describe.skipIf(cliVersion === undefined)(`AWS CLI (${cliVersion ?? 'absent'})`, () => {
  const aws = (...args: string[]): Promise<Record<string, unknown>> => awsJson('aws', endpoint, 'kinesis', ...args)

  it('creates a stream, puts a record, and reads it back', async () => {
    const name = uniqueName('cli')
    await aws('create-stream', '--stream-name', name, '--shard-count', '1')
    // CLI v2 reads --data as base64 unless told otherwise; CLI v1 has no such flag and
    // always sends the text itself.
    const binaryFormat = /^aws-cli\/1\./.test(cliVersion!) ? [] : ['--cli-binary-format', 'raw-in-base64-out']
    const put = await aws('put-record', '--stream-name', name, '--partition-key', 'user1', '--data', 'user signup', ...binaryFormat)
    expect(put.ShardId).toBe('shardId-000000000000')
    const described = await aws('describe-stream', '--stream-name', name) as { StreamDescription: { StreamStatus: string, Shards: Array<{ ShardId: string }> } }
    expect(described.StreamDescription.StreamStatus).toBe('ACTIVE')
    const shardId = described.StreamDescription.Shards[0]!.ShardId
    const { ShardIterator } = await aws('get-shard-iterator', '--stream-name', name, '--shard-id', shardId, '--shard-iterator-type', 'TRIM_HORIZON') as { ShardIterator: string }
    const got = await aws('get-records', '--shard-iterator', ShardIterator) as { Records: Array<{ Data: string, PartitionKey: string, SequenceNumber: string }> }
    expect(got.Records).toHaveLength(1)
    expect(got.Records[0]!.SequenceNumber).toBe(put.SequenceNumber)
    expect(got.Records[0]!.PartitionKey).toBe('user1')
    // The CLI prints blobs as base64.
    expect(Buffer.from(got.Records[0]!.Data, 'base64').toString()).toBe('user signup')
  })

  it('runs the encryption, monitoring, policy, tag, account and record-size commands', async () => {
    const name = uniqueName('cli-new')
    const arn = `arn:aws:kinesis:us-east-1:000000000000:stream/${name}`
    await aws('create-stream', '--stream-name', name, '--shard-count', '1', '--max-record-size-in-ki-b', '2048')
    await aws('start-stream-encryption', '--stream-name', name, '--encryption-type', 'KMS', '--key-id', 'alias/aws/kinesis')
    const monitored = await aws('enable-enhanced-monitoring', '--stream-name', name, '--shard-level-metrics', 'IncomingBytes', 'OutgoingBytes') as { DesiredShardLevelMetrics: string[] }
    expect(monitored.DesiredShardLevelMetrics).toEqual(['IncomingBytes', 'OutgoingBytes'])
    const disabled = await aws('disable-enhanced-monitoring', '--stream-arn', arn, '--shard-level-metrics', 'ALL') as { CurrentShardLevelMetrics: string[], DesiredShardLevelMetrics: string[] }
    expect([disabled.CurrentShardLevelMetrics, disabled.DesiredShardLevelMetrics]).toEqual([['IncomingBytes', 'OutgoingBytes'], []])
    const policy = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: '111122223333' }, Action: 'kinesis:GetRecords', Resource: arn }] })
    await aws('put-resource-policy', '--resource-arn', arn, '--policy', policy)
    expect((await aws('get-resource-policy', '--resource-arn', arn)).Policy).toBe(policy)
    await aws('delete-resource-policy', '--resource-arn', arn)
    expect((await aws('get-resource-policy', '--resource-arn', arn)).Policy).toBe('{}')
    await aws('tag-resource', '--resource-arn', arn, '--tags', 'team=data,env=dev')
    await aws('untag-resource', '--resource-arn', arn, '--tag-keys', 'env')
    expect((await aws('list-tags-for-resource', '--resource-arn', arn)).Tags).toEqual([{ Key: 'team', Value: 'data' }])
    await aws('update-max-record-size', '--stream-arn', arn, '--max-record-size-in-ki-b', '5000')
    const summary = (await aws('describe-stream-summary', '--stream-name', name)).StreamDescriptionSummary as Record<string, unknown>
    expect([summary.EncryptionType, summary.KeyId, summary.MaxRecordSizeInKiB]).toEqual(['KMS', 'alias/aws/kinesis', 5000])
    await aws('stop-stream-encryption', '--stream-name', name, '--encryption-type', 'KMS', '--key-id', 'alias/aws/kinesis')
    expect(((await aws('describe-stream', '--stream-name', name)).StreamDescription as Record<string, unknown>).EncryptionType).toBe('NONE')
    const settings = await aws('update-account-settings', '--minimum-throughput-billing-commitment', 'Status=ENABLED') as { MinimumThroughputBillingCommitment: { Status: string, StartedAt: number, EarliestAllowedEndAt: number } }
    expect(settings.MinimumThroughputBillingCommitment.Status).toBe('ENABLED')
    // The CLI prints timestamps as epoch seconds.
    expect(settings.MinimumThroughputBillingCommitment.EarliestAllowedEndAt - settings.MinimumThroughputBillingCommitment.StartedAt).toBeCloseTo(86_400, 3)
    expect((await aws('describe-account-settings')).MinimumThroughputBillingCommitment).toEqual(settings.MinimumThroughputBillingCommitment)
  })

  it('prints AWS errors by their AWS names', async () => {
    const failed = await awsFailure('aws', endpoint, 'kinesis', 'describe-stream', '--stream-name', uniqueName('absent'))
    expect(failed?.stderr).toMatch(/ResourceNotFoundException/)
  })
})

const BOTO3_SCRIPT = `
import base64, json, sys, boto3
k = boto3.client('kinesis', endpoint_url=sys.argv[1])
name = sys.argv[2]
k.create_stream(StreamName=name, ShardCount=2)
put = k.put_records(StreamName=name, Records=[{'Data': b'boto ' + bytes([i]), 'PartitionKey': 'p%d' % i} for i in range(10)])
out = {'failed': put['FailedRecordCount'], 'records': []}
for shard in k.list_shards(StreamName=name)['Shards']:
    it = k.get_shard_iterator(StreamName=name, ShardId=shard['ShardId'], ShardIteratorType='TRIM_HORIZON')['ShardIterator']
    for r in k.get_records(ShardIterator=it)['Records']:
        out['records'].append({'data': base64.b64encode(r['Data']).decode(), 'key': r['PartitionKey'], 'ts': r['ApproximateArrivalTimestamp'].timestamp()})
print(json.dumps(out))
`

describe.skipIf(!hasBoto3)('boto3', () => {
  it('puts records and reads every shard back', async () => {
    const out = JSON.parse(await runPython('python3', ['-c', BOTO3_SCRIPT], [endpoint, uniqueName('boto')])) as { failed: number, records: Array<{ data: string, key: string, ts: number }> }
    expect(out.failed).toBe(0)
    const got = out.records.map((r) => [r.key, Buffer.from(r.data, 'base64')] as const).sort(([a], [b]) => a.localeCompare(b))
    expect(got.map(([key]) => key)).toEqual(Array.from({ length: 10 }, (_, i) => `p${i}`).sort())
    for (const [key, data] of got) expect([...data]).toEqual([...Buffer.from('boto '), Number(key.slice(1))])
    for (const r of out.records) expect(Math.abs(r.ts * 1000 - Date.now())).toBeLessThan(60_000)
  })
})

const BOTO3_FANOUT_SCRIPT = `
import json, sys, boto3
k = boto3.client('kinesis', endpoint_url=sys.argv[1])
name = sys.argv[2]
out = {}
k.create_stream(StreamName=name, ShardCount=3)
k.get_waiter('stream_exists').wait(StreamName=name, WaiterConfig={'Delay': 1, 'MaxAttempts': 10})
pages = list(k.get_paginator('describe_stream').paginate(StreamName=name, PaginationConfig={'PageSize': 1}))
out['described'] = [s['ShardId'] for p in pages for s in p['StreamDescription']['Shards']]
listed = k.list_shards(StreamName=name, MaxResults=2)
more = k.list_shards(NextToken=listed['NextToken'])
out['listed'] = [s['ShardId'] for s in listed['Shards'] + more['Shards']]
arn = k.describe_stream_summary(StreamName=name)['StreamDescriptionSummary']['StreamARN']
consumer = k.register_stream_consumer(StreamARN=arn, ConsumerName='boto')['Consumer']['ConsumerARN']
k.put_record(StreamName=name, Data=b'\\x00fan-out', PartitionKey='p', ExplicitHashKey='0')
k.split_shard(StreamName=name, ShardToSplit='shardId-000000000000', NewStartingHashKey='1000')
events = []
for event in k.subscribe_to_shard(ConsumerARN=consumer, ShardId='shardId-000000000000', StartingPosition={'Type': 'TRIM_HORIZON'})['EventStream']:
    e = event['SubscribeToShardEvent']
    events.append({'data': [r['Data'].hex() for r in e['Records']], 'continuation': e.get('ContinuationSequenceNumber'), 'children': [c['ShardId'] for c in e.get('ChildShards', [])]})
out['events'] = events
k.delete_stream(StreamName=name, EnforceConsumerDeletion=True)
k.get_waiter('stream_not_exists').wait(StreamName=name, WaiterConfig={'Delay': 1, 'MaxAttempts': 10})
out['deleted'] = True
print(json.dumps(out))
`

describe.skipIf(!hasBoto3)('boto3 beyond put and get', () => {
  it('waits with waiters, pages, and follows a subscription to the end of a split shard', async () => {
    const out = JSON.parse(await runPython('python3', ['-c', BOTO3_FANOUT_SCRIPT], [endpoint, uniqueName('boto-fan')])) as { described: string[], listed: string[], events: Array<{ data: string[], continuation: string | null, children: string[] }>, deleted: boolean }
    const shards = ['shardId-000000000000', 'shardId-000000000001', 'shardId-000000000002']
    expect(out.described).toEqual(shards)
    expect(out.listed).toEqual(shards)
    expect(out.events.flatMap((e) => e.data)).toEqual([Buffer.from('\0fan-out').toString('hex')])
    const last = out.events[out.events.length - 1]!
    expect(last.children).toEqual(['shardId-000000000003', 'shardId-000000000004'])
    expect(last.continuation).toBeNull()
    for (const e of out.events.slice(0, -1)) expect(e.continuation).toMatch(/^\d{56}$/)
    expect(out.deleted).toBe(true)
  })
})
