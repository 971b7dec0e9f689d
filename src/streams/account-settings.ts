/**
 * Account-level Kinesis settings (DescribeAccountSettings, UpdateAccountSettings): today
 * the minimum throughput billing commitment. Kinesis is regional, so they are an account's
 * in one region, as every resource is (scope.ts): one document per account and region,
 * kept through the same group commit as everything else. Nothing is billed; the commitment's state machine
 * is AWS's, so a class can watch it: once ENABLED it lasts at least 24 hours, a DISABLED
 * asked for sooner waits for that time (ENABLED_UNTIL_EARLIEST_ALLOWED_END), and ENABLED
 * again before then cancels the wait.
 */
import type { Clock } from '../clock.js'
import { scopeOf, type Scope } from '../scope.js'
import type { Store } from '../storage/store.js'

const ACCOUNT_PREFIX = 'account/'

/** A commitment may not end sooner than this after it started. */
export const COMMITMENT_MINIMUM_MS = 24 * 3_600_000

export type CommitmentStatus = 'ENABLED' | 'DISABLED' | 'ENABLED_UNTIL_EARLIEST_ALLOWED_END'

/** The latest commitment, absent while the account never had one. */
interface CommitmentDoc {
  readonly startedAt: number
  readonly earliestAllowedEndAt: number
  /** When it ended, or is to end (a disable asked for before the earliest end). */
  endedAt?: number | undefined
}

interface AccountDoc {
  commitment?: CommitmentDoc | undefined
}

export interface CommitmentState {
  readonly status: CommitmentStatus
  readonly startedAt?: number | undefined
  readonly endedAt?: number | undefined
  readonly earliestAllowedEndAt?: number | undefined
}

/** `account/<account>/<region>/settings`; before regions, `account/<account>/settings`. */
function keyOf (scope: Scope): string {
  return `${ACCOUNT_PREFIX}${scope.key}/settings`
}

function stateOf (commitment: CommitmentDoc | undefined, now: number): CommitmentState {
  if (commitment === undefined) return { status: 'DISABLED' }
  const { startedAt, earliestAllowedEndAt, endedAt } = commitment
  if (endedAt === undefined) return { status: 'ENABLED', startedAt, earliestAllowedEndAt }
  if (endedAt > now) return { status: 'ENABLED_UNTIL_EARLIEST_ALLOWED_END', startedAt, earliestAllowedEndAt }
  return { status: 'DISABLED', startedAt, endedAt }
}

export class AccountSettings {
  /** By scope: only scopes whose settings were ever changed have an entry. */
  private readonly accounts = new Map<Scope, AccountDoc>()

  private constructor (private readonly store: Store, private readonly clock: Clock) {}

  /**
   * `defaultRegion`: where settings written before they were per region belong (the
   * server's region, where the streams of that time were moved too).
   */
  static async load (store: Store, clock: Clock, defaultRegion: string): Promise<AccountSettings> {
    const settings = new AccountSettings(store, clock)
    for (const [key, doc] of await store.listDocuments<AccountDoc>(ACCOUNT_PREFIX)) {
      const parts = key.slice(ACCOUNT_PREFIX.length).split('/')
      const scope = parts.length === 2 ? scopeOf(parts[0]!, defaultRegion) : scopeOf(parts[0]!, parts[1]!)
      // A per-region document wins over one from before regions.
      if (parts.length === 2 && settings.accounts.has(scope)) continue
      settings.accounts.set(scope, doc)
    }
    return settings
  }

  commitment (scope: Scope): CommitmentState {
    return stateOf(this.accounts.get(scope)?.commitment, this.clock())
  }

  /** Whether the commitment of the account in that region is in force now (warm throughput needs it). */
  commitmentActive (scope: Scope): boolean {
    return this.commitment(scope).status !== 'DISABLED'
  }

  async updateCommitment (scope: Scope, wanted: 'ENABLED' | 'DISABLED'): Promise<CommitmentState> {
    const now = this.clock()
    const doc = this.accounts.get(scope) ?? {}
    const current = doc.commitment
    const status = stateOf(current, now).status
    let next = current
    if (wanted === 'ENABLED') {
      if (status === 'DISABLED') next = { startedAt: now, earliestAllowedEndAt: now + COMMITMENT_MINIMUM_MS }
      // Enabling again before a pending end cancels it.
      else if (status === 'ENABLED_UNTIL_EARLIEST_ALLOWED_END') next = { ...current!, endedAt: undefined }
    } else if (status === 'ENABLED') {
      next = { ...current!, endedAt: Math.max(now, current!.earliestAllowedEndAt) }
    }
    if (next !== current) {
      const updated: AccountDoc = { ...doc, commitment: next }
      // In memory first, as the stream catalog does: a call that follows sees this one.
      this.accounts.set(scope, updated)
      const batch = this.store.batch()
      batch.putDocument(keyOf(scope), updated)
      await this.store.commit(batch)
    }
    return stateOf(next, now)
  }
}
