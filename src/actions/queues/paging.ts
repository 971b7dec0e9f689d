/**
 * ListQueues and ListDeadLetterSourceQueues pages: AWS's NextToken is opaque; shardline's
 * is sealed (page-token.ts) and names the last queue of the previous page.
 */
import { ServiceError } from '../../errors.js'
import { decodePageToken, encodePageToken } from '../../streams/page-token.js'
import type { Queue } from '../../queues/queue.js'
import type { ActionContext } from '../action.js'

const TOKEN_TTL_MS = 3_600_000

export const MaxResultsReason = 'MaxResults must be an integer between 1 and 1000.'

/**
 * One page of `queues` (sorted by name). Without `maxResults` AWS returns up to 1,000 and
 * no token; with it, a token while more remain.
 */
export function pageOf (ctx: ActionContext, kind: string, queues: readonly Queue[], maxResults: number | undefined, nextToken: string | undefined): { page: Queue[], next?: string } {
  const now = ctx.config.clock()
  let after: string | undefined
  if (nextToken !== undefined) {
    try {
      after = decodePageToken(ctx.signer, nextToken, kind, now).after
    } catch {
      throw new ServiceError('INVALID_PARAMETER_VALUE', 'Invalid NextToken value.')
    }
  }
  const rest = after === undefined ? queues : queues.filter((q) => q.name > after)
  const page = rest.slice(0, maxResults ?? 1000)
  if (maxResults === undefined || page.length === rest.length || page.length === 0) return { page }
  return { page, next: encodePageToken(ctx.signer, { kind, after: page[page.length - 1]!.name, expiresAt: now + TOKEN_TTL_MS }) }
}
