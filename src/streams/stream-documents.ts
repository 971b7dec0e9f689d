/**
 * The catalog's documents of streams: where they are stored, and what a new stream's
 * document holds.
 */
import type { Scope } from '../scope.js'
import { evenHashRanges, type PartitionHash } from './hash-key.js'
import type { ShardDoc, Stream, StreamDoc, StreamMode } from './stream-model.js'

/** Stream documents are keyed `stream/<account>/<region>/<name>`. */
export const STREAM_PREFIX = 'stream/'
/** A deleted stream whose records are still being dropped: `dropped/<id>`. */
export const DROPPED_PREFIX = 'dropped/'
export const NEXT_ID_KEY = 'meta/next-stream-id'

export const DEFAULT_RETENTION_HOURS = 24

export function documentKey (stream: Stream): string {
  return `${STREAM_PREFIX}${stream.scope.key}/${stream.name}`
}

export interface CreateStreamSpec {
  readonly name: string
  readonly shardCount: number
  readonly mode: StreamMode
  readonly partitionHash: PartitionHash
  readonly tags: Record<string, string>
  /** The largest record in KiB; AWS's default (1,024) when absent. */
  readonly maxRecordSizeKiB?: number | undefined
  readonly warmThroughputMiBps?: number | undefined
}

/** `count` shards of generation 0 tiling the hash-key space evenly. */
function firstShards (count: number, now: number): ShardDoc[] {
  return evenHashRanges(count).map((range, index) => ({
    index,
    hashStart: range.start.toString(),
    hashEnd: range.end.toString(),
    generation: 0,
    createdAt: now
  }))
}

/** A new stream's document: CREATING for `createStreamMs` when that is set, otherwise ACTIVE at once. */
export function newStreamDoc (id: number, scope: Scope, spec: CreateStreamSpec, now: number, createStreamMs: number): StreamDoc {
  const delayed = createStreamMs > 0
  return {
    id,
    name: spec.name,
    accountId: scope.accountId,
    region: scope.region,
    status: delayed ? 'CREATING' : 'ACTIVE',
    createdAt: now,
    retentionHours: DEFAULT_RETENTION_HOURS,
    mode: spec.mode,
    partitionHash: spec.partitionHash,
    shards: firstShards(spec.shardCount, now),
    tags: { ...spec.tags },
    ...(spec.warmThroughputMiBps === undefined ? {} : { warmThroughputMiBps: spec.warmThroughputMiBps }),
    activeAt: delayed ? now + createStreamMs : undefined,
    ...(spec.maxRecordSizeKiB === undefined ? {} : { maxRecordSizeKiB: spec.maxRecordSizeKiB })
  }
}

/** A new internal stream's document (a queue's or topic's): one shard, ACTIVE at once, retention in seconds. */
export function newInternalStreamDoc (id: number, scope: Scope, name: string, retentionSeconds: number, now: number): StreamDoc {
  return {
    id,
    name,
    accountId: scope.accountId,
    region: scope.region,
    status: 'ACTIVE',
    createdAt: now,
    retentionHours: Math.max(1, Math.ceil(retentionSeconds / 3600)),
    retentionSeconds,
    mode: 'PROVISIONED',
    partitionHash: 'MURMUR3',
    shards: firstShards(1, now),
    tags: {}
  }
}
