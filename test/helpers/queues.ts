/**
 * Queue test helpers: a real server (in memory or on disk) with a QueueClient, and small
 * conveniences for the scenarios.
 */
import { QueueClient } from '../../client/index.js'
import { ManualClock, startServer, type TestServer, type TestServerOptions } from './server.js'

export interface QueueTestServer extends TestServer {
  readonly queues: QueueClient
}

export async function startQueueServer (options: TestServerOptions = {}): Promise<QueueTestServer> {
  const base = await startServer(options)
  const queues = new QueueClient({ endpoint: base.endpoint })
  return {
    ...base,
    queues,
    async close () {
      queues.close()
      await base.close()
    }
  }
}

/** A server whose clock only moves when the test says so. */
export async function startClockedQueueServer (options: TestServerOptions = {}): Promise<QueueTestServer & { clock: ManualClock }> {
  const clock = new ManualClock()
  const server = await startQueueServer({ ...options, clock: clock.now })
  return { ...server, clock }
}

let counter = 0
export function queueName (prefix = 'q'): string {
  counter += 1
  return `${prefix}-${process.pid}-${counter}`
}
