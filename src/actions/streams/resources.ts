/**
 * The resources the ARN-addressed operations (TagResource, PutResourcePolicy and their
 * kin) act on: a stream, or a registered consumer of one. Both keep their tags and policy
 * in the stream's document, so a change to either is saved with the stream.
 */
import { ServiceError } from '../../errors.js'
import type { ConsumerDoc, Stream } from '../../streams/stream-model.js'
import type { ActionContext } from '../action.js'

/** The part of a stream's or consumer's document these operations change. */
export interface ResourceState {
  tags?: Record<string, string> | undefined
  policy?: string | undefined
}

export interface Resource {
  /** The stream the resource is, or holds the consumer. */
  readonly stream: Stream
  readonly state: ResourceState
  /** For messages: "stream s" or "consumer c of stream s". */
  readonly description: string
}

const CONSUMER_ARN = /\/consumer\/[^/:]+:\d+$/

/**
 * Resolves a stream or consumer ARN for the operation `action`. `mutable` asks, as the
 * stream operations do, for an ACTIVE stream (RESOURCE_IN_USE otherwise), and a consumer
 * that is not being deregistered.
 */
export function resolveResource (ctx: ActionContext, arn: string, mutable: boolean, action: string): Resource {
  if (!CONSUMER_ARN.test(arn)) {
    const stream = ctx.streams.require({ stream_arn: arn }, mutable ? 'mutable' : 'any', action)
    return { stream, state: stream.doc, description: `stream ${stream.name}` }
  }
  const { stream, consumer } = ctx.consumers.resolve(ctx.scope, { consumer_arn: arn }, action)
  if (mutable) requireChangeable(stream, consumer)
  return { stream, state: consumer, description: `consumer ${consumer.name} of stream ${stream.name}` }
}

function requireChangeable (stream: Stream, consumer: ConsumerDoc): void {
  if (consumer.status === 'DELETING' || stream.doc.status === 'DELETING') {
    throw new ServiceError('RESOURCE_IN_USE', `Consumer ${consumer.name} of stream ${stream.name} is being deleted; it can no longer be changed.`)
  }
}
