/**
 * Resource-based policies, as AWS evaluates them for cross-account callers: Kinesis's
 * stream and consumer policies (PutResourcePolicy) and SNS topics' access policies
 * (the Policy attribute) are decided here, by one evaluator.
 *
 * It covers what such policies hold: Effect, Principal (`*`, an account id, or any IAM ARN
 * of the account: shardline knows callers only by account), Action (`kinesis:PutRecord`,
 * `SNS:Publish`, wildcards such as `kinesis:Get*`, case-insensitive) and Resource (ARNs
 * with `*` and `?`). A statement with a Condition or a NotAction/NotPrincipal/NotResource
 * element cannot be decided without IAM's context and grants nothing (and denies
 * nothing). An explicit deny wins over any allow.
 */

export type Verdict = 'allow' | 'deny' | 'none'

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
  return listOf(actions).some((a) => typeof a === 'string' && (a === '*' || wildcard(a, 'i').test(action)))
}

function resourceMatches (resources: unknown, arn: string): boolean {
  return listOf(resources).some((r) => typeof r === 'string' && wildcard(r).test(arn))
}

/**
 * What `policy` (JSON text, or none) says about account `accountId` performing `action`
 * (service-qualified: `kinesis:GetRecords`, `SNS:Publish`) on the resource `arn`.
 */
export function policyVerdict (policy: string | undefined, accountId: string, action: string, arn: string): Verdict {
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
    if (st.Effect === 'Deny') return 'deny'
    if (st.Effect === 'Allow') verdict = 'allow'
  }
  return verdict
}

/** AWS's words for a refusal: `User: ... is not authorized to perform: <action> on resource: <arn> <why>`. */
export function refusal (accountId: string, action: string, arn: string, verdict: Verdict): string {
  const why = verdict === 'deny' ? 'with an explicit deny in a resource-based policy' : `because no resource-based policy allows the ${action} action`
  return `User: arn:aws:iam::${accountId}:root is not authorized to perform: ${action} on resource: ${arn} ${why}`
}
