/**
 * Where a resource lives: an AWS account and a region. Streams, consumers, lease tables
 * (and queues and topics) belong to exactly one scope, as they do in AWS, so two regions
 * can hold streams of the same name. A request's scope comes from its SigV4 credential
 * scope (HTTP), its metadata (gRPC), or the server's defaults.
 */
import { ServiceError } from './errors.js'

export interface Scope {
  readonly accountId: string
  readonly region: string
  /** `<account>/<region>`: the scope's part of storage keys and map keys. */
  readonly key: string
}

/** gRPC request metadata keys that choose a call's account and region (the defaults: --account-id, --region). */
export const SCOPE_METADATA = {
  accountId: 'shardline-account-id',
  region: 'shardline-region'
} as const

export const ACCOUNT_ID_PATTERN = /^\d{12}$/
/** AWS's region names (`us-east-1`, `eu-central-2`) and the short names emulators use (`local`). */
export const REGION_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,30}[a-z0-9])?$/

/**
 * Interned weakly: a scope stays while anything holds it (a stream, a lease table, a queue,
 * a request in progress), so identity holds for as long as it can be observed, and a scope
 * only ever named by requests (any 12-digit access key id is an account, any credential
 * scope a region) is released with them. Per-scope caches are WeakMaps for the same reason.
 */
const interned = new Map<string, WeakRef<Scope>>()
const released = new FinalizationRegistry<string>((key) => {
  // Another scope of the same key may have been interned since this one was released.
  if (interned.get(key)?.deref() === undefined) interned.delete(key)
})

/** How many scopes are interned now (diagnostics and tests). */
export function internedScopeCount (): number {
  return interned.size
}

/**
 * The one Scope object of an account and region, so that scopes compare by identity and
 * per-scope caches hit without building keys. Arguments must be valid (checked by callers
 * that take them from a request).
 */
export function scopeOf (accountId: string, region: string): Scope {
  const key = `${accountId}/${region}`
  let scope = interned.get(key)?.deref()
  if (scope === undefined) {
    scope = Object.freeze({ accountId, region, key })
    interned.set(key, new WeakRef(scope))
    released.register(scope, key)
  }
  return scope
}

/**
 * The scope a request names, or the default for what it leaves out. A malformed account or
 * region is refused: silently using the default would put the caller's resources somewhere
 * it did not ask for.
 */
export function requestScope (defaults: Scope, accountId: string | undefined, region: string | undefined, where: string): Scope {
  const account = accountId === undefined || accountId === '' ? defaults.accountId : accountId
  const reg = region === undefined || region === '' ? defaults.region : region
  if (!ACCOUNT_ID_PATTERN.test(account)) {
    throw new ServiceError('VALIDATION_FAILED', `The account id '${account}' in ${where} is not valid: an AWS account id is 12 digits.`)
  }
  if (!REGION_PATTERN.test(reg)) {
    throw new ServiceError('VALIDATION_FAILED', `The region '${reg}' in ${where} is not valid: a region is lower-case letters, digits and dashes, such as us-east-1.`)
  }
  return account === defaults.accountId && reg === defaults.region ? defaults : scopeOf(account, reg)
}
