/**
 * Cross-account access, as AWS decides it for Kinesis: a caller of another account than
 * the stream's (or consumer's) reaches it only when the resource's policy
 * (PutResourcePolicy) allows the caller's account that action on that resource, and no
 * statement denies it (the evaluation is src/resource-policy.ts, shared with SNS topics).
 * Within its own account a caller needs no policy (shardline has no IAM: an account's
 * callers may do everything to its resources). The resource-policy operations themselves
 * are only ever the owner's, as in AWS.
 */
import { ServiceError } from '../errors.js'
import { policyVerdict, refusal } from '../resource-policy.js'
import type { Scope } from '../scope.js'

/** What only the resource's own account may do, whatever a policy says. */
const OWNER_ONLY: ReadonlySet<string> = new Set(['PutResourcePolicy', 'GetResourcePolicy', 'DeleteResourcePolicy'])

/**
 * Throws AccessDeniedException, in AWS's words, unless the caller (`caller`) may perform
 * `action` on the resource `arn` of account `ownerAccountId`, whose policy is `policy`.
 */
export function authorize (caller: Scope, ownerAccountId: string, action: string, arn: string, policy: string | undefined): void {
  if (caller.accountId === ownerAccountId) return
  const qualified = `kinesis:${action}`
  const verdict = OWNER_ONLY.has(action) ? 'none' : policyVerdict(policy, caller.accountId, qualified, arn)
  if (verdict === 'allow') return
  throw new ServiceError('RESOURCE_ACCESS_DENIED', refusal(caller.accountId, qualified, arn, verdict))
}
