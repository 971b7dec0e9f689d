/**
 * SNS's account-level resources, kept and returned: platform applications and their
 * endpoints (mobile push; deliveries go to the outbox), SMS attributes, the SMS sandbox's
 * phone numbers, opted-out numbers and origination numbers. They change rarely and are
 * small, so each account and region keeps them in one document
 * (`sns-account/<account>/<region>`), rewritten on each change.
 */
import type { Scope } from '../scope.js'
import type { Store } from '../storage/store.js'
import type { RecordWriter } from '../streams/record-writer.js'

const PREFIX = 'sns-account/'

export interface PlatformApplication {
  readonly arn: string
  readonly name: string
  readonly platform: string
  attributes: Record<string, string>
}

export interface PlatformEndpoint {
  readonly arn: string
  readonly applicationArn: string
  attributes: Record<string, string>
}

export interface SandboxNumber {
  readonly phoneNumber: string
  status: 'Pending' | 'Verified'
  readonly oneTimePassword: string
  readonly languageCode?: string | undefined
}

export interface AccountResources {
  applications: Record<string, PlatformApplication>
  endpoints: Record<string, PlatformEndpoint>
  smsAttributes: Record<string, string>
  sandbox: Record<string, SandboxNumber>
  optedOut: string[]
}

function empty (): AccountResources {
  return { applications: {}, endpoints: {}, smsAttributes: {}, sandbox: {}, optedOut: [] }
}

export class AccountResourceStore {
  private readonly byScope = new Map<string, AccountResources>()

  private constructor (private readonly writer: RecordWriter) {}

  static async load (store: Store, writer: RecordWriter): Promise<AccountResourceStore> {
    const out = new AccountResourceStore(writer)
    for (const [key, doc] of await store.listDocuments<AccountResources>(PREFIX)) out.byScope.set(key.slice(PREFIX.length), { ...empty(), ...doc })
    return out
  }

  of (scope: Scope): AccountResources {
    let resources = this.byScope.get(scope.key)
    if (resources === undefined) {
      resources = empty()
      this.byScope.set(scope.key, resources)
    }
    return resources
  }

  /** Applies `change` to the scope's resources and writes them back; resolves once durable. */
  async change<T> (scope: Scope, change: (resources: AccountResources) => T): Promise<T> {
    const resources = this.of(scope)
    const result = change(resources)
    const staged = this.writer.stage()
    staged.batch.putDocument(PREFIX + scope.key, resources)
    await staged.commit()
    return result
  }
}
