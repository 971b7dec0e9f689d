/**
 * Topic test helpers: a real server (in memory or on disk) with a TopicClient and a
 * QueueClient, and conveniences for fan-out scenarios.
 */
import { QueueClient, TopicClient } from '../../client/index.js'
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
