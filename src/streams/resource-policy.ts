/**
 * Cross-account access, as AWS decides it for Kinesis: a caller of another account than
 * the stream's (or consumer's) reaches it only when the resource's policy
 * (PutResourcePolicy) allows the caller's account that action on that resource, and no
 * statement denies it. Within its own account a caller needs no policy (shardline has no
 * IAM: an account's callers may do everything to its resources).
 *
 * The evaluation covers what resource policies for Kinesis hold: Effect, Principal (`*`,
 * an account id, or any IAM ARN of the account: shardline knows callers only by
 * account), Action (`kinesis:PutRecord`, wildcards such as `kinesis:Get*`, case-
 * insensitive) and Resource (ARNs with `*` and `?`). A statement with a Condition or a
 * NotAction/NotPrincipal/NotResource element cannot be decided without IAM's context and
 * grants nothing (and denies nothing). The resource-policy operations themselves are only
 * ever the owner's, as in AWS.
 */
import { ServiceError } from '../errors.js'
import type { Scope } from '../scope.js'

/** What only the resource's own account may do, whatever a policy says. */
const OWNER_ONLY: ReadonlySet<string> = new Set(['PutResourcePolicy', 'GetResourcePolicy', 'DeleteResourcePolicy'])

type Verdict = 'allow' | 'deny' | 'none'

interface Statement {
  readonly Effect?: unknown
  readonly Principal?: unknown
  readonly Action?: unknown
  readonly Resource?: unknown
  readonly Condition?: unknown
  readonly NotAction?: unknown
  readonly NotPrincipal?: unknown
  readonly NotResource?: unknown
}

function listOf (value: unknown): unknown[] {
  return Array.isArray(value) ? value : [value]
}

/** An IAM wildcard pattern (`*`, `?`) as a whole-string regular expression. */
function wildcard (pattern: string, flags = ''): RegExp {
  const body = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')
  return new RegExp(`^${body}$`, flags)
}

function principalMatches (principal: unknown, accountId: string): boolean {
  if (principal === '*') return true
  if (typeof principal !== 'object' || principal === null) return false
  return listOf((principal as { AWS?: unknown }).AWS).some((p) => {
    if (typeof p !== 'string') return false
    if (p === '*' || p === accountId) return true
    // arn:aws:iam::<account>:root, :user/..., :role/...; arn:aws:sts::<account>:assumed-role/...
    const match = /^arn:aws[\w-]*:(?:iam|sts)::(\d{12}):/.exec(p)
    return match !== null && match[1] === accountId
  })
}

function actionMatches (actions: unknown, action: string): boolean {
  return listOf(actions).some((a) => typeof a === 'string' && (a === '*' || wildcard(a, 'i').test(`kinesis:${action}`)))
}

function resourceMatches (resources: unknown, arn: string): boolean {
  return listOf(resources).some((r) => typeof r === 'string' && wildcard(r).test(arn))
}

function verdictOf (policy: string | undefined, accountId: string, action: string, arn: string): Verdict {
  if (policy === undefined) return 'none'
  let statements: unknown[]
  try {
    statements = listOf((JSON.parse(policy) as { Statement?: unknown }).Statement)
  } catch {
    return 'none'
  }
  let verdict: Verdict = 'none'
  for (const s of statements) {
    if (typeof s !== 'object' || s === null) continue
    const st = s as Statement
    if (st.Condition !== undefined || st.NotAction !== undefined || st.NotPrincipal !== undefined || st.NotResource !== undefined) continue
    if (!principalMatches(st.Principal, accountId) || !actionMatches(st.Action, action) || !resourceMatches(st.Resource, arn)) continue
    // An explicit deny wins over any allow.
    if (st.Effect === 'Deny') return 'deny'
    if (st.Effect === 'Allow') verdict = 'allow'
  }
  return verdict
}

/**
 * Throws AccessDeniedException, in AWS's words, unless the caller (`caller`) may perform
 * `action` on the resource `arn` of account `ownerAccountId`, whose policy is `policy`.
 */
export function authorize (caller: Scope, ownerAccountId: string, action: string, arn: string, policy: string | undefined): void {
  if (caller.accountId === ownerAccountId) return
  const verdict = OWNER_ONLY.has(action) ? 'none' : verdictOf(policy, caller.accountId, action, arn)
  if (verdict === 'allow') return
  const why = verdict === 'deny' ? 'with an explicit deny in a resource-based policy' : `because no resource-based policy allows the kinesis:${action} action`
  throw new ServiceError('RESOURCE_ACCESS_DENIED', `User: arn:aws:iam::${caller.accountId}:root is not authorized to perform: kinesis:${action} on resource: ${arn} ${why}`)
}
