/**
 * The SQS control plane over gRPC: CreateQueue (idempotency, FIFO rules), DeleteQueue,
 * GetQueueUrl, ListQueues, Get/SetQueueAttributes, tags, AddPermission/RemovePermission,
 * accounts and regions, and undecodable requests.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { QueueClient } from '../client/index.js'
import { expectCode, rawCall } from './helpers/server.js'
import { queueName, startQueueServer, type QueueTestServer } from './helpers/queues.js'

let t: QueueTestServer
beforeAll(async () => { t = await startQueueServer({ accountId: '111122223333' }) })
afterAll(async () => { await t.close() })

const STANDARD_ALL = ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesDelayed', 'ApproximateNumberOfMessagesNotVisible', 'CreatedTimestamp', 'DelaySeconds', 'LastModifiedTimestamp', 'MaximumMessageSize', 'MessageRetentionPeriod', 'QueueArn', 'ReceiveMessageWaitTimeSeconds', 'SqsManagedSseEnabled', 'VisibilityTimeout']

describe('CreateQueue', () => {
  it('creates a queue with AWS\'s defaults and answers its URL', async () => {
    const name = queueName()
    const { queueUrl } = await t.queues.createQueue({ queueName: name })
    expect(queueUrl).toBe(`http://127.0.0.1:${t.server.httpPort}/111122223333/${name}`)
    const { attributes } = await t.queues.getQueueAttributes({ queueUrl, attributeNames: ['All'] })
    expect(Object.keys(attributes).sort()).toEqual(STANDARD_ALL)
    expect(attributes).toMatchObject({ DelaySeconds: '0', MaximumMessageSize: '1048576', MessageRetentionPeriod: '345600', ReceiveMessageWaitTimeSeconds: '0', VisibilityTimeout: '30', SqsManagedSseEnabled: 'true', QueueArn: `arn:aws:sqs:us-east-1:111122223333:${name}` })
    expect(Number(attributes.CreatedTimestamp)).toBeGreaterThan(1_600_000_000)
    expect(Number(attributes.CreatedTimestamp)).toBeLessThan(100_000_000_000)
  })

  it('returns the existing URL for the same attributes and names the first one that differs', async () => {
    const name = queueName()
    const first = await t.queues.createQueue({ queueName: name, attributes: { DelaySeconds: '5' } })
    expect((await t.queues.createQueue({ queueName: name, attributes: { DelaySeconds: '5' } })).queueUrl).toBe(first.queueUrl)
    expect((await t.queues.createQueue({ queueName: name })).queueUrl).toBe(first.queueUrl)
    const err = await expectCode(t.queues.createQueue({ queueName: name, attributes: { VisibilityTimeout: '30', DelaySeconds: '6' } }), 'QUEUE_EXISTS')
    expect(err.message).toBe('A queue already exists with the same name and a different value for attribute DelaySeconds')
    expect(err.awsType).toBe('QueueNameExists')
  })

  it('creates FIFO queues only with a .fifo name and FifoQueue true, and refuses FIFO attributes on standard queues', async () => {
    const name = `${queueName()}.fifo`
    await expectCode(t.queues.createQueue({ queueName: name }), 'INVALID_PARAMETER_VALUE')
    await expectCode(t.queues.createQueue({ queueName: queueName(), attributes: { FifoQueue: 'true' } }), 'INVALID_PARAMETER_VALUE')
    const { queueUrl } = await t.queues.createQueue({ queueName: name, attributes: { FifoQueue: 'True' } })
    const { attributes } = await t.queues.getQueueAttributes({ queueUrl, attributeNames: ['All'] })
    expect(attributes).toMatchObject({ FifoQueue: 'true', ContentBasedDeduplication: 'false', DeduplicationScope: 'queue', FifoThroughputLimit: 'perQueue' })
    const fifoFalse = await expectCode(t.queues.createQueue({ queueName: queueName(), attributes: { FifoQueue: 'false' } }), 'INVALID_ATTRIBUTE_NAME')
    expect(fifoFalse.message).toBe('Unknown Attribute FifoQueue.')
    expect((await expectCode(t.queues.createQueue({ queueName: queueName(), attributes: { ContentBasedDeduplication: 'true' } }), 'INVALID_ATTRIBUTE_NAME')).message).toBe('Unknown Attribute ContentBasedDeduplication.')
    expect((await expectCode(t.queues.createQueue({ queueName: queueName(), attributes: { DeduplicationScope: 'queue' } }), 'INVALID_ATTRIBUTE_NAME')).message).toBe('You can specify the DeduplicationScope only when FifoQueue is set to true.')
  })

  it('validates the name and every attribute as AWS does, creating nothing', async () => {
    await expectCode(t.queues.createQueue({ queueName: 'has space' }), 'INVALID_PARAMETER_VALUE')
    await expectCode(t.queues.createQueue({ queueName: 'x'.repeat(81) }), 'INVALID_PARAMETER_VALUE')
    // A .fifo name over 80 characters is worded by FifoQueue: the FIFO text with it, the standard one without.
    const longFifo = `${'b'.repeat(76)}.fifo`
    expect((await expectCode(t.queues.createQueue({ queueName: longFifo, attributes: { FifoQueue: 'true' } }), 'INVALID_PARAMETER_VALUE')).message)
      .toBe('The name of a FIFO queue can only include alphanumeric characters, hyphens, or underscores, must end with .fifo suffix and be 1 to 80 in length.')
    expect((await expectCode(t.queues.createQueue({ queueName: longFifo }), 'INVALID_PARAMETER_VALUE')).message)
      .toBe('Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length')
    await t.queues.createQueue({ queueName: `${'b'.repeat(75)}.fifo`, attributes: { FifoQueue: 'true' } })
    expect((await expectCode(t.queues.createQueue({ queueName: '' }), 'MISSING_PARAMETER')).message).toBe('The request must contain the parameter QueueName.')
    const bounds: Array<[string, string]> = [['DelaySeconds', '901'], ['MaximumMessageSize', '1023'], ['MaximumMessageSize', '1048577'], ['MessageRetentionPeriod', '59'], ['MessageRetentionPeriod', '1209601'], ['ReceiveMessageWaitTimeSeconds', '21'], ['VisibilityTimeout', '43201'], ['VisibilityTimeout', 'ten'], ['KmsDataKeyReusePeriodSeconds', '59']]
    for (const [attribute, value] of bounds) {
      const err = await expectCode(t.queues.createQueue({ queueName: queueName(), attributes: { [attribute]: value } }), 'INVALID_ATTRIBUTE_VALUE')
      expect(err.message).toBe(`Invalid value for the parameter ${attribute}.`)
    }
    expect((await expectCode(t.queues.createQueue({ queueName: queueName(), attributes: { Bogus: '1' } }), 'INVALID_ATTRIBUTE_NAME')).message).toBe('Unknown Attribute Bogus.')
    await expectCode(t.queues.createQueue({ queueName: queueName(), attributes: { QueueArn: 'x' } }), 'INVALID_ATTRIBUTE_NAME')
    await expectCode(t.queues.createQueue({ queueName: queueName(), attributes: { KmsMasterKeyId: 'alias/x', SqsManagedSseEnabled: 'true' } }), 'INVALID_ATTRIBUTE_NAME')
    const before = (await t.queues.listQueues({ queueNamePrefix: 'q-' })).queueUrls.length
    expect((await t.queues.listQueues({ queueNamePrefix: 'q-' })).queueUrls.length).toBe(before)
  })
})

describe('GetQueueUrl, ListQueues, DeleteQueue', () => {
  it('finds a queue by name, in this account or another named one', async () => {
    const name = queueName('url')
    const { queueUrl } = await t.queues.createQueue({ queueName: name })
    expect((await t.queues.getQueueUrl({ queueName: name })).queueUrl).toBe(queueUrl)
    expect((await t.queues.getQueueUrl({ queueName: name, queueOwnerAwsAccountId: '111122223333' })).queueUrl).toBe(queueUrl)
    const err = await expectCode(t.queues.getQueueUrl({ queueName: name, queueOwnerAwsAccountId: '999999999999' }), 'QUEUE_NOT_FOUND')
    expect(err.message).toBe('The specified queue does not exist.')
    expect(err.awsType).toBe('QueueDoesNotExist')
  })

  it('resolves AWS-style queue URLs and bare names', async () => {
    const name = queueName('aws')
    await t.queues.createQueue({ queueName: name })
    for (const queueUrl of [`https://sqs.us-east-1.amazonaws.com/111122223333/${name}`, `https://queue.amazonaws.com/111122223333/${name}`, name]) {
      expect((await t.queues.sendMessage({ queueUrl, messageBody: 'x' })).messageId).toMatch(/^[0-9a-f-]{36}$/)
    }
    await expectCode(t.queues.sendMessage({ queueUrl: `https://sqs.us-east-1.amazonaws.com/222222222222/${name}`, messageBody: 'x' }), 'QUEUE_NOT_FOUND')
  })

  it('lists by prefix, pages with MaxResults and NextToken, and omits what is empty', async () => {
    const prefix = queueName('list')
    for (let i = 0; i < 5; i++) await t.queues.createQueue({ queueName: `${prefix}-${i}` })
    const all = await t.queues.listQueues({ queueNamePrefix: prefix })
    expect(all.queueUrls.map((u) => u.split('/').pop())).toEqual([0, 1, 2, 3, 4].map((i) => `${prefix}-${i}`))
    expect(all.nextToken).toBeUndefined()
    const first = await t.queues.listQueues({ queueNamePrefix: prefix, maxResults: 2 })
    expect(first.queueUrls).toEqual(all.queueUrls.slice(0, 2))
    const second = await t.queues.listQueues({ queueNamePrefix: prefix, maxResults: 2, nextToken: first.nextToken! })
    const third = await t.queues.listQueues({ queueNamePrefix: prefix, maxResults: 2, nextToken: second.nextToken! })
    expect([...second.queueUrls, ...third.queueUrls]).toEqual(all.queueUrls.slice(2))
    expect(third.nextToken).toBeUndefined()
    expect((await t.queues.listQueues({ queueNamePrefix: 'nothing-has-this' })).queueUrls).toEqual([])
    const bad = await expectCode(t.queues.listQueues({ maxResults: 0 }), 'INVALID_PARAMETER_VALUE')
    expect(bad.message).toBe('Value 0 for parameter MaxResults is invalid. Reason: MaxResults must be an integer between 1 and 1000.')
    await expectCode(t.queues.listQueues({ nextToken: 'forged' }), 'INVALID_PARAMETER_VALUE')
  })

  it('deletes a queue, its internal streams with it, and keeps its name for 60 seconds', async () => {
    const name = queueName('del')
    const { queueUrl } = await t.queues.createQueue({ queueName: name })
    await t.queues.deleteQueue({ queueUrl })
    await expectCode(t.queues.sendMessage({ queueUrl, messageBody: 'x' }), 'QUEUE_NOT_FOUND')
    await expectCode(t.queues.deleteQueue({ queueUrl }), 'QUEUE_NOT_FOUND')
    const { streamNames } = await t.client.listStreams({})
    expect(streamNames).not.toContain(`__queue.${name}`)
    const err = await expectCode(t.queues.createQueue({ queueName: name }), 'QUEUE_DELETED_RECENTLY')
    expect(err.message).toBe('You must wait 60 seconds after deleting a queue before you can create another with the same name.')
  })

  it('keeps queues of other accounts and regions apart', async () => {
    const name = queueName('scoped')
    const other = new QueueClient({ endpoint: t.endpoint, region: 'eu-west-1' })
    try {
      const here = await t.queues.createQueue({ queueName: name })
      const there = await other.createQueue({ queueName: name, attributes: { DelaySeconds: '9' } })
      await other.sendMessage({ queueUrl: there.queueUrl, messageBody: 'eu' })
      expect((await t.queues.receiveMessage({ queueUrl: here.queueUrl })).messages).toEqual([])
      expect((await other.getQueueAttributes({ queueUrl: there.queueUrl, attributeNames: ['QueueArn', 'DelaySeconds'] })).attributes).toEqual({ QueueArn: `arn:aws:sqs:eu-west-1:111122223333:${name}`, DelaySeconds: '9' })
    } finally {
      other.close()
    }
  })
})

describe('attributes', () => {
  it('sets and reads attributes, only those asked for, and none for no names', async () => {
    const { queueUrl } = await t.queues.createQueue({ queueName: queueName() })
    await t.queues.setQueueAttributes({ queueUrl, attributes: { VisibilityTimeout: '45', DelaySeconds: '3', Policy: '{"Version":"2012-10-17"}' } })
    expect((await t.queues.getQueueAttributes({ queueUrl, attributeNames: ['VisibilityTimeout', 'DelaySeconds', 'Policy'] })).attributes).toEqual({ VisibilityTimeout: '45', DelaySeconds: '3', Policy: '{"Version":"2012-10-17"}' })
    expect((await t.queues.getQueueAttributes({ queueUrl })).attributes).toEqual({})
    expect((await t.queues.getQueueAttributes({ queueUrl, attributeNames: ['RedrivePolicy'] })).attributes).toEqual({})
    await t.queues.setQueueAttributes({ queueUrl, attributes: { Policy: '' } })
    expect((await t.queues.getQueueAttributes({ queueUrl, attributeNames: ['All'] })).attributes.Policy).toBeUndefined()
    expect((await expectCode(t.queues.getQueueAttributes({ queueUrl, attributeNames: ['Nope'] }), 'INVALID_ATTRIBUTE_NAME')).message).toBe('Unknown Attribute Nope.')
  })

  it('changes nothing when one attribute of a SetQueueAttributes is bad', async () => {
    const { queueUrl } = await t.queues.createQueue({ queueName: queueName() })
    await expectCode(t.queues.setQueueAttributes({ queueUrl, attributes: { VisibilityTimeout: '60', DelaySeconds: '1000' } }), 'INVALID_ATTRIBUTE_VALUE')
    expect((await t.queues.getQueueAttributes({ queueUrl, attributeNames: ['VisibilityTimeout'] })).attributes.VisibilityTimeout).toBe('30')
    await expectCode(t.queues.setQueueAttributes({ queueUrl, attributes: { FifoQueue: 'true' } }), 'INVALID_ATTRIBUTE_NAME')
  })

  it('refuses to change a FIFO queue\'s type, takes FifoQueue true as a no-op, and handles KMS attributes as AWS does', async () => {
    const { queueUrl } = await t.queues.createQueue({ queueName: `${queueName()}.fifo`, attributes: { FifoQueue: 'true' } })
    await t.queues.setQueueAttributes({ queueUrl, attributes: { FifoQueue: 'true' } })
    const err = await expectCode(t.queues.setQueueAttributes({ queueUrl, attributes: { FifoQueue: 'false' } }), 'INVALID_ATTRIBUTE_VALUE')
    expect(err.message).toBe('Invalid value for the parameter FifoQueue. Reason: Modifying queue type is not supported.')
    await t.queues.setQueueAttributes({ queueUrl, attributes: { KmsMasterKeyId: 'alias/aws/sqs', KmsDataKeyReusePeriodSeconds: '600' } })
    expect((await t.queues.getQueueAttributes({ queueUrl, attributeNames: ['All'] })).attributes).toMatchObject({ KmsMasterKeyId: 'alias/aws/sqs', KmsDataKeyReusePeriodSeconds: '600', SqsManagedSseEnabled: 'false' })
  })

  it('shows a KMS queue\'s KmsDataKeyReusePeriodSeconds, 300 by default, and no period once KMS is off', async () => {
    const { queueUrl } = await t.queues.createQueue({ queueName: queueName(), attributes: { KmsMasterKeyId: 'alias/aws/sqs' } })
    const all = async (): Promise<Record<string, string>> => (await t.queues.getQueueAttributes({ queueUrl, attributeNames: ['All'] })).attributes
    expect(await all()).toMatchObject({ KmsMasterKeyId: 'alias/aws/sqs', KmsDataKeyReusePeriodSeconds: '300', SqsManagedSseEnabled: 'false' })
    await t.queues.createQueue({ queueName: queueUrl.split('/').pop()!, attributes: { KmsMasterKeyId: 'alias/aws/sqs', KmsDataKeyReusePeriodSeconds: '300' } })
    await t.queues.setQueueAttributes({ queueUrl, attributes: { KmsMasterKeyId: '', KmsDataKeyReusePeriodSeconds: '300' } })
    const off = await all()
    expect(off.KmsMasterKeyId).toBeUndefined()
    expect(off.KmsDataKeyReusePeriodSeconds).toBeUndefined()
    expect(off.SqsManagedSseEnabled).toBe('false')
    const plain = (await t.queues.createQueue({ queueName: queueName() })).queueUrl
    expect((await t.queues.getQueueAttributes({ queueUrl: plain, attributeNames: ['All'] })).attributes.KmsDataKeyReusePeriodSeconds).toBeUndefined()
  })
})

describe('tags', () => {
  it('tags, overwrites, lists, and untags (unknown keys ignored); an empty list is left out', async () => {
    const { queueUrl } = await t.queues.createQueue({ queueName: queueName(), tags: { team: 'a', empty: '' } })
    expect((await t.queues.listQueueTags({ queueUrl })).tags).toEqual({ team: 'a', empty: '' })
    await t.queues.tagQueue({ queueUrl, tags: { team: 'b', Team: 'c' } })
    expect((await t.queues.listQueueTags({ queueUrl })).tags).toEqual({ team: 'b', empty: '', Team: 'c' })
    await t.queues.untagQueue({ queueUrl, tagKeys: ['team', 'empty', 'Team', 'absent'] })
    expect((await t.queues.listQueueTags({ queueUrl })).tags).toEqual({})
    await expectCode(t.queues.tagQueue({ queueUrl, tags: {} }), 'MISSING_PARAMETER')
    await expectCode(t.queues.tagQueue({ queueUrl, tags: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, 'v'])) }), 'INVALID_PARAMETER_VALUE')
  })

  it('names a bad tag by its key as given, never recased', async () => {
    const { queueUrl } = await t.queues.createQueue({ queueName: queueName() })
    const value = 'v'.repeat(257)
    const err = await expectCode(t.queues.tagQueue({ queueUrl, tags: { other_Key: value } }), 'INVALID_PARAMETER_VALUE')
    expect(err.message).toBe(`Value ${value} for parameter Tags.other_Key is invalid. Reason: A tag value is at most 256 characters.`)
  })
})

describe('permissions', () => {
  it('AddPermission and RemovePermission edit the Policy attribute as AWS does', async () => {
    const { queueUrl } = await t.queues.createQueue({ queueName: queueName() })
    const arn = (await t.queues.getQueueAttributes({ queueUrl, attributeNames: ['QueueArn'] })).attributes.QueueArn!
    await t.queues.addPermission({ queueUrl, label: 'crossaccountpermission', awsAccountIds: ['444455556666'], actions: ['ReceiveMessage'] })
    const policy = JSON.parse((await t.queues.getQueueAttributes({ queueUrl, attributeNames: ['Policy'] })).attributes.Policy!) as Record<string, unknown>
    expect(policy).toEqual({
      Version: '2008-10-17',
      Id: `${arn}/SQSDefaultPolicy`,
      Statement: [{ Sid: 'crossaccountpermission', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::444455556666:root' }, Action: 'SQS:ReceiveMessage', Resource: arn }]
    })
    const dup = await expectCode(t.queues.addPermission({ queueUrl, label: 'crossaccountpermission', awsAccountIds: ['444455556666'], actions: ['SendMessage'] }), 'INVALID_PARAMETER_VALUE')
    expect(dup.message).toBe('Value crossaccountpermission for parameter Label is invalid. Reason: Already exists.')
    await t.queues.addPermission({ queueUrl, label: 'two', awsAccountIds: ['444455556666', '777788889999'], actions: ['SendMessage', 'DeleteMessage'] })
    await t.queues.removePermission({ queueUrl, label: 'crossaccountpermission' })
    const missing = await expectCode(t.queues.removePermission({ queueUrl, label: 'crossaccountpermission2' }), 'INVALID_PARAMETER_VALUE')
    expect(missing.message).toBe('Value crossaccountpermission2 for parameter Label is invalid. Reason: can\'t find label.')
    await t.queues.removePermission({ queueUrl, label: 'two' })
    expect((await t.queues.getQueueAttributes({ queueUrl, attributeNames: ['Policy'] })).attributes).toEqual({})
    await expectCode(t.queues.addPermission({ queueUrl, label: 'x', awsAccountIds: ['444455556666'], actions: ['CreateQueue'] }), 'INVALID_PARAMETER_VALUE')
    await expectCode(t.queues.addPermission({ queueUrl, label: 'x', awsAccountIds: [], actions: ['SendMessage'] }), 'MISSING_PARAMETER')
  })
})

describe('serialization', () => {
  it('refuses undecodable requests to every QueueService RPC', async () => {
    for (const rpc of ['CreateQueue', 'SendMessage', 'ReceiveMessage', 'DeleteMessageBatch', 'ListMessageMoveTasks']) {
      const { metadata } = await rawCall(t.endpoint, rpc, Buffer.from([0x0a, 0xff, 0xff, 0xff]), 'QueueService')
      expect(metadata['shardline-code'], rpc).toBe('SERIALIZATION_FAILED')
    }
  })
})
