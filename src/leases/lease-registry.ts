/**
 * Every lease table of the server, opened on first use, and the live watches, so that
 * shutting down can end them.
 */
import type { ServerConfig } from '../config.js'
import type { Store } from '../storage/store.js'
import { LeaseTable, shuttingDown } from './lease-table.js'
import { LeaseWatch, type WatchEvent } from './lease-watch.js'

export class LeaseRegistry {
  private readonly tables = new Map<string, LeaseTable>()
  private readonly watches = new Set<LeaseWatch>()
  private closed = false

  constructor (private readonly store: Store, private readonly config: ServerConfig) {}

  /** The table of that name; a table that was never written is simply empty. */
  table (name: string): LeaseTable {
    if (this.closed) throw shuttingDown()
    let table = this.tables.get(name)
    if (table === undefined) {
      table = new LeaseTable(name, this.store, this.config.clock)
      this.tables.set(name, table)
    }
    return table
  }

  /** Runs a watch until the client leaves (`signal`) or the server shuts down. */
  async watch (name: string, sendInitial: boolean, send: (event: WatchEvent) => Promise<void>, signal: AbortSignal): Promise<void> {
    const watch = new LeaseWatch(this.table(name), { sendInitial, heartbeatMs: this.config.leaseWatchHeartbeatMs, clock: this.config.clock }, send)
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
