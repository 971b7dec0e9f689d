/**
 * The catalog of topics: each topic's document (`topic/<account>/<region>/<name>`), its
 * two internal streams, and its open projection. As for queues, the registry owns the
 * projections: it opens each on load (snapshot plus replay) and closes it on DeleteTopic
 * or shutdown, writing a last snapshot.
 */
import { join } from 'node:path'
import type { Logger } from 'pino'
import type { ServerConfig } from '../config.js'
import type { QueueRegistry } from '../queues/queue-registry.js'
import { scopeOf, type Scope } from '../scope.js'
import type { Store, WriteBatch } from '../storage/store.js'
import { topicLogStreamName, topicStreamName } from '../streams/internal-streams.js'
import type { RecordWriter } from '../streams/record-writer.js'
import type { StreamRegistry } from '../streams/stream-registry.js'
import { AccountResourceStore } from './account-resources.js'
import { MessageSigner } from './message-signer.js'
import { Outbox } from './outbox.js'
import { loadTopic } from './topic-loader.js'
import { archiveDays, parseTopicArn, type TopicDoc } from './topic-model.js'
import { ScopedTopics } from './scoped-topics.js'
import { Topic, type TopicDeps } from './topic.js'

const TOPIC_PREFIX = 'topic/'
/** Without an ArchivePolicy a topic keeps its messages a day: long enough for any retry schedule to finish. */
export const DEFAULT_TOPIC_RETENTION_SECONDS = 86_400
/** The state log holds the control plane: it is never trimmed before a snapshot covers it (snapshots come within seconds). */
const LOG_RETENTION_SECONDS = 365 * 86_400

function documentKey (scope: Scope, name: string): string {
  return `${TOPIC_PREFIX}${scope.key}/${name}`
}

/** The retention of a topic's message stream: its ArchivePolicy's days, or a day. */
export function topicRetentionSeconds (archivePolicy: string | undefined): number {
  const days = archiveDays(archivePolicy)
  return days === undefined ? DEFAULT_TOPIC_RETENTION_SECONDS : Math.max(DEFAULT_TOPIC_RETENTION_SECONDS, days * 86_400)
}

export class TopicRegistry {
  private readonly byKey = new Map<string, Topic>()
  // Weak, as the queue and stream registries keep theirs: a scope holding nothing is released.
  private readonly views = new WeakMap<Scope, ScopedTopics>()
  readonly deps: TopicDeps
  /** Where SigningCertURL, SubscribeURL and UnsubscribeURL point: the server's HTTP API. */
  origin: string

  private constructor (readonly store: Store, private readonly streams: StreamRegistry, private readonly writer: RecordWriter, readonly config: ServerConfig, log: Logger, queues: QueueRegistry, readonly signer: MessageSigner, lambdaEndpoints: ReadonlyMap<string, string>, readonly accountResources: AccountResourceStore, readonly outbox: Outbox) {
    this.origin = `http://${config.host}:${config.httpPort}`
    this.deps = {
      store,
      writer,
      config,
      log,
      findQueue: (arn) => queues.findByArn(arn),
      signer,
      origin: () => this.origin,
      lambdaEndpoints,
      outbox
    }
  }

  static async load (store: Store, streams: StreamRegistry, writer: RecordWriter, config: ServerConfig, log: Logger, queues: QueueRegistry, lambdaEndpoints: ReadonlyMap<string, string> = new Map()): Promise<TopicRegistry> {
    const signer = await MessageSigner.open(config.memory ? undefined : join(config.dataDir, 'sns-signing'))
    const registry = new TopicRegistry(store, streams, writer, config, log, queues, signer, lambdaEndpoints, await AccountResourceStore.load(store, writer), await Outbox.load(store, writer))
    const now = config.clock()
    for (const [key, doc] of await store.listDocuments<TopicDoc>(TOPIC_PREFIX)) {
      const messages = streams.findById(doc.messageStreamId)
      const stateLog = streams.findById(doc.logStreamId)
      if (messages === undefined || stateLog === undefined) {
        log.error({ topic: key }, 'a topic\'s internal streams are missing; the topic is not loaded')
        continue
      }
      const topic = new Topic(doc, scopeOf(doc.accountId, doc.region), messages, stateLog, registry.deps)
      await loadTopic(topic, store, now)
      registry.byKey.set(`${topic.scope.key}/${doc.name}`, topic)
    }
    return registry
  }

  /** Starts delivery on every loaded topic (once every projection, queues included, is open). */
  start (): void {
    for (const topic of this.byKey.values()) topic.pumps.refresh()
  }

  in (scope: Scope): ScopedTopics {
    let view = this.views.get(scope)
    if (view === undefined) {
      view = new ScopedTopics(this, scope)
      this.views.set(scope, view)
    }
    return view
  }

  find (scope: Scope, name: string): Topic | undefined {
    return this.byKey.get(`${scope.key}/${name}`)
  }

  findByArn (arn: string): Topic | undefined {
    const parsed = parseTopicArn(arn)
    return parsed === undefined ? undefined : this.find(scopeOf(parsed.accountId, parsed.region), parsed.name)
  }

  list (scope: Scope): Topic[] {
    return [...this.byKey.values()].filter((t) => t.scope === scope).sort((a, b) => (a.arn < b.arn ? -1 : a.arn > b.arn ? 1 : 0))
  }

  all (): Topic[] {
    return [...this.byKey.values()]
  }

  /** Creates a topic: its document, both internal streams and its `created` event, in one commit. */
  async create (scope: Scope, name: string, attributes: Record<string, string>, tags: Record<string, string>): Promise<{ topic: Topic, created: boolean }> {
    const key = `${scope.key}/${name}`
    const existing = this.byKey.get(key)
    if (existing !== undefined) return { topic: existing, created: false }
    const now = this.config.clock()
    const staged = this.writer.stage()
    const messages = this.streams.stageInternal(scope, topicStreamName(name), topicRetentionSeconds(attributes.ArchivePolicy), staged.batch)
    const stateLog = this.streams.stageInternal(scope, topicLogStreamName(name), LOG_RETENTION_SECONDS, staged.batch)
    const doc: TopicDoc = { name, accountId: scope.accountId, region: scope.region, createdAt: now, messageStreamId: messages.stream.id, logStreamId: stateLog.stream.id }
    const topic = new Topic(doc, scope, messages.stream, stateLog.stream, this.deps)
    this.byKey.set(key, topic)
    staged.batch.putDocument(documentKey(scope, name), doc)
    topic.stageEvent(staged, { e: 'created', at: now, attributes, tags })
    try {
      await staged.commit()
    } catch (err) {
      this.byKey.delete(key)
      messages.undo()
      stateLog.undo()
      throw err
    }
    topic.noteChanges(1)
    return { topic, created: true }
  }

  /** A changed ArchivePolicy changes how long the topic's stream keeps messages. */
  /** Stages the retention of the topic's message stream its ArchivePolicy (as now applied) asks for. */
  stageRetention (topic: Topic, batch: WriteBatch): void {
    this.streams.stageInternalRetention(topic.messages, topicRetentionSeconds(topic.attributes.ArchivePolicy), batch)
  }

  async delete (topic: Topic): Promise<void> {
    const key = `${topic.scope.key}/${topic.name}`
    if (this.byKey.get(key) !== topic) return
    this.byKey.delete(key)
    topic.close()
    const staged = this.writer.stage()
    staged.batch.deleteDocument(documentKey(topic.scope, topic.name))
    staged.batch.deleteDocument(topic.snapshotKey)
    const drops = [this.streams.stageInternalRemoval(topic.messages, staged.batch), this.streams.stageInternalRemoval(topic.log, staged.batch)]
    await staged.commit()
    for (const drop of drops) drop.dropRecords()
  }

  async close (): Promise<void> {
    const snapshots: Array<Promise<void>> = []
    for (const topic of this.byKey.values()) {
      topic.close()
      snapshots.push(topic.writeSnapshot().catch(() => {}))
    }
    await Promise.all(snapshots)
  }
}
