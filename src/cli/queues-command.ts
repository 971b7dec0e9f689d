/**
 * `shardline queues`: every queue of the account and region with its message counts
 * (exact: they come from the queue's projection), its type and its dead-letter queue.
 */
import { QueueClient } from '../../client/index.js'
import { textTable, type Column } from './text-table.js'
import { rethrowUnreachable } from './unreachable.js'
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

const COLUMNS: ReadonlyArray<Column<keyof QueueRow>> = [
  { key: 'name', heading: 'QUEUE' },
  { key: 'visible', heading: 'VISIBLE', numeric: true },
  { key: 'inFlight', heading: 'IN FLIGHT', numeric: true },
  { key: 'delayed', heading: 'DELAYED', numeric: true },
  { key: 'type', heading: 'TYPE' },
  { key: 'deadLetter', heading: 'DEAD-LETTER QUEUE' }
]

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
    return textTable(COLUMNS, rows)
  } catch (err) {
    rethrowUnreachable(endpoint, err)
  } finally {
    client.close()
  }
}
