/**
 * `shardline topics`: every topic of the account and region with its subscription counts
 * (exact: GetTopicAttributes' SubscriptionsConfirmed, SubscriptionsPending and
 * SubscriptionsDeleted, over gRPC) and the messages published to it. SNS has no call that
 * reports the published count, so that column comes from the server's `/metrics` on its
 * HTTP port (`shardline_topic_published_messages_total`); if that cannot be read, the
 * column shows `?` and a last line says why.
 */
import { TopicClient } from '../../client/index.js'
import { textTable, type Column } from './text-table.js'
import { rethrowUnreachable } from './unreachable.js'
import { parseMetrics } from './metrics-text.js'
import { parseCommand } from './command-args.js'

export const TOPICS_USAGE = `  topics [--prefix P] [--http URL]           list topics: confirmed, pending and deleted subscriptions, messages published, type
                                             (published counts from URL/metrics; URL defaults to http://<endpoint host>:4567)
`

const DEFAULT_HTTP_PORT = 4567
const TIMEOUT_MS = 5000

interface TopicRow {
  readonly name: string
  readonly confirmed: string
  readonly pending: string
  readonly deleted: string
  readonly published: string
  readonly type: string
}

const COLUMNS: ReadonlyArray<Column<keyof TopicRow>> = [
  { key: 'name', heading: 'TOPIC' },
  { key: 'confirmed', heading: 'CONFIRMED', numeric: true },
  { key: 'pending', heading: 'PENDING', numeric: true },
  { key: 'deleted', heading: 'DELETED', numeric: true },
  { key: 'published', heading: 'PUBLISHED', numeric: true },
  { key: 'type', heading: 'TYPE' }
]

/** The HTTP API next to a gRPC endpoint: same host, the default HTTP port. */
function defaultHttp (endpoint: string): string {
  const host = endpoint.replace(/:\d+$/, '')
  return `http://${host}:${DEFAULT_HTTP_PORT}`
}

/** Published counts by topic ARN, or why they could not be read. */
async function publishedCounts (base: string): Promise<Map<string, number> | string> {
  const url = `${base.replace(/\/+$/, '')}/metrics`
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(TIMEOUT_MS) })
    if (res.status !== 200) return `${url} answered ${res.status} (is the server running with --no-metrics?)`
    const counts = new Map<string, number>()
    for (const s of parseMetrics(await res.text())) {
      if (s.name !== 'shardline_topic_published_messages_total') continue
      const { account, region, topic } = s.labels
      if (account !== undefined && region !== undefined && topic !== undefined) counts.set(`arn:aws:sns:${region}:${account}:${topic}`, s.value)
    }
    return counts
  } catch (err) {
    return `${url}: no answer (${(err as Error).message})`
  }
}

export async function topicsCommand (args: string[]): Promise<string> {
  const { flags, endpoint, region } = parseCommand('topics', args, [], { prefix: { type: 'string' }, http: { type: 'string' } })
  const client = new TopicClient({ endpoint, deadlineMs: 10_000, ...(region === undefined ? {} : { region }) })
  try {
    const arns: string[] = []
    let page = await client.listTopics()
    arns.push(...page.topics.map((t) => t.topicArn))
    while (page.nextToken !== undefined && page.nextToken !== '') {
      page = await client.listTopics({ nextToken: page.nextToken })
      arns.push(...page.topics.map((t) => t.topicArn))
    }
    const prefix = typeof flags.prefix === 'string' ? flags.prefix : ''
    const mine = arns.filter((arn) => arn.slice(arn.lastIndexOf(':') + 1).startsWith(prefix))
    if (mine.length === 0) return 'no topics\n'
    const published = await publishedCounts(typeof flags.http === 'string' ? flags.http : defaultHttp(endpoint))
    const rows = await Promise.all(mine.map(async (topicArn): Promise<TopicRow> => {
      const { attributes: a } = await client.getTopicAttributes({ topicArn })
      const count = typeof published === 'string' ? undefined : published.get(topicArn)
      return {
        name: topicArn.slice(topicArn.lastIndexOf(':') + 1),
        confirmed: a.SubscriptionsConfirmed ?? '?',
        pending: a.SubscriptionsPending ?? '?',
        deleted: a.SubscriptionsDeleted ?? '?',
        published: count === undefined ? '?' : String(count),
        type: a.FifoTopic === 'true' ? 'fifo' : 'standard'
      }
    }))
    rows.sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0))
    return textTable(COLUMNS, rows) + (typeof published === 'string' ? `published counts unknown: ${published}\n` : '')
  } catch (err) {
    rethrowUnreachable(endpoint, err)
  } finally {
    client.close()
  }
}
