/**
 * The catalog of queues: each queue's document (`queue/<account>/<region>/<name>`), its
 * two internal streams, and its open projection. The registry owns the projections: it
 * opens each on load (snapshot plus replay), and closes it on DeleteQueue or shutdown,
 * writing a last snapshot. Ownership is explicit so that a later, replicated storage can
 * hand a queue's projection from one server to another.
 */
import type { Logger } from 'pino'
import type { ServerConfig } from '../config.js'
import { ServiceError } from '../errors.js'
import { scopeOf, type Scope } from '../scope.js'
import type { Store } from '../storage/store.js'
import { queueLogStreamName, queueStreamName } from '../streams/internal-streams.js'
import type { RecordWriter } from '../streams/record-writer.js'
import type { StreamRegistry } from '../streams/stream-registry.js'
import type { TokenSigner } from '../streams/token-signer.js'
import { MoveTasks } from './move-tasks.js'
import { loadQueue } from './queue-loader.js'
import { FIFO_MEMORY_MS, parseQueueArn, type QueueDoc, type QueueSettings } from './queue-model.js'
import { Queue, type QueueDeps } from './queue.js'
import { ScopedQueues } from './scoped-queues.js'

const QUEUE_PREFIX = 'queue/'
/** AWS: a queue's name cannot be taken again for 60 seconds after DeleteQueue. */
const RECREATE_AFTER_MS = 60_000

function documentKey (scope: Scope, name: string): string {
  return `${QUEUE_PREFIX}${scope.key}/${name}`
}

/** The internal streams keep FIFO messages 5 minutes at least: a restart rebuilds deduplication from them. */
export function streamRetentionSeconds (settings: QueueSettings): number {
  return settings.fifoQueue ? Math.max(settings.messageRetentionPeriod, FIFO_MEMORY_MS / 1000) : settings.messageRetentionPeriod
}

export class QueueRegistry {
  private readonly byKey = new Map<string, Queue>()
  private readonly deletedAt = new Map<string, number>()
  /** Weak, as scopes are (scope.ts): a scope nothing holds takes its view with it. */
  private readonly views = new WeakMap<Scope, ScopedQueues>()
  readonly tasks: MoveTasks
  private readonly deps: QueueDeps
  /** Where gRPC callers are told queue URLs point: the server's HTTP API. */
  origin: string

  private constructor (private readonly store: Store, private readonly streams: StreamRegistry, writer: RecordWriter, signer: TokenSigner, private readonly config: ServerConfig, log: Logger) {
    this.deps = { store, writer, signer, config, log, find: (arn) => this.findByArn(arn) }
    this.tasks = new MoveTasks({ writer, config, log, find: (arn) => this.findByArn(arn) })
    this.origin = `http://${config.host}:${config.httpPort}`
  }

  static async load (store: Store, streams: StreamRegistry, writer: RecordWriter, signer: TokenSigner, config: ServerConfig, log: Logger): Promise<QueueRegistry> {
    const registry = new QueueRegistry(store, streams, writer, signer, config, log)
    const now = config.clock()
    for (const [key, doc] of await store.listDocuments<QueueDoc>(QUEUE_PREFIX)) {
      const messages = streams.findById(doc.messageStreamId)
      const stateLog = streams.findById(doc.logStreamId)
      if (messages === undefined || stateLog === undefined) {
        log.error({ queue: key }, 'a queue\'s internal streams are missing; the queue is not loaded')
        continue
      }
      const queue = new Queue(doc, scopeOf(doc.accountId, doc.region), messages, stateLog, registry.deps)
      const tasks = await loadQueue(queue, store, now)
      queue.snapshotExtras = () => registry.tasks.stateOf(queue.arn)
      registry.byKey.set(`${queue.scope.key}/${doc.name}`, queue)
      registry.tasks.restore(queue, tasks)
    }
    return registry
  }

  in (scope: Scope): ScopedQueues {
    let view = this.views.get(scope)
    if (view === undefined) {
      view = new ScopedQueues(this, scope)
      this.views.set(scope, view)
    }
    return view
  }

  find (scope: Scope, name: string): Queue | undefined {
    return this.byKey.get(`${scope.key}/${name}`)
  }

  findByArn (arn: string): Queue | undefined {
    const parsed = parseQueueArn(arn)
    return parsed === undefined ? undefined : this.find(scopeOf(parsed.accountId, parsed.region), parsed.name)
  }

  /** The queues of a scope, by name. */
  list (scope: Scope): Queue[] {
    return [...this.byKey.values()]
      .filter((q) => q.scope === scope)
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  }

  all (): Queue[] {
    return [...this.byKey.values()]
  }

  /**
   * Creates a queue, or returns the one of that name (`created` false) for the caller to
   * compare attributes with. The catalog document and both internal streams are one commit.
   */
  async create (scope: Scope, name: string, settings: QueueSettings, tags: Record<string, string>): Promise<{ queue: Queue, created: boolean }> {
    const key = `${scope.key}/${name}`
    const existing = this.byKey.get(key)
    if (existing !== undefined) return { queue: existing, created: false }
    const now = this.config.clock()
    const deletedAt = this.deletedAt.get(key)
    if (deletedAt !== undefined && now - deletedAt < RECREATE_AFTER_MS) {
      throw new ServiceError('QUEUE_DELETED_RECENTLY', 'You must wait 60 seconds after deleting a queue before you can create another with the same name.')
    }
    const batch = this.deps.writer.stage()
    const retention = streamRetentionSeconds(settings)
    const messages = this.streams.stageInternal(scope, queueStreamName(name), retention, batch.batch)
    const stateLog = this.streams.stageInternal(scope, queueLogStreamName(name), retention, batch.batch)
    const doc: QueueDoc = {
      name,
      accountId: scope.accountId,
      region: scope.region,
      createdAt: now,
      lastModifiedAt: now,
      settings,
      tags: { ...tags },
      messageStreamId: messages.stream.id,
      logStreamId: stateLog.stream.id
    }
    const queue = new Queue(doc, scope, messages.stream, stateLog.stream, this.deps)
    queue.snapshotExtras = () => this.tasks.stateOf(queue.arn)
    this.byKey.set(key, queue)
    batch.batch.putDocument(documentKey(scope, name), doc)
    try {
      await batch.commit()
    } catch (err) {
      this.byKey.delete(key)
      messages.undo()
      stateLog.undo()
      throw err
    }
    return { queue, created: true }
  }

  /** Writes the queue's document back after a change of settings or tags. */
  async save (queue: Queue, retentionChanged = false): Promise<void> {
    queue.doc.lastModifiedAt = this.config.clock()
    const staged = this.deps.writer.stage()
    if (retentionChanged) {
      const seconds = streamRetentionSeconds(queue.doc.settings)
      this.streams.stageInternalRetention(queue.messages, seconds, staged.batch)
      this.streams.stageInternalRetention(queue.log, seconds, staged.batch)
    }
    staged.batch.putDocument(documentKey(queue.scope, queue.name), queue.doc)
    await staged.commit()
  }

  async delete (queue: Queue): Promise<void> {
    const key = `${queue.scope.key}/${queue.name}`
    if (this.byKey.get(key) !== queue) return
    this.byKey.delete(key)
    queue.close()
    this.tasks.forget(queue.arn)
    this.deletedAt.set(key, this.config.clock())
    const staged = this.deps.writer.stage()
    staged.batch.deleteDocument(documentKey(queue.scope, queue.name))
    staged.batch.deleteDocument(queue.snapshotKey)
    const drops = [this.streams.stageInternalRemoval(queue.messages, staged.batch), this.streams.stageInternalRemoval(queue.log, staged.batch)]
    await staged.commit()
    for (const drop of drops) drop.dropRecords()
  }

  /** Ends every long poll (first step of a shutdown: transports then drain quickly). */
  endWaits (): void {
    for (const queue of this.byKey.values()) queue.endWaits()
  }

  /** Stops every projection, writing a last snapshot of each (shutdown). */
  async close (): Promise<void> {
    await this.tasks.close()
    const snapshots: Array<Promise<void>> = []
    for (const queue of this.byKey.values()) {
      queue.close()
      snapshots.push(queue.writeSnapshot().catch(() => {}))
    }
    await Promise.all(snapshots)
  }
}
