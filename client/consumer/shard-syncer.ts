/**
 * Creates the leases of the shards that need processing, with their lineage.
 *
 * A shard whose parent has a lease is a child to process after it: it starts at its own trim
 * horizon and lists the parents it waits for. A shard without tracked parents is a root and
 * starts at the initial position: with TRIM_HORIZON every retained shard gets a lease (closed
 * ancestors first, so their records come before their children's); with LATEST only open
 * shards do. Creation is idempotent (CreateLeaseIfAbsent), so every worker can sync.
 */
import type { StreamClient } from '../stream-client.js'
import type { ChildShard, Shard } from '../types.js'
import type { Lease, LeaseApi, ServerClock } from './lease-api.js'
import { streamRef, type InitialPosition } from './options.js'

export interface ShardSyncerOptions {
  streams: StreamClient
  api: LeaseApi
  clock: ServerClock
  stream: string
  table: string
  initialPosition: InitialPosition
  /** The leases known now; created leases are reported through onCreated. */
  known: ReadonlyMap<string, Lease>
  onCreated: (lease: Lease) => void
}

async function listAllShards (streams: StreamClient, stream: string): Promise<Shard[]> {
  const shards: Shard[] = []
  let page = await streams.listShards(streamRef(stream))
  shards.push(...page.shards)
  while (page.nextToken !== undefined && page.nextToken !== '') {
    page = await streams.listShards({ nextToken: page.nextToken })
    shards.push(...page.shards)
  }
  return shards
}

/**
 * LATEST is recorded as the server time of creation (AT_TIMESTAMP): a lease still at LATEST
 * when it changes hands would otherwise skip whatever arrived between the two workers' reads.
 */
function rootCheckpoint (initial: InitialPosition, serverNow: number): { checkpoint: string, checkpointTimestamp?: number } {
  if (initial === 'TRIM_HORIZON') return { checkpoint: initial }
  if (initial === 'LATEST') return { checkpoint: 'AT_TIMESTAMP', checkpointTimestamp: Math.floor(serverNow) }
  const ms = initial.timestamp instanceof Date ? initial.timestamp.getTime() : initial.timestamp
  return { checkpoint: 'AT_TIMESTAMP', checkpointTimestamp: ms }
}

/** Returns how many leases this call created. */
export async function syncShardLeases (options: ShardSyncerOptions): Promise<number> {
  const shards = await listAllShards(options.streams, options.stream)
  const tracked = new Set(options.known.keys())
  const openOnly = options.initialPosition === 'LATEST'
  let created = 0
  // Shard ids grow with creation, so parents come before their children.
  shards.sort((a, b) => a.shardId < b.shardId ? -1 : a.shardId > b.shardId ? 1 : 0)
  for (const shard of shards) {
    if (tracked.has(shard.shardId)) continue
    const parents = [shard.parentShardId, shard.adjacentParentShardId].filter((p): p is string => p !== undefined && p !== '' && tracked.has(p))
    const closed = shard.sequenceNumberRange.endingSequenceNumber !== undefined
    if (parents.length === 0 && closed && openOnly) continue
    const start = parents.length > 0 ? { checkpoint: 'TRIM_HORIZON' } : rootCheckpoint(options.initialPosition, options.clock.now())
    const { lease, created: isNew, serverTimeMs } = await options.api.createLeaseIfAbsent({
      leaseTable: options.table,
      leaseKey: shard.shardId,
      ...start,
      parentShardIds: parents,
      hashKeyRange: shard.hashKeyRange
    })
    options.clock.observe(serverTimeMs)
    options.onCreated(lease)
    tracked.add(shard.shardId)
    if (isNew) created++
  }
  return created
}

/** At the end of a shard: the children's leases, created before the parent is marked SHARD_END. */
export async function createChildLeases (options: Pick<ShardSyncerOptions, 'api' | 'clock' | 'table' | 'onCreated'>, children: ChildShard[]): Promise<void> {
  for (const child of children) {
    const { lease, serverTimeMs } = await options.api.createLeaseIfAbsent({
      leaseTable: options.table,
      leaseKey: child.shardId,
      checkpoint: 'TRIM_HORIZON',
      parentShardIds: child.parentShards,
      hashKeyRange: child.hashKeyRange
    })
    options.clock.observe(serverTimeMs)
    options.onCreated(lease)
  }
}
