/**
 * Account-level Kinesis settings (DescribeAccountSettings, UpdateAccountSettings): today
 * the minimum throughput billing commitment. One document per account, kept through the
 * same group commit as everything else. Nothing is billed; the commitment's state machine
 * is AWS's, so a class can watch it: once ENABLED it lasts at least 24 hours, a DISABLED
 * asked for sooner waits for that time (ENABLED_UNTIL_EARLIEST_ALLOWED_END), and ENABLED
 * again before then cancels the wait.
 */
import type { Clock } from '../clock.js'
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

function keyOf (accountId: string): string {
  return `${ACCOUNT_PREFIX}${accountId}/settings`
}

function stateOf (commitment: CommitmentDoc | undefined, now: number): CommitmentState {
  if (commitment === undefined) return { status: 'DISABLED' }
  const { startedAt, earliestAllowedEndAt, endedAt } = commitment
  if (endedAt === undefined) return { status: 'ENABLED', startedAt, earliestAllowedEndAt }
  if (endedAt > now) return { status: 'ENABLED_UNTIL_EARLIEST_ALLOWED_END', startedAt, earliestAllowedEndAt }
  return { status: 'DISABLED', startedAt, endedAt }
}

export class AccountSettings {
  private readonly accounts = new Map<string, AccountDoc>()

  private constructor (private readonly store: Store, private readonly clock: Clock) {}

  static async load (store: Store, clock: Clock): Promise<AccountSettings> {
    const settings = new AccountSettings(store, clock)
    for (const [key, doc] of await store.listDocuments<AccountDoc>(ACCOUNT_PREFIX)) {
      const accountId = key.slice(ACCOUNT_PREFIX.length).split('/')[0]!
      settings.accounts.set(accountId, doc)
    }
    return settings
  }

  commitment (accountId: string): CommitmentState {
    return stateOf(this.accounts.get(accountId)?.commitment, this.clock())
  }

  /** Whether the account's commitment is in force now (warm throughput needs it). */
  commitmentActive (accountId: string): boolean {
    return this.commitment(accountId).status !== 'DISABLED'
  }

  async updateCommitment (accountId: string, wanted: 'ENABLED' | 'DISABLED'): Promise<CommitmentState> {
    const now = this.clock()
    const doc = this.accounts.get(accountId) ?? {}
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
      this.accounts.set(accountId, updated)
      const batch = this.store.batch()
      batch.putDocument(keyOf(accountId), updated)
      await this.store.commit(batch)
    }
    return stateOf(next, now)
  }
}
