/**
 * A KCL-style consumer: a group of workers shares a stream's shards through leases in a
 * lease table named after the application, with checkpoints, lineage and failover.
 *
 *   const consumer = new Consumer({ endpoint, stream: 'orders', application: 'billing' })
 *   consumer.on('lease.acquired', ({ shardId }) => ...)
 *   await consumer.run({ eachBatch: async ({ records }) => { ... } })
 *   ...
 *   await consumer.stop()
 */
import { LeaseClient } from '../lease-client.js'
import { StreamClient } from '../stream-client.js'
import type { Batch, EachBatch, RunOptions } from './batch.js'
import { LeaseCoordinator } from './coordinator.js'
import { ConsumerEmitter, type ConsumerEventName, type ConsumerListener } from './events.js'
import { BatchChannel } from './iterator.js'
import { errorCode, sleep } from './lease-api.js'
import { resolveOptions, streamRef, type ConsumerOptions, type ResolvedOptions } from './options.js'
import { fanoutSource, pollingSource, type RecordSource } from './record-sources.js'

type State = 'new' | 'starting' | 'running' | 'stopping' | 'stopped'

export class Consumer implements AsyncIterable<Batch> {
  readonly options: ResolvedOptions
  readonly #emitter = new ConsumerEmitter()
  #state: State = 'new'
  #streams: StreamClient | undefined
  #leases: LeaseClient | undefined
  #coordinator: LeaseCoordinator | undefined
  #channel: BatchChannel | undefined
  #stopped: Promise<void> | undefined

  constructor (options: ConsumerOptions) {
    this.options = resolveOptions(options)
  }

  get workerId (): string { return this.options.workerId }

  /** Subscribes to a lifecycle event; returns the function that unsubscribes. */
  on<K extends ConsumerEventName> (name: K, listener: ConsumerListener<K>): () => void {
    return this.#emitter.on(name, listener)
  }

  /** The shards this worker is processing now. */
  heldShards (): string[] {
    return this.#coordinator?.heldShards() ?? []
  }

  /**
   * Joins the group and starts processing; resolves once started. Give `eachBatch` or
   * `eachRecord`. A batch is checkpointed automatically (per the checkpoint options) only
   * after its handler returned; a handler that throws has its shard restarted from the last
   * checkpoint.
   */
  async run (options: RunOptions): Promise<void> {
    const { eachBatch, eachRecord } = options
    if ((eachBatch === undefined) === (eachRecord === undefined)) throw new TypeError('run() takes exactly one of eachBatch and eachRecord')
    const handler: EachBatch = eachBatch ?? (async (batch) => {
      for (const record of batch.records) await eachRecord!(record, batch)
    })
    await this.#start(handler)
  }

  /** Iterates over the batches of every shard this worker holds; leaving the loop stops the consumer. */
  [Symbol.asyncIterator] (): AsyncIterator<Batch> {
    if (this.#state !== 'new') throw new TypeError('a Consumer can be started once: run() or iterate, not both')
    const channel = new BatchChannel()
    this.#channel = channel
    const started = this.#start((batch) => channel.push(batch))
    // The failure reaches the caller through next(); this only keeps it from being reported unhandled first.
    started.catch(() => {})
    const inner = channel.iterate(() => this.stop())
    let ready = false
    return {
      next: async () => {
        if (!ready) {
          await started
          ready = true
        }
        return await inner.next()
      },
      return: async () => {
        await started.catch(() => {})
        return await inner.return(undefined)
      }
    }
  }

  /**
   * Graceful: lets every batch in hand finish, checkpoints what was handled, releases the
   * leases so other workers take them at once, and leaves the group.
   */
  stop (): Promise<void> {
    if (this.#stopped !== undefined) return this.#stopped
    this.#stopped = this.#stop()
    return this.#stopped
  }

  async #stop (): Promise<void> {
    const previous = this.#state
    this.#state = 'stopping'
    try {
      if (previous === 'running' || previous === 'starting') {
        const stopping = this.#coordinator?.stop()
        // Processors are aborted synchronously by stop(); batches queued for the iterator are
        // dropped (not checkpointed) so the loops waiting on them can end.
        this.#channel?.close()
        await stopping
      }
    } finally {
      this.#channel?.close()
      this.#streams?.close()
      this.#leases?.close()
      this.#state = 'stopped'
    }
  }

  async #start (handler: EachBatch): Promise<void> {
    if (this.#state !== 'new') throw new TypeError(`the consumer was already started (${this.#state})`)
    this.#state = 'starting'
    const { options } = this
    const channel = {
      endpoint: options.endpoint,
      ...(options.credentials === undefined ? {} : { credentials: options.credentials }),
      ...(options.region === undefined ? {} : { region: options.region }),
      ...(options.accountId === undefined ? {} : { accountId: options.accountId })
    }
    const streams = new StreamClient(channel)
    const leases = new LeaseClient(channel)
    this.#streams = streams
    this.#leases = leases
    try {
      const onError = (error: Error): void => this.#emitter.emit('error', { error })
      let sourceFor: (shardId: string) => RecordSource
      if (options.mode === 'fanout') {
        const consumerArn = await registeredConsumer(streams, options.stream, options.application)
        sourceFor = (shardId) => fanoutSource({ client: streams, consumerArn, shardId })
      } else {
        sourceFor = (shardId) => pollingSource({ client: streams, stream: options.stream, shardId, limit: options.maxRecordsPerBatch, onError })
      }
      this.#coordinator = new LeaseCoordinator({ options, streams, api: leases, emitter: this.#emitter, handler, sourceFor })
      if (this.#state !== 'starting') return
      await this.#coordinator.start()
      if (this.#state === 'starting') this.#state = 'running'
    } catch (err) {
      await this.stop().catch(() => {})
      throw err
    }
  }
}

/** The stream consumer named after the application: registered on first use, reused after. */
async function registeredConsumer (streams: StreamClient, stream: string, application: string): Promise<string> {
  const { streamDescriptionSummary } = await streams.describeStreamSummary(streamRef(stream))
  const streamArn = streamDescriptionSummary.streamArn
  let consumer
  try {
    consumer = (await streams.registerStreamConsumer({ streamArn, consumerName: application })).consumer
  } catch (err) {
    const code = errorCode(err)
    if (code !== 'CONSUMER_EXISTS' && code !== 'RESOURCE_IN_USE') throw err
    consumer = (await streams.describeStreamConsumer({ streamArn, consumerName: application })).consumerDescription
  }
  // A new consumer is CREATING for a moment; subscriptions need it ACTIVE.
  for (let i = 0; consumer.consumerStatus !== 'ACTIVE'; i++) {
    if (i > 200) throw new Error(`stream consumer ${application} did not become ACTIVE`)
    await sleep(50)
    consumer = (await streams.describeStreamConsumer({ consumerArn: consumer.consumerArn })).consumerDescription
  }
  return consumer.consumerArn
}
