/**
 * What several SNS operations share: paging (100 per page, sealed NextTokens) and the
 * resource ARN a tag operation names.
 */
import { ServiceError } from '../../errors.js'
import { decodePageToken, encodePageToken } from '../../streams/page-token.js'
import type { OwnerAction } from '../../topics/topic-access.js'
import type { Topic } from '../../topics/topic.js'
import type { ActionContext } from '../action.js'

const TOKEN_TTL_MS = 3_600_000
export const PAGE_SIZE = 100

/** One page of `items`, sorted by `keyOf`, after the token's key. */
export function pageOf<T> (ctx: ActionContext, kind: string, items: readonly T[], keyOf: (item: T) => string, nextToken: string | undefined): { page: T[], next?: string } {
  const now = ctx.config.clock()
  let after: string | undefined
  if (nextToken !== undefined && nextToken !== '') {
    try {
      after = decodePageToken(ctx.signer, Buffer.from(nextToken, 'base64').toString('latin1'), kind, now).after
    } catch {
      throw new ServiceError('SNS_INVALID_PARAMETER', 'Invalid parameter: NextToken')
    }
  }
  const rest = after === undefined ? items : items.filter((item) => keyOf(item) > after)
  const page = rest.slice(0, PAGE_SIZE)
  if (page.length === rest.length) return { page }
  // Standard base64 with its padding, as AWS's tokens are: clients decode them (LocalStack's suite does).
  const sealed = encodePageToken(ctx.signer, { kind, after: keyOf(page[page.length - 1]!), expiresAt: now + TOKEN_TTL_MS })
  return { page, next: Buffer.from(sealed, 'latin1').toString('base64') }
}

/** The topic a tag operation's ResourceArn names; ResourceNotFound otherwise. */
export function taggedTopic (ctx: ActionContext, arn: string, action: OwnerAction): Topic {
  try {
    return ctx.topics.require(arn, action, 'ResourceArn')
  } catch (err) {
    if (err instanceof ServiceError && err.code === 'SNS_NOT_FOUND') throw new ServiceError('SNS_RESOURCE_NOT_FOUND', 'Resource does not exist')
    throw err
  }
}
