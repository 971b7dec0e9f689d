/**
 * The per-stream quotas of calls per rolling 24 hours (UpdateShardCount, UpdateStreamMode,
 * StartStreamEncryption and StopStreamEncryption), kept as the times of the calls in the
 * stream's document.
 */
import { ServiceError } from '../../errors.js'
import type { ActionContext } from '../action.js'

const DAY_MS = 86_400_000

/**
 * Counts a call made at `now` against a quota of `perDay` calls per rolling 24 hours, or
 * refuses it (with `--limits aws`) with `refusal`'s message, given how many there were.
 * Returns the times to keep: the calls of the last 24 hours, this one included.
 */
export function countDailyCall (ctx: ActionContext, calls: readonly number[] | undefined, now: number, perDay: number, refusal: (count: number) => string): number[] {
  const recent = (calls ?? []).filter((t) => t > now - DAY_MS)
  if (ctx.config.limits === 'aws' && recent.length >= perDay) throw new ServiceError('LIMIT_EXCEEDED', refusal(recent.length))
  return [...recent, now]
}
