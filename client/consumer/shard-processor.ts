/**
 * Processes one leased shard: reads from its checkpoint, hands batches to the application,
 * checkpoints, and at the end of a closed shard creates the children's leases, checkpoints
 * SHARD_END itself (so an application cannot forget it) and releases the lease.
 */
import type { Batch, EachBatch } from './batch.js'
import { Checkpointer } from './checkpointer.js'
import type { ConsumerEmitter } from './events.js'
import { LeaseLostError, type HeldLease } from './held-lease.js'
import { sleep, SHARD_END } from './lease-api.js'
import { positionOf, type RecordSource } from './record-sources.js'
import type { ChildShard } from '../types.js'

export interface ShardProcessorOptions {
  held: HeldLease
  source: RecordSource
  handler: EachBatch
  everyRecords: number
  everyMs: number
  emitter: ConsumerEmitter
  /** Creates the children's leases; runs before the parent is checkpointed at SHARD_END. */
  createChildren: (children: ChildShard[]) => Promise<void>
  /** The processor finished (shard ended, lease lost, or stopped). */
  onExit: () => void
}

class HandlerError extends Error {
  constructor (readonly error: Error) {
    super(error.message, { cause: error })
  }
}

const FIRST_RESTART_DELAY_MS = 1000
const MAX_RESTART_DELAY_MS = 30_000

export class ShardProcessor {
  readonly #options: ShardProcessorOptions
  readonly #abort = new AbortController()
  readonly #checkpointer: Checkpointer
  #loop: Promise<void> | undefined

  constructor (options: ShardProcessorOptions) {
    this.#options = options
    this.#checkpointer = new Checkpointer(options.held, options.everyRecords, options.everyMs, (sequenceNumber) => {
      options.emitter.emit('checkpoint', { shardId: options.held.shardId, sequenceNumber })
    }, (error) => {
      options.emitter.emit('error', { error, shardId: options.held.shardId })
    })
  }

  get shardId (): string { return this.#options.held.shardId }

  start (): void {
    this.#loop = this.#run().finally(() => this.#options.onExit())
  }

  /** Stops delivering at once: the lease is gone, so nothing is checkpointed. */
  fence (): void {
    this.#checkpointer.close()
    this.#abort.abort()
  }

  /** Takes no further batch; the one in hand finishes. stop() completes the handover. */
  halt (): void {
    this.#abort.abort()
  }

  /** Lets the batch in hand finish, checkpoints what was handled, and releases the lease. */
  async stop (): Promise<void> {
    this.#abort.abort()
    await this.#loop
    this.#checkpointer.close()
    const { held } = this.#options
    if (!held.isValid()) return
    const pending = this.#checkpointer.pending
    await held.release(pending)
    if (pending !== undefined) this.#options.emitter.emit('checkpoint', { shardId: held.shardId, sequenceNumber: pending })
  }

  async #run (): Promise<void> {
    const { held, emitter } = this.#options
    const signal = this.#abort.signal
    let restartDelay = FIRST_RESTART_DELAY_MS
    while (!signal.aborted) {
      try {
        if (held.lease.checkpoint === SHARD_END) return
        const position = positionOf(held.lease.checkpoint, held.lease.checkpointTimestamp)
        for await (const batch of this.#options.source(position, signal)) {
          if (signal.aborted || !held.isValid()) return
          if (batch.records.length > 0) {
            await this.#deliver(batch.records, batch.millisBehindLatest)
            restartDelay = FIRST_RESTART_DELAY_MS
            if (signal.aborted) return
            if (this.#checkpointer.due()) await this.#checkpointer.write()
            else this.#checkpointer.armTimer()
          }
          if (batch.ended !== undefined) {
            await this.#end(batch.ended.childShards)
            return
          }
        }
        return
      } catch (err) {
        if (signal.aborted || err instanceof LeaseLostError || !held.isValid()) return
        if (err instanceof HandlerError) {
          emitter.emit('crash', { error: err.error, shardId: held.shardId, restartInMs: restartDelay })
        } else {
          emitter.emit('error', { error: err instanceof Error ? err : new Error(String(err)), shardId: held.shardId })
        }
        // What was handled but not checkpointed is delivered again after the restart.
        this.#checkpointer.reset()
        await sleep(restartDelay, signal)
        restartDelay = Math.min(restartDelay * 2, MAX_RESTART_DELAY_MS)
      }
    }
  }

  async #deliver (records: Batch['records'], millisBehindLatest: number): Promise<void> {
    const { held } = this.#options
    const last = records.at(-1)!.sequenceNumber
    const batch: Batch = {
      shardId: held.shardId,
      records,
      millisBehindLatest,
      checkpoint: (sequenceNumber?: string) => this.#checkpointer.write(sequenceNumber ?? last),
      heartbeat: async () => {
        if (!held.isValid()) throw new LeaseLostError(held.shardId, held.lost ?? 'expired')
        if (held.renewDue()) await held.renew()
      }
    }
    try {
      await this.#options.handler(batch)
    } catch (err) {
      if (err instanceof LeaseLostError) throw err
      throw new HandlerError(err instanceof Error ? err : new Error(String(err)))
    }
    this.#checkpointer.handled(last, records.length)
  }

  async #end (children: ChildShard[]): Promise<void> {
    const { held, emitter } = this.#options
    // SHARD_END supersedes any sequence number; a timed write must not land after it.
    this.#checkpointer.close()
    await this.#options.createChildren(children)
    const childShardIds = children.map((c) => c.shardId)
    await held.checkpoint(SHARD_END, { childShardIds })
    emitter.emit('checkpoint', { shardId: held.shardId, sequenceNumber: SHARD_END })
    emitter.emit('shard.ended', { shardId: held.shardId, childShardIds })
    await held.release()
  }
}
