/**
 * The account quotas an action checks before it adds shards or on-demand streams.
 */
import { ServiceError } from '../../errors.js'
import { shardQuota, shardsFit } from '../../streams/account-limits.js'
import type { ActionContext } from '../action.js'

/** Refuses a request that would take the account's PROVISIONED streams over the shard quota, in AWS's words. */
export function checkShardLimit (ctx: ActionContext, additional: number): void {
  if (shardsFit(ctx.streams, ctx.config, additional)) return
  const { accountId, region } = ctx.scope
  throw new ServiceError('LIMIT_EXCEEDED', `This request would exceed the shard limit for the account ${accountId} in ${region}. ` +
    `Current shard count for the account: ${ctx.streams.provisionedShardTotal()}. Limit: ${shardQuota(ctx.config, region)}. ` +
    `Number of additional shards that would have resulted from this request: ${additional}. ` +
    'Refer to the AWS Service Limits page (http://docs.aws.amazon.com/general/latest/gr/aws_service_limits.html) ' +
    'for current limits and how to request higher limits.')
}

/** ON_DEMAND streams of the account, for DescribeLimits and the on-demand stream quota. */
export function onDemandStreamCount (ctx: ActionContext): number {
  return ctx.streams.list().filter((s) => s.doc.mode === 'ON_DEMAND').length
}

/** Refuses one more ON_DEMAND stream beyond the account's quota. */
export function checkOnDemandStreamLimit (ctx: ActionContext): void {
  const limit = ctx.config.onDemandStreamLimit
  const count = onDemandStreamCount(ctx)
  if (ctx.config.limits === 'off' || count < limit) return
  throw new ServiceError('LIMIT_EXCEEDED', `The account ${ctx.scope.accountId} in ${ctx.scope.region} already has ${count} streams in ON_DEMAND mode; the limit is ${limit}.`)
}
