/**
 * Account quotas, per account and region, as AWS counts them: open shards over the
 * PROVISIONED streams (whatever their state), and the number of ON_DEMAND streams, whose
 * shards AWS caps by throughput instead of by the shard quota.
 */
import type { ServerConfig } from '../config.js'
import type { ScopedStreams } from './scoped-streams.js'

/** AWS's default shard quota is 500 in these regions and 200 in every other. */
const LARGE_QUOTA_REGIONS = new Set(['us-east-1', 'us-west-2', 'eu-west-1'])

/** The open-shard quota of an account in `region`: the configured one, else AWS's default there. */
export function shardQuota (config: ServerConfig, region: string): number {
  return config.shardLimit ?? (LARGE_QUOTA_REGIONS.has(region) ? 500 : 200)
}

/** Whether `additional` more open shards stay within the quota of the streams' scope (always, with limits off). */
export function shardsFit (streams: ScopedStreams, config: ServerConfig, additional: number): boolean {
  return config.limits === 'off' || additional <= 0 || streams.provisionedShardTotal() + additional <= shardQuota(config, streams.scope.region)
}
