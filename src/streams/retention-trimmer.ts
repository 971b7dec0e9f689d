/**
 * Deletes records older than each stream's retention period. Readers never see expired
 * records whether or not the trimmer has run yet (they skip to the retention horizon), so
 * this only reclaims space; it runs in the background at a modest interval.
 */
import type { Logger } from 'pino'
import type { ServerConfig } from '../config.js'
import type { Store } from '../storage/store.js'
import type { StreamRegistry } from './stream-registry.js'

export class RetentionTrimmer {
  private timer: NodeJS.Timeout | undefined
  private running: Promise<void> | undefined

  constructor (
    private readonly store: Store,
    private readonly registry: StreamRegistry,
    private readonly config: ServerConfig,
    private readonly log: Logger
  ) {}

  start (): void {
    this.timer = setInterval(() => {
      this.trimNow().catch((err: unknown) => this.log.error({ err }, 'retention trimming failed'))
    }, this.config.trimIntervalMs)
    this.timer.unref()
  }

  /** Runs one pass now; concurrent calls share the pass in progress. */
  trimNow (): Promise<void> {
    this.running ??= this.pass().finally(() => { this.running = undefined })
    return this.running
  }

  async stop (): Promise<void> {
    clearInterval(this.timer)
    await this.running
  }

  private async pass (): Promise<void> {
    const now = this.config.clock()
    for (const stream of this.registry.all()) {
      const cutoff = stream.horizon(now)
      const expired = await this.registry.expireClosedShards(stream, cutoff)
      for (const shard of [...stream.shardList, ...expired]) {
        await this.store.trimRecords(stream.id, shard.index, cutoff)
      }
    }
  }
}
