/**
 * Every lease table of the server, opened on first use, and the live watches, so that
 * shutting down can end them. Tables belong to an account and region, like every
 * resource: actions reach them through a scope's view (`in`).
 */
import type { ServerConfig } from '../config.js'
import type { Scope } from '../scope.js'
import type { Store } from '../storage/store.js'
import { LeaseTable, shuttingDown } from './lease-table.js'
import { LeaseWatch, type WatchEvent } from './lease-watch.js'

/** Set once the lease tables of a data directory are stored under scoped names. */
const LAYOUT_KEY = 'meta/lease-tables-scoped'

/**
 * The name a scope's table is stored under: `<account>:<region>:<table>`. Table names
 * cannot hold ':', so a name without one is a table from before scopes.
 */
function storageName (scope: Scope, table: string): string {
  return `${scope.accountId}:${scope.region}:${table}`
}

/** The lease tables of one account and region, as actions see them (`ctx.leases`). */
export interface ScopedLeases {
  table (name: string): LeaseTable
  watch (name: string, sendInitial: boolean, send: (event: WatchEvent) => Promise<void>, signal: AbortSignal): Promise<void>
}

export class LeaseRegistry {
  private readonly tables = new Map<string, LeaseTable>()
  /** The scope of each table in `tables`, by storage name (held as long as its table is). */
  private readonly scopes = new Map<string, Scope>()
  /** Weak, as scopes are (scope.ts): a scope nothing holds takes its view with it. */
  private readonly views = new WeakMap<Scope, ScopedLeases>()
  private readonly watches = new Set<LeaseWatch>()
  private closed = false

  private constructor (private readonly store: Store, private readonly config: ServerConfig) {}

  /**
   * Opens the registry. A data directory from before scopes kept each table under its bare
   * name; those tables belong to the server's default account and region and are moved to
   * their scoped names once, in one atomic write.
   */
  static async open (store: Store, config: ServerConfig, defaults: Scope): Promise<LeaseRegistry> {
    if (await store.getDocument<boolean>(LAYOUT_KEY) !== true) {
      await store.renameLeaseTables((table) => (table.includes(':') ? undefined : storageName(defaults, table)))
      const batch = store.batch()
      batch.putDocument(LAYOUT_KEY, true)
      await store.commit(batch)
    }
    return new LeaseRegistry(store, config)
  }

  in (scope: Scope): ScopedLeases {
    let view = this.views.get(scope)
    if (view === undefined) {
      view = {
        table: (name) => this.table(scope, name),
        watch: (name, sendInitial, send, signal) => this.watch(scope, name, sendInitial, send, signal)
      }
      this.views.set(scope, view)
    }
    return view
  }

  /** The names of the scope's tables used since the server started (a table is opened on first use). */
  openTables (scope: Scope): string[] {
    const prefix = storageName(scope, '')
    return [...this.tables.keys()].filter((key) => key.startsWith(prefix)).map((key) => key.slice(prefix.length)).sort()
  }

  /** The table of that name in the scope; a table that was never written is simply empty. */
  table (scope: Scope, name: string): LeaseTable {
    if (this.closed) throw shuttingDown()
    const stored = storageName(scope, name)
    let table = this.tables.get(stored)
    if (table === undefined) {
      table = new LeaseTable(name, stored, this.store, this.config.clock)
      this.tables.set(stored, table)
      this.scopes.set(stored, scope)
    }
    return table
  }

  /** The tables used since the server started, with their scopes (for /metrics). */
  loaded (): Array<{ readonly scope: Scope, readonly table: LeaseTable }> {
    return [...this.tables].map(([stored, table]) => ({ scope: this.scopes.get(stored)!, table }))
  }

  /** Runs a watch until the client leaves (`signal`) or the server shuts down. */
  async watch (scope: Scope, name: string, sendInitial: boolean, send: (event: WatchEvent) => Promise<void>, signal: AbortSignal): Promise<void> {
    const watch = new LeaseWatch(this.table(scope, name), { sendInitial, heartbeatMs: this.config.leaseWatchHeartbeatMs, clock: this.config.clock }, send)
    const leave = (): void => watch.stop()
    signal.addEventListener('abort', leave)
    this.watches.add(watch)
    try {
      if (signal.aborted) return
      await watch.run()
    } finally {
      signal.removeEventListener('abort', leave)
      this.watches.delete(watch)
    }
  }

  /** Ends every watch with SHUTTING_DOWN and stops expiry timers; writes in flight finish. */
  close (): void {
    this.closed = true
    for (const watch of this.watches) watch.stop(shuttingDown())
    for (const table of this.tables.values()) table.close()
  }
}
