/**
 * Action contexts, one per account and region, made on first use and kept while the scope
 * lives: a request only has to name its scope for its context to be found, with no
 * allocation per call.
 */
import type { ServerConfig } from '../config.js'
import type { LeaseRegistry } from '../leases/lease-registry.js'
import { Metrics } from '../metrics/metrics.js'
import type { AccountSettings } from '../streams/account-settings.js'
import type { QueueRegistry } from '../queues/queue-registry.js'
import type { TopicRegistry } from '../topics/topic-registry.js'
import { scopeOf, type Scope } from '../scope.js'
import type { ConsumerRegistry } from '../streams/consumer-registry.js'
import type { PageRenderer } from '../streams/read-ahead.js'
import type { RecordReader } from '../streams/record-reader.js'
import type { RecordWriter } from '../streams/record-writer.js'
import type { StreamRegistry } from '../streams/stream-registry.js'
import type { TokenSigner } from '../streams/token-signer.js'
import type { ActionContext } from './action.js'

/** The server's services, whatever the scope. */
export interface Services {
  readonly config: ServerConfig
  readonly streams: StreamRegistry
  readonly leases: LeaseRegistry
  readonly queues: QueueRegistry
  readonly topics: TopicRegistry
  readonly writer: RecordWriter
  readonly reader: RecordReader
  readonly signer: TokenSigner
  readonly consumers: ConsumerRegistry
  readonly accounts: AccountSettings
  /** Where transports count calls; without it, meters nobody reads. */
  readonly metrics?: Metrics
}

export class ActionContexts {
  /** The server's own account and region (`--account-id`, `--region`), for requests that name none. */
  readonly defaultScope: Scope
  /** The server's metrics, which the transports count calls in. */
  readonly metrics: Metrics
  /** Weak: a scope that nothing else holds any more takes its context with it (scope.ts). */
  private readonly cache = new WeakMap<Scope, ActionContext>()

  constructor (private readonly services: Services, private readonly pageRenderer?: PageRenderer) {
    this.defaultScope = scopeOf(services.config.accountId, services.config.region)
    this.metrics = services.metrics ?? new Metrics({ enabled: false, shardLabels: false })
  }

  for (scope: Scope): ActionContext {
    let ctx = this.cache.get(scope)
    if (ctx === undefined) {
      const { config, streams, leases, queues, topics, writer, reader, signer, consumers, accounts } = this.services
      ctx = {
        config,
        scope,
        streams: streams.in(scope),
        leases: leases.in(scope),
        queues: queues.in(scope),
        topics: topics.in(scope),
        writer,
        reader,
        signer,
        consumers,
        accounts,
        ...(this.pageRenderer === undefined ? {} : { pageRenderer: this.pageRenderer })
      }
      this.cache.set(scope, ctx)
    }
    return ctx
  }

  /** The same contexts for a transport that renders GetRecords pages ahead (read-ahead.ts). */
  rendering (pageRenderer: PageRenderer): ActionContexts {
    return new ActionContexts(this.services, pageRenderer)
  }
}
