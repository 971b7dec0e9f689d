/**
 * Topic access policies across accounts, over SNS Query with @aws-sdk/client-sns and
 * `--auth` mapping two access keys to two accounts: account B is refused
 * AuthorizationError (403) on account A's topic until A's Policy allows B that action
 * (AddPermission, or SetTopicAttributes Policy), an explicit Deny wins, RemovePermission
 * closes it again; tags stay the owner's; a subscriber manages its own subscription.
 */
import {
  AddPermissionCommand, CreateTopicCommand, GetSubscriptionAttributesCommand, GetTopicAttributesCommand, ListTagsForResourceCommand,
  PublishCommand, RemovePermissionCommand, SetTopicAttributesCommand, SNSClient, SubscribeCommand, UnsubscribeCommand
} from '@aws-sdk/client-sns'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTopicServer, topicName, type TopicTestServer } from './helpers/topics.js'

const A = '111111111111'
const B = '222222222222'
const KEYS = { a: { accessKeyId: 'AKIDACCOUNTA', secretAccessKey: 'secret-a' }, b: { accessKeyId: 'AKIDACCOUNTB', secretAccessKey: 'secret-b' } }

let dir: string
let s: TopicTestServer
let snsA: SNSClient
let snsB: SNSClient
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'shardline-sns-access-'))
  const keyFile = join(dir, 'keys.json')
  await writeFile(keyFile, JSON.stringify({
    [KEYS.a.accessKeyId]: { secretAccessKey: KEYS.a.secretAccessKey, accountId: A },
    [KEYS.b.accessKeyId]: { secretAccessKey: KEYS.b.secretAccessKey, accountId: B }
  }))
  s = await startTopicServer({ auth: keyFile })
  const client = (credentials: typeof KEYS.a): SNSClient => new SNSClient({ endpoint: s.httpOrigin, region: 'us-east-1', credentials, maxAttempts: 1 })
  snsA = client(KEYS.a)
  snsB = client(KEYS.b)
})
afterAll(async () => {
  snsA.destroy()
  snsB.destroy()
  await s.close()
  await rm(dir, { recursive: true, force: true })
})

async function refused (promise: Promise<unknown>, action: string, resource: string, why = `because no resource-based policy allows the SNS:${action} action`): Promise<void> {
  const err = await promise.then(() => undefined, (e: unknown) => e as Error & { $metadata: { httpStatusCode?: number }, Code?: string })
  expect(err, `${action} should be refused`).toBeDefined()
  expect(err!.name).toBe('AuthorizationErrorException')
  expect(err!.$metadata.httpStatusCode).toBe(403)
  expect(err!.message).toBe(`User: arn:aws:iam::${B}:root is not authorized to perform: SNS:${action} on resource: ${resource} ${why}`)
}

async function topicOfA (): Promise<string> {
  const { TopicArn } = await snsA.send(new CreateTopicCommand({ Name: topicName('shared') }))
  expect(TopicArn).toMatch(new RegExp(`^arn:aws:sns:us-east-1:${A}:`))
  return TopicArn!
}

describe('a topic of another account', () => {
  it('is closed to B under AWS\'s default policy, and open to its owner', async () => {
    const TopicArn = await topicOfA()
    await refused(snsB.send(new PublishCommand({ TopicArn, Message: 'hi' })), 'Publish', TopicArn)
    await refused(snsB.send(new SubscribeCommand({ TopicArn, Protocol: 'sms', Endpoint: '+15550009999' })), 'Subscribe', TopicArn)
    await refused(snsB.send(new GetTopicAttributesCommand({ TopicArn })), 'GetTopicAttributes', TopicArn)
    await refused(snsB.send(new SetTopicAttributesCommand({ TopicArn, AttributeName: 'DisplayName', AttributeValue: 'x' })), 'SetTopicAttributes', TopicArn)
    await refused(snsB.send(new AddPermissionCommand({ TopicArn, Label: 'me', AWSAccountId: [B], ActionName: ['Publish'] })), 'AddPermission', TopicArn)
    expect((await snsA.send(new PublishCommand({ TopicArn, Message: 'own' }))).MessageId).toBeDefined()
    expect((await snsA.send(new GetTopicAttributesCommand({ TopicArn }))).Attributes!.DisplayName).toBe('')
  })

  it('opens to B for the actions AddPermission grants, until RemovePermission', async () => {
    const TopicArn = await topicOfA()
    await snsA.send(new AddPermissionCommand({ TopicArn, Label: 'b-publish', AWSAccountId: [B], ActionName: ['Publish', 'Subscribe'] }))
    const { MessageId } = await snsB.send(new PublishCommand({ TopicArn, Message: 'from B' }))
    expect(MessageId).toBeDefined()
    const { SubscriptionArn } = await snsB.send(new SubscribeCommand({ TopicArn, Protocol: 'sms', Endpoint: '+15550008888', ReturnSubscriptionArn: true }))
    // Granted Publish and Subscribe only.
    await refused(snsB.send(new GetTopicAttributesCommand({ TopicArn })), 'GetTopicAttributes', TopicArn)
    // The subscriber manages its own subscription.
    expect((await snsB.send(new GetSubscriptionAttributesCommand({ SubscriptionArn }))).Attributes!.Owner).toBe(B)
    await snsB.send(new UnsubscribeCommand({ SubscriptionArn }))
    await snsA.send(new RemovePermissionCommand({ TopicArn, Label: 'b-publish' }))
    await refused(snsB.send(new PublishCommand({ TopicArn, Message: 'again' })), 'Publish', TopicArn)
  })

  it('follows a Policy set with SetTopicAttributes, where an explicit Deny wins', async () => {
    const TopicArn = await topicOfA()
    const policy = (statements: object[]): string => JSON.stringify({ Version: '2012-10-17', Statement: statements })
    const allowAll = { Sid: 'all', Effect: 'Allow', Principal: { AWS: B }, Action: 'sns:*', Resource: TopicArn }
    await snsA.send(new SetTopicAttributesCommand({ TopicArn, AttributeName: 'Policy', AttributeValue: policy([allowAll]) }))
    expect((await snsB.send(new GetTopicAttributesCommand({ TopicArn }))).Attributes!.Owner).toBe(A)
    await snsB.send(new PublishCommand({ TopicArn, Message: 'allowed' }))
    const denyPublish = { Sid: 'no-publish', Effect: 'Deny', Principal: { AWS: `arn:aws:iam::${B}:root` }, Action: ['SNS:Publish'], Resource: 'arn:aws:sns:*' }
    await snsA.send(new SetTopicAttributesCommand({ TopicArn, AttributeName: 'Policy', AttributeValue: policy([allowAll, denyPublish]) }))
    await refused(snsB.send(new PublishCommand({ TopicArn, Message: 'denied' })), 'Publish', TopicArn, 'with an explicit deny in a resource-based policy')
    expect((await snsB.send(new GetTopicAttributesCommand({ TopicArn }))).Attributes!.TopicArn).toBe(TopicArn)
    // The owner is not bound by its own topic's policy: shardline has no IAM.
    await snsA.send(new PublishCommand({ TopicArn, Message: 'owner' }))
    // Tags are the owner's whatever the policy says.
    await refused(snsB.send(new ListTagsForResourceCommand({ ResourceArn: TopicArn })), 'ListTagsForResource', TopicArn)
  })
})
