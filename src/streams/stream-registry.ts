/**
 * The catalog of streams: loaded from storage at start, kept in memory, and written back
 * through the same group commit as records so that catalog changes and record writes are
 * ordered together.
 */
import type { Logger } from 'pino'
import type { ServerConfig } from '../config.js'
import { ServiceError } from '../errors.js'
import { scopeOf, type Scope } from '../scope.js'
import type { Store, WriteBatch } from '../storage/store.js'
import { INTERNAL_STREAM_PREFIXES, isInternalStreamName } from './internal-streams.js'
import { applyPendingReshard, openShardsAfter, type PendingReshard } from './pending-reshard.js'
import { authorize } from './resource-policy.js'
import { ScopedStreams } from './scoped-streams.js'
import { documentKey, DROPPED_PREFIX, newInternalStreamDoc, newStreamDoc, NEXT_ID_KEY, STREAM_PREFIX, type CreateStreamSpec } from './stream-documents.js'
import { Shard, Stream, type StreamDoc } from './stream-model.js'
import { resolveStreamRef, streamArn, type StreamRef } from './stream-ref.js'
import { checkStatus, statusAllows, type StatusRule } from './stream-status.js'

export class StreamRegistry {
  /**
   * By scope key (`<account>/<region>`), then name: a lookup (every PutRecord makes one)
   * hashes the name alone, with no key string built and flattened per request.
   */
  private readonly byScope = new Map<string, Map<string, Stream>>()
  private readonly byId = new Map<number, Stream>()
  /** Weak, as scopes are (scope.ts): a scope nothing holds takes its view with it. */
  private readonly views = new WeakMap<Scope, ScopedStreams>()
  private readonly timers = new Set<NodeJS.Timeout>()
  private nextId = 1

  private constructor (private readonly store: Store, private readonly config: ServerConfig, private readonly log: Logger) {}

  static async load (store: Store, config: ServerConfig, log: Logger): Promise<StreamRegistry> {
    const registry = new StreamRegistry(store, config, log)
    registry.nextId = (await store.getDocument<number>(NEXT_ID_KEY)) ?? 1
    const legacy: Array<[string, Stream]> = []
    for (const [key, doc] of await store.listDocuments<StreamDoc>(STREAM_PREFIX)) {
      // Data directories from before regions and accounts keyed streams by name alone;
      // those streams belong to the server's default account and region, and move to
      // their scoped key once, here.
      doc.accountId ??= config.accountId
      doc.region ??= config.region
      const scope = scopeOf(doc.accountId!, doc.region!)
      const stream = new Stream(doc, scope, streamArn(scope, doc.name))
      if (key !== documentKey(stream)) legacy.push([key, stream])
      for (const shardDoc of doc.shards) {
        stream.shards.set(shardDoc.index, new Shard(shardDoc, await store.lastPosition(doc.id, shardDoc.index), config.clock))
      }
      stream.resumeCounter()
      stream.reindex()
      registry.index(stream)
      registry.scheduleTransition(stream)
    }
    if (legacy.length > 0) {
      const batch = store.batch()
      for (const [key, stream] of legacy) {
        batch.deleteDocument(key)
        batch.putDocument(documentKey(stream), stream.doc)
      }
      await store.commit(batch)
    }
    // Finish deletions a crash interrupted: the catalog entry is gone, the records not yet.
    for (const [key, id] of await store.listDocuments<number>(DROPPED_PREFIX)) {
      void registry.dropRecords(id, key)
    }
    return registry
  }

  /** The streams of one account and region, as actions see them. */
  in (scope: Scope): ScopedStreams {
    let view = this.views.get(scope)
    if (view === undefined) {
      view = new ScopedStreams(this, scope)
      this.views.set(scope, view)
    }
    return view
  }

  /** Every stream of every scope (for the server's own housekeeping). */
  all (): Stream[] {
    return [...this.byId.values()]
  }

  /** The streams of one scope, by name. */
  list (scope: Scope): Stream[] {
    return this.all()
      .filter((s) => s.scope === scope)
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  }

  /** Whether the scope has a stream of that name, in any state. */
  exists (scope: Scope, name: string): boolean {
    return this.lookup(scope, name) !== undefined
  }

  findById (id: number): Stream | undefined {
    return this.byId.get(id)
  }

  /**
   * Resolves a stream from a name and/or ARN for the operation `action` (its AWS name),
   * and checks that its state allows the call. Every stream an ARN names passes here, so
   * this is where another account's stream is refused unless its policy allows the
   * caller (resource-policy.ts), before its state is told. A missing stream of another
   * account is ResourceNotFoundException, as for one of the caller's own.
   */
  require (scope: Scope, ref: StreamRef, rule: StatusRule, action: string): Stream {
    const { scope: owner, name } = resolveStreamRef(scope, ref)
    const stream = this.lookup(owner, name)
    if (stream === undefined) {
      throw new ServiceError('STREAM_NOT_FOUND', `Stream ${name} under account ${owner.accountId} not found.`)
    }
    if (owner !== scope) authorize(scope, owner.accountId, action, stream.arn, stream.doc.policy)
    return this.checkState(stream, rule)
  }

  /**
   * The stream a name or ARN names, in whatever account, without checking access: for
   * the consumer registry, which checks a consumer ARN against the consumer's policy.
   */
  find (scope: Scope, ref: StreamRef): Stream | undefined {
    const { scope: owner, name } = resolveStreamRef(scope, ref)
    return this.lookup(owner, name)
  }

  /** Checks that a stream found earlier (by an iterator, say) still exists and that its state allows the call. */
  checkState (stream: Stream, rule: StatusRule): Stream {
    if (this.byId.get(stream.id) !== stream) {
      throw new ServiceError('STREAM_NOT_FOUND', `Stream ${stream.name} under account ${stream.scope.accountId} not found.`)
    }
    checkStatus(stream, rule)
    return stream
  }

  /** Whether a stream found earlier still exists and its state allows calls of `rule`. */
  isLive (stream: Stream, rule: StatusRule): boolean {
    return this.byId.get(stream.id) === stream && statusAllows(stream, rule)
  }

  async create (scope: Scope, spec: CreateStreamSpec): Promise<Stream> {
    if (isInternalStreamName(spec.name)) {
      throw new ServiceError('INVALID_ARGUMENT', `Stream name ${spec.name} is reserved: names starting with ${INTERNAL_STREAM_PREFIXES.join(', ')} belong to the internal streams of queues and topics.`)
    }
    if (this.lookup(scope, spec.name) !== undefined) {
      throw new ServiceError('STREAM_EXISTS', `Stream ${spec.name} under account ${scope.accountId} already exists.`)
    }
    const doc = newStreamDoc(this.nextId++, scope, spec, this.config.clock(), this.config.createStreamMs)
    const stream = new Stream(doc, scope, streamArn(scope, doc.name))
    for (const shardDoc of doc.shards) stream.shards.set(shardDoc.index, new Shard(shardDoc, undefined, this.config.clock))
    stream.reindex()
    // Indexed before the write so a concurrent create of the same name is refused.
    this.index(stream)
    const batch = this.store.batch()
    batch.putDocument(documentKey(stream), doc)
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

  /**
   * Stages a new internal stream (one shard, retention in seconds) into the caller's
   * batch, so that it is created atomically with what else the batch holds (a queue's
   * catalog document). It is indexed at once; `undo` forgets it if the commit fails.
   */
  stageInternal (scope: Scope, name: string, retentionSeconds: number, batch: WriteBatch): { stream: Stream, undo: () => void } {
    if (!isInternalStreamName(name)) throw new TypeError(`${name} is not an internal stream name`)
    if (this.lookup(scope, name) !== undefined) throw new TypeError(`internal stream ${name} exists in ${scope.key}`)
    const doc = newInternalStreamDoc(this.nextId++, scope, name, retentionSeconds, this.config.clock())
    const stream = new Stream(doc, scope, streamArn(scope, name))
    stream.shards.set(0, new Shard(doc.shards[0]!, undefined, this.config.clock))
    stream.reindex()
    this.index(stream)
    batch.putDocument(documentKey(stream), doc)
    batch.putDocument(NEXT_ID_KEY, this.nextId)
    return { stream, undo: () => this.unindex(stream) }
  }

  /**
   * Stages an internal stream's new retention into the caller's batch. A longer
   * retention does not bring back what had expired (as for Kinesis streams).
   */
  stageInternalRetention (stream: Stream, retentionSeconds: number, batch: WriteBatch): void {
    const now = this.config.clock()
    if (retentionSeconds * 1000 > stream.retentionMs) stream.doc.expiredBefore = stream.horizon(now)
    stream.doc.retentionSeconds = retentionSeconds
    stream.doc.retentionHours = Math.max(1, Math.ceil(retentionSeconds / 3600))
    batch.putDocument(documentKey(stream), stream.doc)
  }

  /**
   * Stages the removal of an internal stream into the caller's batch and forgets it; once
   * the batch is committed, `dropRecords` deletes its records in the background (a crash
   * before that leaves a marker the next start finishes, as for DeleteStream).
   */
  stageInternalRemoval (stream: Stream, batch: WriteBatch): { dropRecords: () => void } {
    this.unindex(stream)
    const key = DROPPED_PREFIX + String(stream.id)
    batch.deleteDocument(documentKey(stream))
    batch.putDocument(key, stream.id)
    return { dropRecords: () => { void this.dropRecords(stream.id, key) } }
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
   * Applies a change of shards to the stream and persists it. `apply` runs
   * synchronously, and the document is submitted in the same turn (see resharding.ts).
   * With a state-transition delay the stream is UPDATING for that long afterwards. (What
   * AWS does at the end of UPDATING, SplitShard, MergeShards and UpdateShardCount, goes
   * through `requestReshard`.)
   */
  async reshard (stream: Stream, apply: () => void): Promise<void> {
    await this.notifyingClosed(stream, () => this.update(stream, apply))
  }

  /**
   * A split, merge or scaling, as Kinesis does it: without a state-transition delay at
   * once; with one the stream is UPDATING, keeps its shards meanwhile, and is resharded
   * when it becomes ACTIVE (pending-reshard.ts).
   */
  async requestReshard (stream: Stream, pending: PendingReshard): Promise<void> {
    if (this.config.createStreamMs <= 0) {
      await this.reshard(stream, () => { applyPendingReshard(stream, pending, this.config.clock) })
      return
    }
    await this.update(stream, () => { stream.doc.pendingReshard = pending })
  }

  /**
   * Applies an asynchronous change (a reshard, starting or stopping encryption) and
   * persists it: with a state-transition delay the stream is UPDATING for that long
   * afterwards, as in Kinesis, and `apply` is told when it becomes ACTIVE again
   * (undefined without a delay). It runs synchronously, before anything else can see
   * the stream.
   */
  async update (stream: Stream, apply: (activeAt: number | undefined) => void): Promise<void> {
    const activeAt = this.config.createStreamMs > 0 ? this.config.clock() + this.config.createStreamMs : undefined
    apply(activeAt)
    if (activeAt !== undefined) {
      stream.doc.status = 'UPDATING'
      stream.doc.activeAt = activeAt
    }
    await this.save(stream)
    this.scheduleTransition(stream)
  }

  /**
   * Open shards over the PROVISIONED streams of an account and region, whatever their
   * state: what the account shard quota counts.
   */
  provisionedShardTotal (scope: Scope): number {
    let total = 0
    // AWS holds only PROVISIONED streams to the shard quota: ON_DEMAND ones are capped by
    // throughput (and their number), and internal streams are no Kinesis streams.
    for (const stream of this.byId.values()) {
      if (stream.scope !== scope || stream.internal || stream.doc.mode !== 'PROVISIONED') continue
      // A reshard still to come counts as done, so two of them cannot both fit in the quota's last shards.
      const pending = stream.doc.pendingReshard
      total += Math.max(stream.openShardCount, pending === undefined ? 0 : openShardsAfter(stream, pending))
    }
    return total
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
    batch.putDocument(documentKey(stream), stream.doc)
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
    batch.deleteDocument(documentKey(stream))
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
      const done = status === 'DELETING' ? this.remove(stream) : this.activate(stream)
      done.catch((err: unknown) => this.log.error({ err, stream: stream.name }, 'stream state transition failed'))
    }, Math.max(0, due - this.config.clock()))
    timer.unref()
    this.timers.add(timer)
  }

  /** The end of CREATING or UPDATING: the pending reshard, if any, is applied in the same write. */
  private activate (stream: Stream): Promise<void> {
    const pending = stream.doc.pendingReshard
    stream.doc.status = 'ACTIVE'
    stream.doc.activeAt = undefined
    stream.doc.pendingReshard = undefined
    if (pending === undefined) return this.save(stream)
    return this.notifyingClosed(stream, () => {
      if (!applyPendingReshard(stream, pending, this.config.clock)) {
        this.log.warn({ stream: stream.name, pending }, 'a pending reshard no longer applies to the stream\'s shards; dropped')
      }
      return this.save(stream)
    })
  }

  /** Runs a change of shards, then wakes the readers waiting at the end of a shard it closed, which can now finish it. */
  private async notifyingClosed (stream: Stream, change: () => Promise<void>): Promise<void> {
    const openBefore = stream.openShardsByHash
    await change()
    for (const shard of openBefore) if (!shard.open) shard.notify()
  }

  private lookup (scope: Scope, name: string): Stream | undefined {
    return this.byScope.get(scope.key)?.get(name)
  }

  private index (stream: Stream): void {
    let named = this.byScope.get(stream.scope.key)
    if (named === undefined) this.byScope.set(stream.scope.key, named = new Map())
    named.set(stream.name, stream)
    this.byId.set(stream.id, stream)
  }

  private unindex (stream: Stream): void {
    const named = this.byScope.get(stream.scope.key)
    named?.delete(stream.name)
    if (named?.size === 0) this.byScope.delete(stream.scope.key)
    this.byId.delete(stream.id)
  }
}
