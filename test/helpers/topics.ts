/**
 * Topic test helpers: a real server (in memory or on disk) with a TopicClient and a
 * QueueClient, and conveniences for fan-out scenarios.
 */
import { QueueClient, TopicClient, type PublishMessageFields } from '../../client/index.js'
import { startServer, type TestServer, type TestServerOptions } from './server.js'

export interface TopicTestServer extends TestServer {
  readonly topics: TopicClient
  readonly queues: QueueClient
  /** `http://127.0.0.1:<port>`: the HTTP API (SigningCertURL, SubscribeURL, the outbox). */
  readonly httpOrigin: string
}

export async function startTopicServer (options: TestServerOptions = {}): Promise<TopicTestServer> {
  const base = await startServer(options)
  const topics = new TopicClient({ endpoint: base.endpoint })
  const queues = new QueueClient({ endpoint: base.endpoint })
  return {
    ...base,
    topics,
    queues,
    httpOrigin: `http://127.0.0.1:${base.server.httpPort}`,
    async close () {
      topics.close()
      queues.close()
      await base.close()
    }
  }
}

let counter = 0
export function topicName (prefix = 't'): string {
  counter += 1
  return `${prefix}-${process.pid}-${counter}`
}

/** A queue and its ARN (the endpoint an SQS subscription names). */
export async function makeQueue (server: TopicTestServer, name: string, attributes: Record<string, string> = {}): Promise<{ queueUrl: string, arn: string }> {
  const { queueUrl } = await server.queues.createQueue({ queueName: name, attributes })
  const { attributes: got } = await server.queues.getQueueAttributes({ queueUrl, attributeNames: ['QueueArn'] })
  return { queueUrl, arn: got.QueueArn! }
}

/** Receives until `count` messages arrived (or `timeoutMs` passed), deleting each; returns their bodies in order. */
export async function drain (server: TopicTestServer, queueUrl: string, count: number, timeoutMs = 5000): Promise<Array<{ body: string, messageAttributes: Record<string, { dataType: string, stringValue?: string, binaryValue?: Uint8Array }> }>> {
  const out: Array<{ body: string, messageAttributes: Record<string, { dataType: string, stringValue?: string, binaryValue?: Uint8Array }> }> = []
  const end = Date.now() + timeoutMs
  while (out.length < count && Date.now() < end) {
    const { messages } = await server.queues.receiveMessage({ queueUrl, maxNumberOfMessages: 10, waitTimeSeconds: 1, messageAttributeNames: ['All'] })
    for (const m of messages) {
      out.push({ body: m.body, messageAttributes: m.messageAttributes })
      await server.queues.deleteMessage({ queueUrl, receiptHandle: m.receiptHandle })
    }
  }
  return out
}

/** Publishes batches of 10 from 4 producers until told to stop or the server dies (a crash test's load); records what was tried and acknowledged. */
/**
 * Four producers publishing batches of 10 (`p<producer>-<n>`) until `stop`, or until a call
 * fails (the server was killed); `attributes` gives each message its message attributes.
 */
export function produce (topics: TopicClient, topicArn: string, attributes?: (message: string) => PublishMessageFields['messageAttributes']): { acked: Set<string>, tried: Set<string>, stop: () => Promise<void> } {
  const acked = new Set<string>()
  const tried = new Set<string>()
  const run = { stop: false }
  const producers = Array.from({ length: 4 }, async (_, p) => {
    for (let n = 0; !run.stop; n += 10) {
      const entries = Array.from({ length: 10 }, (_, i) => {
        const message = `p${p}-${n + i}`
        return { id: `e${i}`, message, ...(attributes === undefined ? {} : { messageAttributes: attributes(message) }) }
      })
      for (const e of entries) tried.add(e.message)
      try {
        const r = await topics.publishBatch({ topicArn, publishBatchRequestEntries: entries })
        for (const ok of r.successful) acked.add(`p${p}-${n + Number(ok.id.slice(1))}`)
      } catch {
        return
      }
    }
  })
  return { acked, tried, stop: async () => { run.stop = true; await Promise.all(producers) } }
}
