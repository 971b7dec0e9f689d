/**
 * SNS through the AWS SDK for JavaScript v3 (@aws-sdk/client-sns, which speaks SNS's
 * Query protocol): the endpoint URL is the only change a user makes. Serialization of
 * every shape the operations use (entry maps, member lists, MessageAttributes' Name/Value,
 * booleans), AWS's error names and statuses, and a publish delivered into a queue.
 */
import {
  AddPermissionCommand, CreateTopicCommand, DeleteTopicCommand, GetSubscriptionAttributesCommand, GetTopicAttributesCommand,
  ListSubscriptionsByTopicCommand, ListTagsForResourceCommand, ListTopicsCommand, PublishBatchCommand, PublishCommand,
  SetTopicAttributesCommand, SNSClient, SubscribeCommand, TagResourceCommand, UnsubscribeCommand,
  CreatePlatformApplicationCommand, CreatePlatformEndpointCommand, GetEndpointAttributesCommand, CheckIfPhoneNumberIsOptedOutCommand,
  GetSMSSandboxAccountStatusCommand
} from '@aws-sdk/client-sns'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { expectAwsError, TEST_CREDENTIALS } from './helpers/aws-sdk.js'
import { drain, makeQueue, startTopicServer, topicName, type TopicTestServer } from './helpers/topics.js'

let s: TopicTestServer
let sns: SNSClient
beforeAll(async () => {
  s = await startTopicServer()
  sns = new SNSClient({ endpoint: s.httpOrigin, region: 'us-east-1', credentials: TEST_CREDENTIALS, maxAttempts: 1 })
})
afterAll(async () => {
  sns.destroy()
  await s.close()
})

describe('SNS over Query with @aws-sdk/client-sns', () => {
  it('names a missing member by AWS\'s path, list and map entries included', async () => {
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: topicName() }))
    // The SDK sends what it is given: a message attribute without its DataType.
    const attributes = { attr1: { StringValue: 'v' } } as unknown as Record<string, { DataType: string, StringValue: string }>
    const single = await sns.send(new PublishCommand({ TopicArn, Message: 'x', MessageAttributes: attributes })).catch((err: unknown) => err)
    expect(single).toMatchObject({ name: 'ValidationError', message: "1 validation error detected: Value null at 'messageAttributes.attr1.member.dataType' failed to satisfy constraint: Member must not be null" })
    const batch = await sns.send(new PublishBatchCommand({ TopicArn, PublishBatchRequestEntries: [{ Id: 'a', Message: 'x', MessageAttributes: attributes }] })).catch((err: unknown) => err)
    expect(batch).toMatchObject({ name: 'ValidationError', message: "1 validation error detected: Value null at 'publishBatchRequestEntries.1.member.messageAttributes.attr1.member.dataType' failed to satisfy constraint: Member must not be null" })
  })

  it('carries the X-Amzn-Trace-Id header and a standard topic\'s MessageGroupId into the queue\'s message', async () => {
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: topicName() }))
    const q = await makeQueue(s, topicName('q'))
    await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: q.arn }))
    const trace = 'Root=1-3152b799-8954dae64eda91bc9a23a7e8;Sampled=1'
    const traced = new SNSClient({ endpoint: s.httpOrigin, region: 'us-east-1', credentials: TEST_CREDENTIALS, maxAttempts: 1 })
    traced.middlewareStack.add((next) => async (args) => {
      (args.request as { headers: Record<string, string> }).headers['x-amzn-trace-id'] = trace
      return await next(args)
    }, { step: 'build' })
    try {
      await traced.send(new PublishCommand({ TopicArn, Message: 'grouped', MessageGroupId: 'my-group-id-1' }))
    } finally {
      traced.destroy()
    }
    const deadline = Date.now() + 10_000
    let messages: Array<{ attributes: Record<string, string> }> = []
    while (messages.length === 0 && Date.now() < deadline) {
      messages = (await s.queues.receiveMessage({ queueUrl: q.queueUrl, waitTimeSeconds: 1, messageSystemAttributeNames: ['All'] })).messages
    }
    expect(messages).toHaveLength(1)
    expect(messages[0]!.attributes).toMatchObject({ AWSTraceHeader: trace, MessageGroupId: 'my-group-id-1' })
  })

  it('creates, describes, lists, tags and deletes topics', async () => {
    const name = topicName()
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: name, Attributes: { DisplayName: 'SDK' }, Tags: [{ Key: 'team', Value: 'core' }] }))
    expect(TopicArn).toBe(`arn:aws:sns:us-east-1:000000000000:${name}`)
    expect((await sns.send(new CreateTopicCommand({ Name: name, Attributes: { DisplayName: 'SDK' } }))).TopicArn).toBe(TopicArn)
    await sns.send(new SetTopicAttributesCommand({ TopicArn, AttributeName: 'SignatureVersion', AttributeValue: '2' }))
    const { Attributes } = await sns.send(new GetTopicAttributesCommand({ TopicArn }))
    expect(Attributes).toMatchObject({ DisplayName: 'SDK', SignatureVersion: '2', TopicArn, Owner: '000000000000', SubscriptionsConfirmed: '0' })
    const { Topics } = await sns.send(new ListTopicsCommand({}))
    expect(Topics?.map((t) => t.TopicArn)).toContain(TopicArn)
    await sns.send(new TagResourceCommand({ ResourceArn: TopicArn, Tags: [{ Key: 'env', Value: 'test' }] }))
    expect((await sns.send(new ListTagsForResourceCommand({ ResourceArn: TopicArn }))).Tags).toEqual([{ Key: 'team', Value: 'core' }, { Key: 'env', Value: 'test' }])
    await sns.send(new AddPermissionCommand({ TopicArn, Label: 'l', AWSAccountId: ['111122223333'], ActionName: ['Publish'] }))
    expect(JSON.parse((await sns.send(new GetTopicAttributesCommand({ TopicArn }))).Attributes!.Policy!).Statement).toHaveLength(2)
    await sns.send(new DeleteTopicCommand({ TopicArn }))
    await expectAwsError(sns.send(new GetTopicAttributesCommand({ TopicArn })), 'NotFoundException', /Topic does not exist/)
  })

  it('answers errors with AWS\'s names and statuses', async () => {
    const bad = await expectAwsError(sns.send(new CreateTopicCommand({ Name: 'no spaces allowed' })), 'InvalidParameterException', /^Invalid parameter: Topic Name$/)
    expect(bad.$metadata?.httpStatusCode).toBe(400)
    const missing = await expectAwsError(sns.send(new GetTopicAttributesCommand({ TopicArn: 'arn:aws:sns:us-east-1:000000000000:none' })), 'NotFoundException')
    expect(missing.$metadata?.httpStatusCode).toBe(404)
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: topicName() }))
    await expectAwsError(sns.send(new PublishCommand({ TopicArn, Message: 'x', MessageAttributes: { n: { DataType: 'Number', StringValue: 'NaN!' } } })), 'InvalidParameterValueException')
    await expectAwsError(sns.send(new PublishBatchCommand({ TopicArn, PublishBatchRequestEntries: [{ Id: 'a', Message: 'x' }, { Id: 'a', Message: 'y' }] })), 'BatchEntryIdsNotDistinctException')
  })

  it('subscribes a queue and publishes into it, with message attributes and batches', async () => {
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: topicName() }))
    const q = await makeQueue(s, topicName('q'))
    const { SubscriptionArn } = await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: q.arn, Attributes: { RawMessageDelivery: 'true', FilterPolicy: '{"kind":["keep"]}' }, ReturnSubscriptionArn: true }))
    expect(SubscriptionArn).toMatch(new RegExp(`^${TopicArn}:[0-9a-f-]{36}$`))
    const { Attributes } = await sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn }))
    expect(Attributes).toMatchObject({ Protocol: 'sqs', Endpoint: q.arn, RawMessageDelivery: 'true', FilterPolicy: '{"kind":["keep"]}' })
    expect((await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn }))).Subscriptions).toEqual([{ SubscriptionArn, Owner: '000000000000', Protocol: 'sqs', Endpoint: q.arn, TopicArn }])
    const keep = { kind: { DataType: 'String', StringValue: 'keep' } }
    const { MessageId } = await sns.send(new PublishCommand({ TopicArn, Message: 'single', MessageAttributes: keep }))
    expect(MessageId).toMatch(/^[0-9a-f-]{36}$/)
    const batch = await sns.send(new PublishBatchCommand({
      TopicArn,
      PublishBatchRequestEntries: [
        { Id: 'a', Message: 'batched', MessageAttributes: keep },
        { Id: 'b', Message: 'dropped by the filter', MessageAttributes: { kind: { DataType: 'String', StringValue: 'drop' } } }
      ]
    }))
    expect(batch.Successful?.map((e) => e.Id)).toEqual(['a', 'b'])
    expect(batch.Failed).toEqual([])
    // An entry AWS would not publish fails the whole request, as AWS answers it.
    const refused = await sns.send(new PublishBatchCommand({ TopicArn, PublishBatchRequestEntries: [{ Id: 'c', Message: 'never' }, { Id: 'd', Message: '' }] })).catch((err: unknown) => err)
    expect(refused).toMatchObject({ name: 'InvalidParameterException', message: 'Invalid parameter: Empty message', $metadata: { httpStatusCode: 400 } })
    const got = await drain(s, q.queueUrl, 2)
    expect(got.map((m) => m.body).sort()).toEqual(['batched', 'single'])
    expect(got[0]!.messageAttributes.kind).toEqual({ dataType: 'String', stringValue: 'keep' })
    await sns.send(new UnsubscribeCommand({ SubscriptionArn }))
    expect((await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn }))).Subscriptions ?? []).toEqual([])
  })

  it('serves the account-level operations', async () => {
    const { PlatformApplicationArn } = await sns.send(new CreatePlatformApplicationCommand({ Name: 'sdk-app', Platform: 'APNS', Attributes: { PlatformCredential: 'key', PlatformPrincipal: 'cert' } }))
    const { EndpointArn } = await sns.send(new CreatePlatformEndpointCommand({ PlatformApplicationArn, Token: 'tok', CustomUserData: 'u' }))
    expect((await sns.send(new GetEndpointAttributesCommand({ EndpointArn }))).Attributes).toEqual({ Enabled: 'true', Token: 'tok', CustomUserData: 'u' })
    expect((await sns.send(new CheckIfPhoneNumberIsOptedOutCommand({ phoneNumber: '+15550111' }))).isOptedOut).toBe(false)
    expect((await sns.send(new GetSMSSandboxAccountStatusCommand({}))).IsInSandbox).toBe(true)
  })
})
