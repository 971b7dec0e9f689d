/**
 * GET /metrics: Prometheus text with the shardline_ prefix, counted from real traffic
 * over gRPC and the AWS SDK: per shard records and bytes in and out and throttling, per
 * consumer subscriptions and deliveries, lease lag, queue depths and traffic, topic
 * publishes and deliveries and failures per protocol, API calls
 * by action, transport and error, storage commits, process metrics; shard labels off;
 * metrics off.
 */
import { PutRecordCommand } from '@aws-sdk/client-kinesis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { LeaseClient, QueueClient, TopicClient, type StreamClient } from '../client/index.js'
import { sdkClient } from './helpers/aws-sdk.js'
import { scrape } from './helpers/prometheus.js'
import { ManualClock, startServer, uniqueName, type TestServer } from './helpers/server.js'

const HALF = (1n << 127n).toString()

async function twoShardStream (client: StreamClient): Promise<string> {
  const streamName = uniqueName('metrics')
  await client.createStream({ streamName, shardCount: 2 })
  return streamName
}

describe('GET /metrics', () => {
  let t: TestServer
  beforeAll(async () => { t = await startServer() })
  afterAll(async () => { await t.close() })

  it('counts records and bytes in and out per shard, and API calls by action and transport', async () => {
    const streamName = await twoShardStream(t.client)
    const records = [
      ...Array.from({ length: 3 }, (_, i) => ({ partitionKey: 'k', data: Buffer.from(`low-${i}`), explicitHashKey: '0' })),
      ...Array.from({ length: 2 }, (_, i) => ({ partitionKey: 'k', data: Buffer.from(`high-${i}`), explicitHashKey: HALF }))
    ]
    await t.client.putRecords({ streamName, records })
    const { shardIterator } = await t.client.getShardIterator({ streamName, shardId: 'shardId-000000000000', shardIteratorType: 'TRIM_HORIZON' })
    const page = await t.client.getRecords({ shardIterator: shardIterator! })
    expect(page.records).toHaveLength(3)

    const m = await scrape(t.server.httpPort)
    const shard0 = { stream: streamName, shard: 'shardId-000000000000', account: '000000000000', region: 'us-east-1' }
    const shard1 = { stream: streamName, shard: 'shardId-000000000001' }
    expect(m.value('shardline_stream_records_in_total', shard0)).toBe(3)
    expect(m.value('shardline_stream_records_in_total', shard1)).toBe(2)
    // Data plus partition key: 'low-0' and 'k'.
    expect(m.value('shardline_stream_bytes_in_total', shard0)).toBe(3 * 6)
    expect(m.value('shardline_stream_records_out_total', shard0)).toBe(3)
    expect(m.value('shardline_stream_bytes_out_total', shard0)).toBe(3 * 6)
    expect(m.value('shardline_stream_records_out_total', shard1)).toBe(0)
    expect(m.typeOf('shardline_stream_records_in_total')).toBe('counter')

    expect(m.value('shardline_api_requests_total', { transport: 'grpc', action: 'PutRecords' })).toBe(1)
    expect(m.value('shardline_api_requests_total', { transport: 'grpc', action: 'GetRecords' })).toBe(1)
    expect(m.value('shardline_api_request_duration_seconds_count', { transport: 'grpc', action: 'PutRecords' })).toBe(1)
    const buckets = m.find('shardline_api_request_duration_seconds_bucket', { transport: 'grpc', action: 'PutRecords' })
    expect(buckets.find((b) => b.labels.le === '+Inf')?.value).toBe(1)
    // Cumulative: every bucket holds the ones below it.
    for (let i = 1; i < buckets.length; i++) expect(buckets[i]!.value).toBeGreaterThanOrEqual(buckets[i - 1]!.value)
    expect(m.typeOf('shardline_api_request_duration_seconds')).toBe('histogram')

    expect(m.value('shardline_storage_commit_duration_seconds_count')).toBeGreaterThan(0)
    expect(m.value('shardline_storage_commit_batch_size_count')).toBe(m.value('shardline_storage_commit_duration_seconds_count'))
    expect(m.value('shardline_storage_commit_batch_size_sum')).toBeGreaterThanOrEqual(m.value('shardline_storage_commit_batch_size_count'))
    expect(m.find('shardline_process_cpu_user_seconds_total')).toHaveLength(1)
    expect(m.find('shardline_nodejs_heap_size_used_bytes')).toHaveLength(1)
    for (const s of m.series) expect(s.name).toMatch(/^shardline_/)
  })

  it('counts errors by AWS error name, and the AWS SDK\'s calls under transport http', async () => {
    const before = await scrape(t.server.httpPort)
    await expect(t.client.describeStreamSummary({ streamName: uniqueName('missing') })).rejects.toThrow()
    const sdk = sdkClient(t.server.httpPort, 'http1')
    const streamName = await twoShardStream(t.client)
    await sdk.send(new PutRecordCommand({ StreamName: streamName, PartitionKey: 'p', Data: Buffer.from('sdk') }))
    await expect(sdk.send(new PutRecordCommand({ StreamName: uniqueName('missing'), PartitionKey: 'p', Data: Buffer.from('x') }))).rejects.toThrow()
    sdk.destroy()
    const m = await scrape(t.server.httpPort)
    const grpcErrors = { transport: 'grpc', action: 'DescribeStreamSummary', code: 'ResourceNotFoundException' }
    expect(m.value('shardline_api_errors_total', grpcErrors) - before.value('shardline_api_errors_total', grpcErrors)).toBe(1)
    expect(m.value('shardline_api_requests_total', { transport: 'http', action: 'PutRecord' })).toBe(2)
    expect(m.value('shardline_api_errors_total', { transport: 'http', action: 'PutRecord', code: 'ResourceNotFoundException' })).toBe(1)
    expect(m.value('shardline_api_request_duration_seconds_count', { transport: 'http', action: 'PutRecord' })).toBe(2)
  })

  it('counts a consumer\'s live subscriptions and the records it was delivered', async () => {
    const streamName = await twoShardStream(t.client)
    const streamArn = `arn:aws:kinesis:us-east-1:000000000000:stream/${streamName}`
    const { consumer } = await t.client.registerStreamConsumer({ streamArn, consumerName: 'watcher' })
    const subscription = t.client.subscribeToShard({ consumerArn: consumer.consumerArn, shardId: 'shardId-000000000000', startingPosition: { type: 'TRIM_HORIZON' } })
    await t.client.putRecords({ streamName, records: [{ partitionKey: 'k', data: Buffer.from('one'), explicitHashKey: '0' }, { partitionKey: 'k', data: Buffer.from('two'), explicitHashKey: '0' }] })
    let delivered = 0
    for await (const event of subscription) {
      delivered += event.records.length
      if (delivered >= 2) break
    }
    const labels = { stream: streamName, consumer: 'watcher' }
    const during = await scrape(t.server.httpPort)
    expect(during.value('shardline_consumer_records_delivered_total', labels)).toBe(2)
    expect(during.value('shardline_consumer_bytes_delivered_total', labels)).toBe(2 * 4)
    expect(during.value('shardline_api_requests_total', { transport: 'grpc', action: 'SubscribeToShard' })).toBeGreaterThanOrEqual(1)
    subscription.cancel()
    // The server hears of the cancellation asynchronously.
    let after = await scrape(t.server.httpPort)
    for (let i = 0; i < 50 && after.value('shardline_consumer_subscriptions', labels) !== 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20))
      after = await scrape(t.server.httpPort)
    }
    expect(after.value('shardline_consumer_subscriptions', labels)).toBe(0)
  })

  it('reports a live subscription while it runs', async () => {
    const streamName = await twoShardStream(t.client)
    const streamArn = `arn:aws:kinesis:us-east-1:000000000000:stream/${streamName}`
    const { consumer } = await t.client.registerStreamConsumer({ streamArn, consumerName: 'live' })
    const subscription = t.client.subscribeToShard({ consumerArn: consumer.consumerArn, shardId: 'shardId-000000000001', startingPosition: { type: 'LATEST' } })
    const iterator = subscription[Symbol.asyncIterator]()
    // The first (empty) event says the subscription is live.
    await iterator.next()
    const m = await scrape(t.server.httpPort)
    expect(m.value('shardline_consumer_subscriptions', { stream: streamName, consumer: 'live' })).toBe(1)
    subscription.cancel()
  })

  it('reports queue depths from the projection, and sends, receives, deletes and dead-letter moves', async () => {
    const queues = new QueueClient({ endpoint: t.endpoint })
    try {
      const dlqName = uniqueName('dlq')
      const dlq = (await queues.createQueue({ queueName: dlqName })).queueUrl
      const dlqArn = (await queues.getQueueAttributes({ queueUrl: dlq, attributeNames: ['QueueArn'] })).attributes.QueueArn!
      const name = uniqueName('work')
      const queueUrl = (await queues.createQueue({ queueName: name, attributes: { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: '1' }) } })).queueUrl
      for (const body of ['a', 'b', 'c']) await queues.sendMessage({ queueUrl, messageBody: body })
      await queues.sendMessage({ queueUrl, messageBody: 'later', delaySeconds: 60 })
      const got = (await queues.receiveMessage({ queueUrl, maxNumberOfMessages: 2, visibilityTimeout: 30 })).messages
      expect(got).toHaveLength(2)
      await queues.deleteMessage({ queueUrl, receiptHandle: got[0]!.receiptHandle })
      // 'c' received once with no visibility timeout: the next receive moves it to the DLQ.
      const third = (await queues.receiveMessage({ queueUrl, visibilityTimeout: 0 })).messages
      expect(third).toHaveLength(1)
      expect((await queues.receiveMessage({ queueUrl })).messages).toEqual([])

      const m = await scrape(t.server.httpPort)
      const q = { queue: name, account: '000000000000', region: 'us-east-1' }
      expect(m.value('shardline_queue_messages', { ...q, state: 'visible' })).toBe(0)
      expect(m.value('shardline_queue_messages', { ...q, state: 'in_flight' })).toBe(1)
      expect(m.value('shardline_queue_messages', { ...q, state: 'delayed' })).toBe(1)
      expect(m.value('shardline_queue_sent_messages_total', q)).toBe(4)
      expect(m.value('shardline_queue_received_messages_total', q)).toBe(3)
      expect(m.value('shardline_queue_deleted_messages_total', q)).toBe(1)
      expect(m.value('shardline_queue_dead_letter_moves_total', q)).toBe(1)
      expect(m.value('shardline_queue_messages', { queue: dlqName, state: 'visible' })).toBe(1)
      expect(m.typeOf('shardline_queue_messages')).toBe('gauge')
      // A queue's internal streams are not Kinesis streams: they have no stream series.
      expect(m.find('shardline_stream_records_in_total').every((s) => !s.labels.stream!.startsWith('__'))).toBe(true)

      await queues.deleteQueue({ queueUrl })
      const gone = await scrape(t.server.httpPort)
      expect(gone.find('shardline_queue_sent_messages_total', { queue: name })).toEqual([])
    } finally {
      queues.close()
    }
  })

  it('counts a topic\'s publishes, and its deliveries and failures per protocol', async () => {
    const topics = new TopicClient({ endpoint: t.endpoint })
    const queues = new QueueClient({ endpoint: t.endpoint })
    try {
      const name = uniqueName('topic')
      // No retries: a failed lambda delivery is given up on at once.
      const { topicArn } = await topics.createTopic({ name, attributes: { DeliveryPolicy: JSON.stringify({ http: { defaultHealthyRetryPolicy: { numRetries: 0 } } }) } })
      const arnOf = async (queueUrl: string): Promise<string> => (await queues.getQueueAttributes({ queueUrl, attributeNames: ['QueueArn'] })).attributes.QueueArn!
      const live = (await queues.createQueue({ queueName: uniqueName('fed') })).queueUrl
      const gone = (await queues.createQueue({ queueName: uniqueName('gone') })).queueUrl
      await topics.subscribe({ topicArn, protocol: 'sqs', endpoint: await arnOf(live) })
      await topics.subscribe({ topicArn, protocol: 'sqs', endpoint: await arnOf(gone) })
      await topics.subscribe({ topicArn, protocol: 'sms', endpoint: '+15555550102' })
      // No --lambda-endpoint names this function: every delivery fails.
      await topics.subscribe({ topicArn, protocol: 'lambda', endpoint: 'arn:aws:lambda:us-east-1:000000000000:function:nowhere' })
      await queues.deleteQueue({ queueUrl: gone })
      await topics.publish({ topicArn, message: 'one' })
      await topics.publishBatch({ topicArn, publishBatchRequestEntries: [{ id: 'a', message: 'two' }, { id: 'b', message: 'three' }] })

      const labels = { topic: name, account: '000000000000', region: 'us-east-1' }
      const settled = async (): Promise<number[]> => {
        const m = await scrape(t.server.httpPort)
        return [
          m.value('shardline_topic_deliveries_total', { ...labels, protocol: 'sqs' }),
          m.value('shardline_topic_delivery_failures_total', { ...labels, protocol: 'sqs' }),
          m.value('shardline_topic_deliveries_total', { ...labels, protocol: 'sms' }),
          m.value('shardline_topic_delivery_failures_total', { ...labels, protocol: 'sms' }),
          m.value('shardline_topic_deliveries_total', { ...labels, protocol: 'lambda' }),
          m.value('shardline_topic_delivery_failures_total', { ...labels, protocol: 'lambda' })
        ]
      }
      await expect.poll(settled, { timeout: 10_000 }).toEqual([3, 3, 3, 0, 0, 3])
      const m = await scrape(t.server.httpPort)
      expect(m.value('shardline_topic_published_messages_total', labels)).toBe(3)
      expect(m.typeOf('shardline_topic_published_messages_total')).toBe('counter')
      expect(m.typeOf('shardline_topic_deliveries_total')).toBe('counter')
      // A topic's internal streams are no Kinesis streams.
      expect(m.find('shardline_stream_records_in_total').every((s) => !s.labels.stream!.startsWith('__'))).toBe(true)

      await topics.deleteTopic({ topicArn })
      const after = await scrape(t.server.httpPort)
      expect(after.find('shardline_topic_published_messages_total', { topic: name })).toEqual([])
      expect(after.find('shardline_topic_deliveries_total', { topic: name })).toEqual([])
    } finally {
      topics.close()
      queues.close()
    }
  })

  it('counts throttled writes per shard', async () => {
    const streamName = uniqueName('hot')
    await t.client.createStream({ streamName, shardCount: 1 })
    const records = Array.from({ length: 500 }, (_, i) => ({ partitionKey: `k${i}`, data: Buffer.from('x') }))
    let refused = 0
    for (let i = 0; i < 3; i++) refused += (await t.client.putRecords({ streamName, records })).failedRecordCount
    expect(refused).toBeGreaterThan(0)
    const m = await scrape(t.server.httpPort)
    const labels = { stream: streamName, shard: 'shardId-000000000000' }
    expect(m.value('shardline_stream_throttled_total', { ...labels, direction: 'write' })).toBe(refused)
    expect(m.value('shardline_stream_records_in_total', labels)).toBe(1500 - refused)
  })
})

describe('lease lag', () => {
  it('is how far a checkpoint is behind its shard\'s newest record, in seconds', async () => {
    const clock = new ManualClock(Date.UTC(2026, 5, 1, 12, 0, 0))
    const t = await startServer({ clock: clock.now, limits: 'off' })
    const leases = new LeaseClient({ endpoint: t.endpoint })
    try {
      const streamName = uniqueName('lag')
      await t.client.createStream({ streamName, shardCount: 1 })
      const first = await t.client.putRecord({ streamName, partitionKey: 'k', data: Buffer.from('1') })
      await leases.createLeaseIfAbsent({ leaseTable: 'billing', leaseKey: first.shardId, checkpoint: first.sequenceNumber })
      await leases.createLeaseIfAbsent({ leaseTable: 'billing', leaseKey: 'from-start' })
      await leases.listLeases({ leaseTable: 'billing' })
      let m = await scrape(t.server.httpPort)
      expect(m.value('shardline_lease_lag_seconds', { table: 'billing', lease: first.shardId })).toBe(0)
      clock.advance(7000)
      await t.client.putRecord({ streamName, partitionKey: 'k', data: Buffer.from('2') })
      m = await scrape(t.server.httpPort)
      expect(m.value('shardline_lease_lag_seconds', { table: 'billing', lease: first.shardId })).toBe(7)
      // TRIM_HORIZON names no record: no lag to tell.
      expect(m.find('shardline_lease_lag_seconds', { lease: 'from-start' })).toEqual([])
    } finally {
      leases.close()
      await t.close()
    }
  })
})

describe('--metrics-shard-labels off', () => {
  it('sums stream series per stream and lease lag per table', async () => {
    const t = await startServer({ metricsShardLabels: false })
    const leases = new LeaseClient({ endpoint: t.endpoint })
    try {
      const streamName = await twoShardStream(t.client)
      const put = await t.client.putRecords({ streamName, records: [{ partitionKey: 'k', data: Buffer.from('a'), explicitHashKey: '0' }, { partitionKey: 'k', data: Buffer.from('b'), explicitHashKey: HALF }] })
      for (const record of put.records) {
        await leases.createLeaseIfAbsent({ leaseTable: 'app', leaseKey: record.shardId!, checkpoint: record.sequenceNumber! })
      }
      const m = await scrape(t.server.httpPort)
      const lag = m.find('shardline_lease_lag_seconds', { table: 'app' })
      expect(lag).toHaveLength(1)
      expect(lag[0]!.value).toBe(0)
      const series = m.find('shardline_stream_records_in_total', { stream: streamName })
      expect(series).toHaveLength(1)
      expect(series[0]!.labels.shard).toBeUndefined()
      expect(series[0]!.value).toBe(2)
      expect(m.series.some((s) => s.labels.shard !== undefined || s.labels.lease !== undefined)).toBe(false)
    } finally {
      leases.close()
      await t.close()
    }
  })
})

describe('--metrics off', () => {
  it('serves no /metrics (the path gets AWS\'s answer to a GET), and still /health', async () => {
    const t = await startServer({ metrics: false })
    try {
      const res = await fetch(`http://127.0.0.1:${t.server.httpPort}/metrics`)
      expect(res.status).toBe(403)
      expect(await res.text()).toContain('AccessDeniedException')
      expect((await fetch(`http://127.0.0.1:${t.server.httpPort}/health`)).status).toBe(200)
    } finally {
      await t.close()
    }
  })
})
