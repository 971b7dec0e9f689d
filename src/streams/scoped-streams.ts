/**
 * The streams of one account and region: what an action sees as `ctx.streams`. Every
 * lookup and creation happens inside the request's scope, so an action cannot reach
 * another region's stream of the same name by mistake; what acts on a stream already
 * found (save, reshard, delete) passes through to the registry.
 */
import type { Scope } from '../scope.js'
import type { PendingReshard } from './pending-reshard.js'
import type { Stream } from './stream-model.js'
import type { CreateStreamSpec } from './stream-documents.js'
import { streamArn, type StreamRef } from './stream-ref.js'
import type { StreamRegistry } from './stream-registry.js'
import type { StatusRule } from './stream-status.js'

export class ScopedStreams {
  constructor (private readonly registry: StreamRegistry, readonly scope: Scope) {}

  /**
   * Resolves a stream from a name and/or ARN for the operation `action` (its AWS name:
   * another account's stream needs its policy to allow it), and checks that its state
   * allows the call.
   */
  require (ref: StreamRef, rule: StatusRule, action: string): Stream {
    return this.registry.require(this.scope, ref, rule, action)
  }

  /** Checks that a stream found earlier still exists and that its state allows the call. */
  checkState (stream: Stream, rule: StatusRule): Stream {
    return this.registry.checkState(stream, rule)
  }

  create (spec: CreateStreamSpec): Promise<Stream> {
    return this.registry.create(this.scope, spec)
  }

  /** Whether this scope has a stream of that name, in any state. */
  exists (name: string): boolean {
    return this.registry.exists(this.scope, name)
  }

  /** Open shards over this scope's PROVISIONED streams: what the account shard quota counts. */
  provisionedShardTotal (): number {
    return this.registry.provisionedShardTotal(this.scope)
  }

  /** This scope's streams, by name. */
  list (): Stream[] {
    return this.registry.list(this.scope)
  }

  /** A stream of this scope by id (from a page token), or undefined. */
  findById (id: number): Stream | undefined {
    const stream = this.registry.findById(id)
    return stream?.scope === this.scope ? stream : undefined
  }

  arnOf (name: string): string {
    return streamArn(this.scope, name)
  }

  delete (stream: Stream): Promise<void> {
    return this.registry.delete(stream)
  }

  reshard (stream: Stream, apply: () => void): Promise<void> {
    return this.registry.reshard(stream, apply)
  }

  /** SplitShard, MergeShards and UpdateShardCount: applied when the stream is ACTIVE again (pending-reshard.ts). */
  requestReshard (stream: Stream, pending: PendingReshard): Promise<void> {
    return this.registry.requestReshard(stream, pending)
  }

  update (stream: Stream, apply: (activeAt: number | undefined) => void): Promise<void> {
    return this.registry.update(stream, apply)
  }

  save (stream: Stream): Promise<void> {
    return this.registry.save(stream)
  }
}
