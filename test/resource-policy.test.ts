/**
 * PutResourcePolicy, GetResourcePolicy and DeleteResourcePolicy on streams and consumers by
 * ARN: decoding, validation (the ARN pattern, a JSON policy), the empty policy of a
 * resource without one, deleting a missing policy, and persistence; over gRPC and the AWS
 * SDK v3.
 */
import { DeleteResourcePolicyCommand, GetResourcePolicyCommand, PutResourcePolicyCommand, type KinesisClient } from '@aws-sdk/client-kinesis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { StreamClient } from '../client/index.js'
import { expectAwsError, SDK_TARGETS, sdkClient } from './helpers/aws-sdk.js'
import { expectValidation, startRestartableServer, type RestartableServer } from './helpers/control-plane.js'
import { expectRawError, expectSerializationFailed, GARBAGE, message, stringField, varintField } from './helpers/protowire.js'
import { kinesisHeaders, rawHttp1 } from './helpers/raw-http.js'
import { expectCode, rawCall, startServer, uniqueName } from './helpers/server.js'

const RPCS = ['PutResourcePolicy', 'GetResourcePolicy', 'DeleteResourcePolicy'] as const

function policyFor (arn: string, action = 'kinesis:GetRecords'): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Sid: 'CrossAccountRead', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:root' }, Action: action, Resource: arn }]
  })
}

let srv: RestartableServer

beforeAll(async () => {
  srv = await startRestartableServer()
})

afterAll(async () => {
  await srv?.close()
})

function client (): StreamClient {
  return srv.current.client
}

async function newStream (): Promise<{ streamName: string, streamArn: string }> {
  const streamName = uniqueName('pol')
  await client().createStream({ streamName, shardCount: 1 })
  return { streamName, streamArn: `arn:aws:kinesis:us-east-1:000000000000:stream/${streamName}` }
}

async function newConsumer (): Promise<{ streamArn: string, consumerArn: string }> {
  const { streamArn } = await newStream()
  const { consumer } = await client().registerStreamConsumer({ streamArn, consumerName: 'c' })
  return { streamArn, consumerArn: consumer.consumerArn }
}

async function policyOf (resourceArn: string): Promise<string> {
  return (await client().getResourcePolicy({ resourceArn })).policy
}

describe('resource policy serialization', () => {
  it.each(RPCS)('%s rejects bytes that are not protobuf', async (rpc) => {
    expectSerializationFailed(await rawCall(srv.current.endpoint, rpc, GARBAGE))
  })

  it('PutResourcePolicy rejects the policy sent as a varint, changing nothing', async () => {
    const { streamArn } = await newStream()
    expectSerializationFailed(await rawCall(srv.current.endpoint, 'PutResourcePolicy', message(stringField(1, streamArn), varintField(2, 1))))
    expect(await policyOf(streamArn)).toBe('{}')
  })

  it.each(RPCS)('%s reads an empty body as a request without resource_arn', async (rpc) => {
    const result = await rawCall(srv.current.endpoint, rpc, Buffer.alloc(0))
    expectRawError(result, 'VALIDATION_FAILED', 3, 'ValidationException')
    expect(result.details).toContain("at 'resource_arn' failed to satisfy constraint: Member must not be null")
  })
})

describe('resource policy validation', () => {
  it.each([
    'arn:aws:kinesis:us-east-1:000000000000:table/t',
    'arn:aws:sqs:us-east-1:000000000000:stream/s',
    'not an arn',
    `arn:aws:kinesis:us-east-1:000000000000:stream/${'s'.repeat(2048)}`
  ])('refuses the resource ARN %s', async (resourceArn) => {
    const err = await expectCode(client().getResourcePolicy({ resourceArn }), 'VALIDATION_FAILED')
    expect(err.message).toMatch(/at 'resource_arn' failed to satisfy constraint: Member must (satisfy regular expression pattern|have length less than or equal to 2048)/)
  })

  it('needs a policy', async () => {
    const { streamArn } = await newStream()
    const result = await rawCall(srv.current.endpoint, 'PutResourcePolicy', message(stringField(1, streamArn)))
    expect(result.details).toContain("at 'policy' failed to satisfy constraint: Member must not be null")
  })

  it.each(['{"Version": ', '"a string"', '[1, 2]', 'null', ' '])('refuses the policy %j, which is no JSON document, with INVALID_ARGUMENT', async (policy) => {
    const { streamArn } = await newStream()
    const err = await expectCode(client().putResourcePolicy({ resourceArn: streamArn, policy }), 'INVALID_ARGUMENT')
    expect(err.awsType).toBe('InvalidArgumentException')
    expect(err.message).toMatch(/Policy/)
    expect(await policyOf(streamArn)).toBe('{}')
  })

  it('finds no unknown stream or consumer, and no stream of another account', async () => {
    const { streamArn } = await newStream()
    await expectCode(client().putResourcePolicy({ resourceArn: `${streamArn}-absent`, policy: '{}' }), 'STREAM_NOT_FOUND')
    await expectCode(client().getResourcePolicy({ resourceArn: `${streamArn}/consumer/absent:1700000000` }), 'CONSUMER_NOT_FOUND')
    await expectCode(client().getResourcePolicy({ resourceArn: streamArn.replace('000000000000', '111122223333') }), 'STREAM_NOT_FOUND')
  })
})

describe('resource policies', () => {
  it('gives "{}" for a stream without one, keeps a put policy as given, replaces it, and deletes it', async () => {
    const { streamArn } = await newStream()
    expect(await policyOf(streamArn)).toBe('{}')
    const first = policyFor(streamArn)
    await client().putResourcePolicy({ resourceArn: streamArn, policy: first })
    expect(await policyOf(streamArn)).toBe(first)
    // Kept as given, white space and all.
    const second = JSON.stringify(JSON.parse(policyFor(streamArn, 'kinesis:PutRecord')), null, 2)
    await client().putResourcePolicy({ resourceArn: streamArn, policy: second })
    expect(await policyOf(streamArn)).toBe(second)
    await client().deleteResourcePolicy({ resourceArn: streamArn })
    expect(await policyOf(streamArn)).toBe('{}')
    const err = await expectCode(client().deleteResourcePolicy({ resourceArn: streamArn }), 'POLICY_NOT_FOUND')
    expect(err.awsType).toBe('ResourceNotFoundException')
    expect(err.grpcStatus).toBe(5)
  })

  it('keeps a consumer\'s policy apart from its stream\'s', async () => {
    const { streamArn, consumerArn } = await newConsumer()
    const policy = policyFor(consumerArn, 'kinesis:SubscribeToShard')
    await client().putResourcePolicy({ resourceArn: consumerArn, policy })
    expect(await policyOf(consumerArn)).toBe(policy)
    expect(await policyOf(streamArn)).toBe('{}')
    await expectCode(client().deleteResourcePolicy({ resourceArn: streamArn }), 'POLICY_NOT_FOUND')
    await client().deleteResourcePolicy({ resourceArn: consumerArn })
    expect(await policyOf(consumerArn)).toBe('{}')
  })

  it('does not enforce a policy: a Deny changes no call', async () => {
    const { streamName, streamArn } = await newStream()
    await client().putResourcePolicy({ resourceArn: streamArn, policy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Principal: '*', Action: 'kinesis:*', Resource: streamArn }] }) })
    expect((await client().putRecord({ streamName, partitionKey: 'k', data: 'x' })).shardId).toBe('shardId-000000000000')
  })

  it('goes with its consumer when the consumer is deregistered', async () => {
    const { streamArn, consumerArn } = await newConsumer()
    await client().putResourcePolicy({ resourceArn: consumerArn, policy: policyFor(consumerArn) })
    await client().deregisterStreamConsumer({ consumerArn })
    await expectCode(client().getResourcePolicy({ resourceArn: consumerArn }), 'CONSUMER_NOT_FOUND')
    // Registered again under the same name, the consumer starts without one.
    const { consumer } = await client().registerStreamConsumer({ streamArn, consumerName: 'c' })
    expect(await policyOf(consumer.consumerArn)).toBe('{}')
  })

  it('keeps stream and consumer policies across a restart', async () => {
    const { streamArn, consumerArn } = await newConsumer()
    await client().putResourcePolicy({ resourceArn: streamArn, policy: policyFor(streamArn) })
    await client().putResourcePolicy({ resourceArn: consumerArn, policy: policyFor(consumerArn) })
    await srv.restart()
    expect(await policyOf(streamArn)).toBe(policyFor(streamArn))
    expect(await policyOf(consumerArn)).toBe(policyFor(consumerArn))
  })

  it('refuses a change to a stream that is not ACTIVE, but reads its policy', async () => {
    const slow = await startServer({ createStreamMs: 60_000 })
    try {
      const streamName = uniqueName('creating')
      await slow.client.createStream({ streamName, shardCount: 1 })
      const resourceArn = `arn:aws:kinesis:us-east-1:000000000000:stream/${streamName}`
      await expectCode(slow.client.putResourcePolicy({ resourceArn, policy: '{}' }), 'RESOURCE_IN_USE')
      expect((await slow.client.getResourcePolicy({ resourceArn })).policy).toBe('{}')
    } finally {
      await slow.close()
    }
  })
})

describe.each(SDK_TARGETS)('resource policies through the AWS SDK over %s', (target) => {
  let kinesis: KinesisClient
  beforeAll(() => { kinesis = sdkClient(srv.current.server.httpPort, target) })
  afterAll(() => kinesis.destroy())

  it('puts, gets and deletes the policies of a stream and a consumer', async () => {
    const { streamArn, consumerArn } = await newConsumer()
    expect((await kinesis.send(new GetResourcePolicyCommand({ ResourceARN: streamArn }))).Policy).toBe('{}')
    for (const arn of [streamArn, consumerArn]) {
      await kinesis.send(new PutResourcePolicyCommand({ ResourceARN: arn, Policy: policyFor(arn) }))
      expect(JSON.parse((await kinesis.send(new GetResourcePolicyCommand({ ResourceARN: arn }))).Policy!)).toEqual(JSON.parse(policyFor(arn)))
      await kinesis.send(new DeleteResourcePolicyCommand({ ResourceARN: arn }))
      expect((await kinesis.send(new GetResourcePolicyCommand({ ResourceARN: arn }))).Policy).toBe('{}')
    }
  })

  it('answers AWS\'s errors by their AWS names', async () => {
    const { streamArn } = await newStream()
    await expectAwsError(kinesis.send(new DeleteResourcePolicyCommand({ ResourceARN: streamArn })), 'ResourceNotFoundException', /no resource policy/i)
    await expectAwsError(kinesis.send(new PutResourcePolicyCommand({ ResourceARN: `${streamArn}-absent`, Policy: '{}' })), 'ResourceNotFoundException')
    await expectAwsError(kinesis.send(new PutResourcePolicyCommand({ ResourceARN: streamArn, Policy: 'not json' })), 'InvalidArgumentException', /Policy is not valid JSON/)
    await expectAwsError(kinesis.send(new PutResourcePolicyCommand({ ResourceARN: streamArn, Policy: undefined })), 'ValidationException', /at 'policy' failed to satisfy constraint: Member must not be null/)
  })

  it('answers a Policy of the wrong JSON type with SerializationException', async () => {
    const { streamArn } = await newStream()
    const res = await rawHttp1(srv.current.server.httpPort, { headers: kinesisHeaders('PutResourcePolicy'), body: JSON.stringify({ ResourceARN: streamArn, Policy: { Version: '2012-10-17' } }) })
    expect(res.status).toBe(400)
    expect(res.json?.__type).toBe('SerializationException')
    expect(await policyOf(streamArn)).toBe('{}')
  })
})

describe('the resource ARN in validation messages over HTTP', () => {
  it('is named as AWS names it', async () => {
    const res = await rawHttp1(srv.current.server.httpPort, { headers: kinesisHeaders('GetResourcePolicy'), body: JSON.stringify({ ResourceARN: 'nope' }) })
    expect(res.json?.__type).toBe('ValidationException')
    expect(String(res.json?.message)).toContain("at 'resourceARN' failed to satisfy constraint")
  })
})

describe('the resource ARN in validation messages over gRPC', () => {
  it('is named in snake case, with the pattern it failed', async () => {
    await expectValidation(client().getResourcePolicy({ resourceArn: 'nope' }), 'resource_arn', 'Member must satisfy regular expression pattern: arn:aws.*:kinesis:.*:\\d{12}:.*stream/\\S+')
  })
})
