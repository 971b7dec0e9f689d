/**
 * Warm throughput, shared by CreateStream, UpdateStreamMode and UpdateStreamWarmThroughput:
 * the write throughput an ON_DEMAND stream keeps room for, whatever its load. As in AWS it
 * is for accounts with the MinimumThroughputBillingCommitment (UpdateAccountSettings): only
 * they may set it, and only theirs is shown.
 */
import { Type } from '@sinclair/typebox'
import { ServiceError } from '../../errors.js'
import { splitWidest } from '../../streams/resharding.js'
import { capacityMiBps, MAX_WARM_THROUGHPUT_MIBPS, shardsForThroughput } from '../../streams/on-demand-scaler.js'
import type { Scope } from '../../scope.js'
import type { Stream } from '../../streams/stream-model.js'
import type { ActionContext } from '../action.js'
import { checkShardQuota } from './resharding-checks.js'

export const WarmThroughputMiBps = Type.Integer({ minimum: 0 })

/** Refuses warm throughput to an account (in a region) without the commitment. */
export function checkCommitment (ctx: ActionContext, scope: Scope): void {
  if (ctx.accounts.commitmentActive(scope)) return
  throw new ServiceError('INVALID_ARGUMENT', `Warm throughput is only available to accounts with the MinimumThroughputBillingCommitment enabled; account ${scope.accountId} has it DISABLED in ${scope.region} (enable it with UpdateAccountSettings).`)
}

/** Checks that the stream can be warmed to `mibps` and returns the open shards that takes. */
export function warmShardsFor (ctx: ActionContext, stream: Stream, mibps: number): number {
  checkCommitment(ctx, stream.scope)
  if (mibps > MAX_WARM_THROUGHPUT_MIBPS) {
    throw new ServiceError('LIMIT_EXCEEDED', `warm_throughput_mi_bps ${mibps} for stream ${stream.name} is over the most an ON_DEMAND stream can be warmed to, ${MAX_WARM_THROUGHPUT_MIBPS} MiB/s.`)
  }
  const shards = Math.max(stream.openShardCount, shardsForThroughput(mibps))
  // An ON_DEMAND stream's shards are not held to the account's shard quota.
  checkShardQuota(stream.name, shards)
  return shards
}

/** Sets the warm throughput (0 clears it) and splits the stream up to `shards` at once. Runs inside a reshard. */
export function applyWarmThroughput (ctx: ActionContext, stream: Stream, mibps: number, shards: number): void {
  stream.doc.warmThroughputMiBps = mibps === 0 ? undefined : mibps
  splitWidest(stream, shards, ctx.config.clock)
}

/** WarmThroughputObject, as DescribeStreamSummary shows it for ON_DEMAND streams of accounts with the commitment. */
export function warmThroughputShape (ctx: ActionContext, stream: Stream): { target_mi_bps?: number, current_mi_bps: number } | undefined {
  if (stream.doc.mode !== 'ON_DEMAND' || !ctx.accounts.commitmentActive(stream.scope)) return undefined
  const target = stream.doc.warmThroughputMiBps
  return { ...(target === undefined ? {} : { target_mi_bps: target }), current_mi_bps: capacityMiBps(stream.openShardCount) }
}
