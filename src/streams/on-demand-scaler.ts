/**
 * ON_DEMAND streams scale themselves, as in AWS, with AWS's per-shard write limits (1 MiB/s
 * and 1,000 records/s; `--limits aws`), which are what make scaling needed.
 *
 * Every check (1 s by default) samples each open shard's write load: the share of its
 * limit it used over the trailing second, read from the sliding windows that enforce the
 * limit, so the write path does no extra work. Then, per ACTIVE stream:
 *
 * - A shard whose load, averaged over the scale-up time (60 s by default; AWS: within 15
 *   minutes), is over half its limit (AWS splits a shard past 500 KB/s) is split in half,
 *   hottest first. The average, not each sample, decides, so a producer's pauses and bursts
 *   do not reset the timing. A stream under a load beyond its shards doubles each time, so
 *   it ends with room for twice the load, as AWS's on-demand streams keep room for twice
 *   their peak.
 * - Two neighbouring shards of the same size whose every sample has been under a quarter of
 *   their limit for the scale-down time (24 h by default) are merged; the merged shard then
 *   carries under half, so it is not split again. A stream never goes below 4 open shards
 *   (AWS's on-demand start: 4 MiB/s and 4,000 records/s) nor below its warm throughput,
 *   which holds only while the account's throughput billing commitment does.
 * - Splits stay within the stream's 10,000 shards (10 GiB/s of writes: AWS caps on-demand
 *   streams by throughput). The account's shard quota is for PROVISIONED streams only.
 *
 * Splits and merges are the real ones (resharding.ts), with lineage; consumers follow them
 * as any reshard. Load history is kept in memory only: a restart starts the timings afresh.
 */
import type { Logger } from 'pino'
import type { ServerConfig } from '../config.js'
import type { AccountSettings } from './account-settings.js'
import { LoadAverage } from './load-average.js'
import { MAX_GENERATION, MAX_OPEN_SHARDS, mergeShards, middleOf, splitShard } from './resharding.js'
import type { Shard, Stream, StreamDoc } from './stream-model.js'
import type { StreamRegistry } from './stream-registry.js'

/** Open shards an ON_DEMAND stream starts with and keeps at least. */
export const ON_DEMAND_MIN_SHARDS = 4
/** AWS: a warm throughput of at most 10 GiB/s. */
export const MAX_WARM_THROUGHPUT_MIBPS = 10_240

const HOT = 0.5
const COLD = 0.25

/** The write throughput, in MiB/s, that `shards` open shards take. */
export function capacityMiBps (shards: number): number {
  return shards
}

/** The open shards a warm throughput needs: each shard takes 1 MiB/s. */
export function shardsForThroughput (mibps: number): number {
  return Math.ceil(mibps)
}

/**
 * The fewest open shards an ON_DEMAND stream keeps: 4, or what its warm throughput needs.
 * Warm throughput exists only while the account's MinimumThroughputBillingCommitment is in
 * force (`committed`), as in AWS: without it the stream's is 0.
 */
export function onDemandFloor (doc: StreamDoc, committed: boolean): number {
  return Math.max(ON_DEMAND_MIN_SHARDS, committed ? shardsForThroughput(doc.warmThroughputMiBps ?? 0) : 0)
}

export class OnDemandScaler {
  private timer: NodeJS.Timeout | undefined
  private running: Promise<void> | undefined

  constructor (private readonly streams: StreamRegistry, private readonly accounts: AccountSettings, private readonly config: ServerConfig, private readonly log: Logger) {}

  /** Samples on a timer; without the limits (`off`) shards take any load and nothing scales. */
  start (): void {
    if (this.config.onDemandCheckMs <= 0 || this.config.limits !== 'aws') return
    this.timer = setInterval(() => {
      this.scaleNow().catch((err: unknown) => this.log.error({ err }, 'on-demand scaling failed'))
    }, this.config.onDemandCheckMs)
    this.timer.unref()
  }

  /** Samples every ON_DEMAND stream and scales it now; concurrent calls share the pass. */
  scaleNow (): Promise<void> {
    this.running ??= this.pass().finally(() => { this.running = undefined })
    return this.running
  }

  async stop (): Promise<void> {
    clearInterval(this.timer)
    await this.running
  }

  private async pass (): Promise<void> {
    for (const stream of this.streams.all()) {
      const { mode, status } = stream.doc
      if (mode !== 'ON_DEMAND' || (status !== 'ACTIVE' && status !== 'UPDATING')) continue
      const now = this.config.clock()
      const open = stream.openShardsByHash
      for (const shard of open) this.sample(shard, now)
      // Checked right before the change, with no await in between: a stream deleted or
      // switched meanwhile is left alone.
      if (status !== 'ACTIVE' || this.streams.findById(stream.id) !== stream || stream.doc.mode !== 'ON_DEMAND') continue
      const hot = this.due(stream, open, now)
      if (hot.length > 0) {
        await this.streams.reshard(stream, () => {
          for (const shard of hot) splitShard(stream, shard, middleOf(shard), this.config.clock, false)
          stream.reindex()
        })
        this.log.info({ stream: stream.name, split: hot.map((s) => s.id), open: stream.openShardCount }, 'on-demand stream scaled up')
        continue
      }
      const pairs = this.coldPairs(stream, open, now)
      if (pairs.length > 0) {
        await this.streams.reshard(stream, () => {
          for (const [lower, upper] of pairs) mergeShards(stream, lower, upper, this.config.clock, false)
          stream.reindex()
        })
        this.log.info({ stream: stream.name, merged: pairs.map(([a, b]) => [a.id, b.id]), open: stream.openShardCount }, 'on-demand stream scaled down')
      }
    }
  }

  /** The shards whose load over the scale-up time is over half their limit, hottest first, as many as the stream may still add. */
  private due (stream: Stream, open: readonly Shard[], now: number): Shard[] {
    const loads = new Map<Shard, number>()
    for (const shard of open) {
      const load = shard.upLoad?.average(now)
      if (load !== undefined && load > HOT && shard.doc.generation + 1 <= MAX_GENERATION && shard.width >= 4n) loads.set(shard, load)
    }
    const hot = [...loads.keys()].sort((a, b) => loads.get(b)! - loads.get(a)!)
    return hot.slice(0, Math.max(0, Math.min(hot.length, MAX_OPEN_SHARDS - open.length)))
  }

  private sample (shard: Shard, now: number): void {
    const use = shard.writeUse()
    shard.upLoad ??= new LoadAverage(this.config.onDemandScaleUpMs, now)
    shard.upLoad.add(now, use)
    if (use < COLD) shard.coldSince ??= now
    else shard.coldSince = undefined
  }

  /** Disjoint neighbouring pairs of equal size, both cold for long enough, down to the floor. */
  private coldPairs (stream: Stream, open: readonly Shard[], now: number): Array<[Shard, Shard]> {
    const cold = (s: Shard): boolean => s.coldSince !== undefined && now - s.coldSince >= this.config.onDemandScaleDownMs
    let spare = open.length - onDemandFloor(stream.doc, this.accounts.commitmentActive(stream.scope))
    const pairs: Array<[Shard, Shard]> = []
    for (let i = 0; i + 1 < open.length && spare > 0; i++) {
      const [a, b] = [open[i]!, open[i + 1]!]
      if (!cold(a) || !cold(b) || !sameSize(a, b)) continue
      pairs.push([a, b])
      spare -= 1
      i += 1
    }
    return pairs
  }
}

/** Halves of one shard differ by a key at most; the last even shard holds a few more. */
function sameSize (a: Shard, b: Shard): boolean {
  const [small, large] = a.width < b.width ? [a.width, b.width] : [b.width, a.width]
  return (large - small) * 1000n <= large
}
