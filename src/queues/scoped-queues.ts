/**
 * The queues of one account and region: what an action sees as `ctx.queues`. A queue is
 * named by a QueueUrl (`http://<host>/<account>/<name>`, AWS's own
 * `https://sqs.<region>.amazonaws.com/<account>/<name>`, or the bare name, which AWS also
 * takes), always resolved in the request's region: the URL's host does not matter, its
 * last two path segments (account, name) do.
 */
import { ServiceError } from '../errors.js'
import { ACCOUNT_ID_PATTERN, scopeOf, type Scope } from '../scope.js'
import { queueArn, type QueueSettings } from './queue-model.js'
import type { Queue } from './queue.js'
import type { QueueRegistry } from './queue-registry.js'

export function queueNotFound (): ServiceError {
  return new ServiceError('QUEUE_NOT_FOUND', 'The specified queue does not exist.', { queryMessage: 'The specified queue does not exist for this wsdl version.' })
}

type ParsedQueueUrl = Readonly<{ accountId: string | undefined, name: string }> | undefined

/**
 * Recent answers of parseQueueUrl: a client names the same few URLs in every call, and the
 * parse (a regular expression, splits, a decode) was 1.5 % of a SendMessage's server CPU.
 * Cleared whole when full, so a client sending garbage URLs cannot make it grow.
 */
const parsedUrls = new Map<string, ParsedQueueUrl>()
const PARSED_URLS_MAX = 1024

/** The account and name a queue URL names (account undefined for a bare name), or undefined. */
export function parseQueueUrl (url: string): ParsedQueueUrl {
  const known = parsedUrls.get(url)
  if (known !== undefined || parsedUrls.has(url)) return known
  const parsed = parseUncached(url)
  if (parsedUrls.size >= PARSED_URLS_MAX) parsedUrls.clear()
  parsedUrls.set(url, parsed)
  return parsed
}

function parseUncached (url: string): ParsedQueueUrl {
  if (!url.includes('/')) return url === '' ? undefined : { accountId: undefined, name: url }
  let path = url
  const scheme = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\/[^/]*/.exec(url)
  if (scheme !== null) path = url.slice(scheme[0].length)
  const parts = path.split('?')[0]!.split('/').filter((p) => p !== '')
  if (parts.length < 2) return undefined
  const accountId = parts[parts.length - 2]!
  let name: string
  try {
    name = decodeURIComponent(parts[parts.length - 1]!)
  } catch {
    // A stray `%` names no queue (queue names are letters, digits, `-` and `_`).
    return undefined
  }
  return ACCOUNT_ID_PATTERN.test(accountId) ? { accountId, name } : undefined
}

export class ScopedQueues {
  constructor (private readonly registry: QueueRegistry, readonly scope: Scope) {}

  /** The queue of this scope with that name, if any. */
  get (name: string): Queue | undefined {
    return this.registry.find(this.scope, name)
  }

  /** The queue a QueueUrl names, or QueueDoesNotExist. */
  require (url: string): Queue {
    const parsed = parseQueueUrl(url)
    const scope = parsed?.accountId === undefined || parsed.accountId === this.scope.accountId ? this.scope : scopeOf(parsed.accountId, this.scope.region)
    const queue = parsed === undefined ? undefined : this.registry.find(scope, parsed.name)
    if (queue === undefined || !queue.isOpen) throw queueNotFound()
    return queue
  }

  /** The queue an ARN names (any account, this region), if any. */
  byArn (arn: string): Queue | undefined {
    return this.registry.findByArn(arn)
  }

  /** The queue of `name` in another account of this region (GetQueueUrl's QueueOwnerAWSAccountId). */
  inAccount (accountId: string, name: string): Queue | undefined {
    return this.registry.find(accountId === this.scope.accountId ? this.scope : scopeOf(accountId, this.scope.region), name)
  }

  create (name: string, settings: QueueSettings, tags: Record<string, string>): Promise<{ queue: Queue, created: boolean }> {
    return this.registry.create(this.scope, name, settings, tags)
  }

  list (): Queue[] {
    return this.registry.list(this.scope)
  }

  /** The URL a queue is reached at from `origin` (the Host the client used), or the server's own. */
  urlOf (queue: Queue, origin?: string): string {
    return `${origin ?? this.registry.origin}/${queue.scope.accountId}/${queue.name}`
  }

  arnOf (name: string): string {
    return queueArn(this.scope, name)
  }

  save (queue: Queue, retentionChanged = false): Promise<void> {
    return this.registry.save(queue, retentionChanged)
  }

  delete (queue: Queue): Promise<void> {
    return this.registry.delete(queue)
  }

  /** Every queue whose RedrivePolicy names `arn` as its dead-letter queue (in any scope of this server). */
  sourcesOf (arn: string): Queue[] {
    return this.registry.all()
      .filter((q) => q.doc.settings.redrivePolicy?.deadLetterTargetArn === arn)
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  }

  get tasks (): QueueRegistry['tasks'] {
    return this.registry.tasks
  }
}
