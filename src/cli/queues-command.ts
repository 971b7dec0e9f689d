/**
 * `shardline queues`: every queue of the account and region with its message counts
 * (exact: they come from the queue's projection), its type and its dead-letter queue.
 */
import { QueueClient, isShardlineError } from '../../client/index.js'
import { parseCommand } from './command-args.js'

export const QUEUES_USAGE = `  queues [--prefix P]                        list queues: visible, in-flight and delayed messages, type, dead-letter queue
`

interface QueueRow {
  readonly name: string
  readonly visible: string
  readonly inFlight: string
  readonly delayed: string
  readonly type: string
  readonly deadLetter: string
}

function table (rows: readonly QueueRow[]): string {
  const header: QueueRow = { name: 'QUEUE', visible: 'VISIBLE', inFlight: 'IN FLIGHT', delayed: 'DELAYED', type: 'TYPE', deadLetter: 'DEAD-LETTER QUEUE' }
  const all = [header, ...rows]
  const width = (key: keyof QueueRow): number => Math.max(...all.map((r) => r[key].length))
  const keys: Array<keyof QueueRow> = ['name', 'visible', 'inFlight', 'delayed', 'type', 'deadLetter']
  const numeric = new Set<keyof QueueRow>(['visible', 'inFlight', 'delayed'])
  return all.map((row) => keys.map((k, i) => {
    if (i === keys.length - 1) return row[k]
    return numeric.has(k) && row !== header ? row[k].padStart(width(k)) : row[k].padEnd(width(k))
  }).join('  ').trimEnd()).join('\n') + '\n'
}

export async function queuesCommand (args: string[]): Promise<string> {
  const { flags, endpoint, region } = parseCommand('queues', args, [], { prefix: { type: 'string' } })
  const client = new QueueClient({ endpoint, deadlineMs: 10_000, ...(region === undefined ? {} : { region }) })
  try {
    const urls: string[] = []
    let page = await client.listQueues({ ...(typeof flags.prefix === 'string' ? { queueNamePrefix: flags.prefix } : {}), maxResults: 1000 })
    urls.push(...page.queueUrls)
    while (page.nextToken !== undefined) {
      page = await client.listQueues({ nextToken: page.nextToken, maxResults: 1000 })
      urls.push(...page.queueUrls)
    }
    if (urls.length === 0) return 'no queues\n'
    const rows = await Promise.all(urls.map(async (queueUrl): Promise<QueueRow> => {
      const { attributes: a } = await client.getQueueAttributes({ queueUrl, attributeNames: ['All'] })
      const redrive = a.RedrivePolicy === undefined ? undefined : (JSON.parse(a.RedrivePolicy) as { deadLetterTargetArn?: string, maxReceiveCount?: number | string })
      return {
        name: queueUrl.slice(queueUrl.lastIndexOf('/') + 1),
        visible: a.ApproximateNumberOfMessages ?? '?',
        inFlight: a.ApproximateNumberOfMessagesNotVisible ?? '?',
        delayed: a.ApproximateNumberOfMessagesDelayed ?? '?',
        type: a.FifoQueue === 'true' ? 'fifo' : 'standard',
        deadLetter: redrive?.deadLetterTargetArn === undefined ? '-' : `${redrive.deadLetterTargetArn.slice(redrive.deadLetterTargetArn.lastIndexOf(':') + 1)} after ${String(redrive.maxReceiveCount)} receives`
      }
    }))
    rows.sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0))
    return table(rows)
  } catch (err) {
    if (isShardlineError(err) && err.code === 'UNAVAILABLE') {
      throw new Error(`cannot reach a shardline server at ${endpoint} (start one with: shardline serve)`, { cause: err })
    }
    throw err
  } finally {
    client.close()
  }
}
