/**
 * The catalog of streams: loaded from storage at start, kept in memory, and written back
 * through the same group commit as records so that catalog changes and record writes are
 * ordered together.
 */
import type { Logger } from 'pino'
import type { ServerConfig } from '../config.js'
import { ServiceError } from '../errors.js'
import type { Store } from '../storage/store.js'
import { evenHashRanges, type PartitionHash } from './hash-key.js'
import { Shard, Stream, type ShardDoc, type StreamDoc, type StreamMode, type StreamStatus } from './stream-model.js'

const STREAM_PREFIX = 'stream/'
const DROPPED_PREFIX = 'dropped/'
const NEXT_ID_KEY = 'meta/next-stream-id'

export const DEFAULT_RETENTION_HOURS = 24

export interface StreamRef {
  readonly stream_name?: string | undefined
  readonly stream_arn?: string | undefined
}

export interface CreateStreamSpec {
  readonly name: string
  readonly shardCount: number
  readonly mode: StreamMode
  readonly partitionHash: PartitionHash
  readonly tags: Record<string, string>
}

/** Which stream states an operation accepts, and what a stream in another state gets. */
export type StatusRule = 'readable' | 'writable' | 'mutable' | 'any'

const RULES: Record<StatusRule, readonly StreamStatus[]> = {
  any: ['CREATING', 'DELETING', 'ACTIVE', 'UPDATING'],
  // Kinesis answers data-plane calls on a stream that is not yet (or no longer) usable as
  // if it did not exist.
  readable: ['ACTIVE', 'UPDATING'],
  writable: ['ACTIVE', 'UPDATING'],
  mutable: ['ACTIVE']
}

export class StreamRegistry {
  private readonly byName = new Map<string, Stream>()
  private readonly byId = new Map<number, Stream>()
  private readonly timers = new Set<NodeJS.Timeout>()
  private nextId = 1

  private constructor (private readonly store: Store, private readonly config: ServerConfig, private readonly log: Logger) {}

  static async load (store: Store, config: ServerConfig, log: Logger): Promise<StreamRegistry> {
    const registry = new StreamRegistry(store, config, log)
    registry.nextId = (await store.getDocument<number>(NEXT_ID_KEY)) ?? 1
    for (const [, doc] of await store.listDocuments<StreamDoc>(STREAM_PREFIX)) {
      const stream = new Stream(doc, registry.arnOf(doc.name))
      for (const shardDoc of doc.shards) {
        stream.shards.set(shardDoc.index, new Shard(shardDoc, await store.lastPosition(doc.id, shardDoc.index), config.clock))
      }
      stream.reindex()
      registry.index(stream)
      registry.scheduleTransition(stream)
    }
    // Finish deletions a crash interrupted: the catalog entry is gone, the records not yet.
    for (const [key, id] of await store.listDocuments<number>(DROPPED_PREFIX)) {
      void registry.dropRecords(id, key)
    }
    return registry
  }

  arnOf (name: string): string {
    return `arn:aws:kinesis:${this.config.region}:${this.config.accountId}:stream/${name}`
  }

  /** The stream name an ARN of this server names, or undefined. */
  nameFromArn (arn: string): string | undefined {
    const prefix = `arn:aws:kinesis:${this.config.region}:${this.config.accountId}:stream/`
    return arn.startsWith(prefix) ? arn.slice(prefix.length) : undefined
  }

  list (): Stream[] {
    return [...this.byName.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  }

  findById (id: number): Stream | undefined {
    return this.byId.get(id)
  }

  /** Resolves a stream from a name and/or ARN and checks that its state allows the call. */
  require (ref: StreamRef, rule: StatusRule): Stream {
    const name = this.resolveName(ref)
    const stream = this.byName.get(name)
    if (stream === undefined) {
      throw new ServiceError('STREAM_NOT_FOUND', `Stream ${name} under account ${this.config.accountId} not found.`)
    }
    if (RULES[rule].includes(stream.doc.status)) return stream
    if (rule === 'mutable') {
      throw new ServiceError('RESOURCE_IN_USE', `Stream ${name} under account ${this.config.accountId} is ${stream.doc.status}; this operation needs it ACTIVE.`)
    }
    throw new ServiceError('STREAM_NOT_FOUND', `Stream ${name} under account ${this.config.accountId} is ${stream.doc.status}, not ACTIVE, so it cannot be read or written yet.`)
  }

  private resolveName (ref: StreamRef): string {
    const { stream_name: name, stream_arn: arn } = ref
    if (arn === undefined || arn === '') {
      if (name === undefined || name === '') {
        throw new ServiceError('VALIDATION_FAILED', 'Either stream_name or stream_arn must be provided.')
      }
      return name
    }
    const fromArn = this.nameFromArn(arn)
    if (fromArn === undefined) {
      throw new ServiceError('STREAM_NOT_FOUND', `Stream ${arn} not found: this server only holds streams of region ${this.config.region} and account ${this.config.accountId}.`)
    }
    if (name !== undefined && name !== '' && name !== fromArn) {
      throw new ServiceError('INVALID_ARGUMENT', `stream_name ${name} and stream_arn ${arn} name different streams; give one of them, or both for the same stream.`)
    }
    return fromArn
  }

  async create (spec: CreateStreamSpec): Promise<Stream> {
    if (this.byName.has(spec.name)) {
      throw new ServiceError('STREAM_EXISTS', `Stream ${spec.name} under account ${this.config.accountId} already exists.`)
    }
    const now = this.config.clock()
    const delayed = this.config.createStreamMs > 0
    const shards: ShardDoc[] = evenHashRanges(spec.shardCount).map((range, index) => ({
      index,
      hashStart: range.start.toString(),
      hashEnd: range.end.toString(),
      generation: 0,
      createdAt: now
    }))
    const doc: StreamDoc = {
      id: this.nextId++,
      name: spec.name,
      status: delayed ? 'CREATING' : 'ACTIVE',
      createdAt: now,
      retentionHours: DEFAULT_RETENTION_HOURS,
      mode: spec.mode,
      partitionHash: spec.partitionHash,
      shards,
      tags: { ...spec.tags },
      activeAt: delayed ? now + this.config.createStreamMs : undefined
    }
    const stream = new Stream(doc, this.arnOf(doc.name))
    for (const shardDoc of shards) stream.shards.set(shardDoc.index, new Shard(shardDoc, undefined, this.config.clock))
    stream.reindex()
    // Indexed before the write so a concurrent create of the same name is refused.
    this.index(stream)
    const batch = this.store.batch()
    batch.putDocument(STREAM_PREFIX + doc.name, doc)
    batch.putDocument(NEXT_ID_KEY, this.nextId)
    try {
      await this.store.commit(batch)
    } catch (err) {
      this.unindex(stream)
      throw err
    }
    this.scheduleTransition(stream)
    return stream
  }

  async delete (stream: Stream): Promise<void> {
    if (this.config.createStreamMs > 0) {
      stream.doc.status = 'DELETING'
      await this.save(stream)
      this.scheduleTransition(stream)
      return
    }
    await this.remove(stream)
  }

  /**
   * Applies a split, merge or scaling to the stream and persists it. `apply` runs
   * synchronously, and the document is submitted in the same turn (see resharding.ts).
   * With a state-transition delay the stream is UPDATING for that long afterwards.
   */
  async reshard (stream: Stream, apply: () => void): Promise<void> {
    const openBefore = stream.openShardsByHash
    apply()
    if (this.config.createStreamMs > 0) {
      stream.doc.status = 'UPDATING'
      stream.doc.activeAt = this.config.clock() + this.config.createStreamMs
    }
    await this.save(stream)
    this.scheduleTransition(stream)
    // Readers waiting at the end of a shard that just closed can now finish it.
    for (const shard of openBefore) if (!shard.open) shard.notify()
  }

  /**
   * Forgets closed shards whose every record has expired (their children keep naming
   * them as parents), and returns them so their records can be deleted.
   */
  async expireClosedShards (stream: Stream, horizon: number): Promise<Shard[]> {
    const expired = stream.shardList.filter((s) => {
      const closedAt = s.doc.closedAt
      return closedAt !== undefined && Math.max(closedAt.ts, s.doc.closedTime ?? 0) < horizon
    })
    if (expired.length === 0 || this.byId.get(stream.id) !== stream) return []
    for (const shard of expired) stream.shards.delete(shard.index)
    await this.save(stream)
    return expired
  }

  /** Writes the stream's document back after an in-memory change. */
  async save (stream: Stream): Promise<void> {
    stream.doc.shards = stream.shardList.map((s) => s.doc)
    const batch = this.store.batch()
    batch.putDocument(STREAM_PREFIX + stream.name, stream.doc)
    await this.store.commit(batch)
  }

  close (): void {
    for (const timer of this.timers) clearTimeout(timer)
    this.timers.clear()
  }

  private async remove (stream: Stream): Promise<void> {
    this.unindex(stream)
    const key = DROPPED_PREFIX + String(stream.id)
    const batch = this.store.batch()
    batch.deleteDocument(STREAM_PREFIX + stream.name)
    batch.putDocument(key, stream.id)
    await this.store.commit(batch)
    void this.dropRecords(stream.id, key)
  }

  private async dropRecords (id: number, key: string): Promise<void> {
    try {
      await this.store.dropRecords(id)
      const batch = this.store.batch()
      batch.deleteDocument(key)
      await this.store.commit(batch)
    } catch (err) {
      // Left for the next start, which resumes every unfinished drop.
      this.log.warn({ err, streamId: id }, 'could not drop the records of a deleted stream')
    }
  }

  /** CREATING and UPDATING become ACTIVE, and DELETING disappears, after --create-stream-ms. */
  private scheduleTransition (stream: Stream): void {
    const { status } = stream.doc
    if (status === 'ACTIVE') return
    const due = status === 'DELETING' ? this.config.clock() + this.config.createStreamMs : (stream.doc.activeAt ?? 0)
    const timer = setTimeout(() => {
      this.timers.delete(timer)
      if (this.byId.get(stream.id) !== stream || stream.doc.status !== status) return
      const done = status !== 'DELETING'
        ? (() => { stream.doc.status = 'ACTIVE'; stream.doc.activeAt = undefined; return this.save(stream) })()
        : this.remove(stream)
      done.catch((err: unknown) => this.log.error({ err, stream: stream.name }, 'stream state transition failed'))
    }, Math.max(0, due - this.config.clock()))
    timer.unref()
    this.timers.add(timer)
  }

  private index (stream: Stream): void {
    this.byName.set(stream.name, stream)
    this.byId.set(stream.id, stream)
  }

  private unindex (stream: Stream): void {
    this.byName.delete(stream.name)
    this.byId.delete(stream.id)
  }
}
