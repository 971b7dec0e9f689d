/**
 * An action is one API operation: a declarative input schema and a transport-agnostic
 * handler. gRPC and HTTP both decode into the same input shape (proto field names),
 * call `invoke`, and encode what it returns.
 */
import type { Static, TSchema } from '@sinclair/typebox'
import type { ServerConfig } from '../config.js'
import { toServiceError } from '../errors.js'
import type { ScopedLeases } from '../leases/lease-registry.js'
import type { ScopedQueues } from '../queues/scoped-queues.js'
import type { Scope } from '../scope.js'
import type { ScopedTopics } from '../topics/scoped-topics.js'
import type { AccountSettings } from '../streams/account-settings.js'
import type { ConsumerRegistry } from '../streams/consumer-registry.js'
import type { PageRenderer } from '../streams/read-ahead.js'
import type { RecordReader } from '../streams/record-reader.js'
import type { RecordWriter } from '../streams/record-writer.js'
import type { ScopedStreams } from '../streams/scoped-streams.js'
import type { TokenSigner } from '../streams/token-signer.js'
import { validateInput, type FieldNamer, type InvalidInputReporter } from './validation.js'

/** What an action runs with: the server's services, seen from the caller's account and region. */
export interface ActionContext {
  readonly config: ServerConfig
  /** The account and region the request is made in. */
  readonly scope: Scope
  /** The streams of `scope`. */
  readonly streams: ScopedStreams
  readonly writer: RecordWriter
  readonly reader: RecordReader
  readonly signer: TokenSigner
  readonly consumers: ConsumerRegistry
  /** The lease tables of `scope`. */
  readonly leases: ScopedLeases
  /** Account-level settings, kept per account (`scope.accountId`). */
  readonly accounts: AccountSettings
  /** The queues of `scope`. */
  readonly queues: ScopedQueues
  /** The topics of `scope`. */
  readonly topics: ScopedTopics
  /**
   * `scheme://host[:port]` the client reached this server at (the SQS HTTP transport sets
   * it per request, from the Host header), so that queue URLs work for its next call.
   * Without it, queue URLs point at the server's own HTTP address.
   */
  readonly origin?: string
  /**
   * Who is calling, as SQS's SenderId reports it (the HTTP transport: the SigV4 access key
   * id). Without it, the scope's account id.
   */
  readonly callerId?: string
  /** The request's X-Amzn-Trace-Id header (HTTP), which SQS keeps as a message's AWSTraceHeader. */
  readonly traceHeader?: string
  /**
   * How the calling transport renders GetRecords records, if it renders them ahead of the
   * call (read-ahead.ts); the HTTP API's JSON does, since its base64 is the costly part.
   */
  readonly pageRenderer?: PageRenderer
}

export interface Action<S extends TSchema = TSchema, O = unknown> {
  /** The AWS action name, which is also the RPC name. */
  readonly name: string
  readonly input: S
  /**
   * The schema of what `handle` returns (SQS actions; the Query protocol's XML writer
   * reads it, with the same marks as inputs).
   */
  readonly output?: TSchema
  /** How input that fails its schema is reported; by default as a ValidationException. */
  readonly invalid?: InvalidInputReporter
  readonly handle: (ctx: ActionContext, input: Static<S>) => Promise<O>
}

/**
 * Any action, with its input type erased, for registries. A handler that takes a specific
 * input is assignable here because nothing can be passed as `never` by mistake; `invoke`
 * validates the input before the one cast.
 */
export interface AnyAction {
  readonly name: string
  readonly input: TSchema
  readonly output?: TSchema
  readonly invalid?: InvalidInputReporter
  readonly handle: (ctx: ActionContext, input: never) => Promise<unknown>
}

/**
 * A server-streaming operation (SubscribeToShard): the handler sends events to the sink
 * until it resolves (the stream completes) or rejects (the stream fails). `signal` aborts
 * when the client goes away.
 */
export interface StreamingAction<S extends TSchema = TSchema, E = unknown> {
  readonly name: string
  readonly input: S
  readonly streaming: true
  readonly handle: (ctx: ActionContext, input: Static<S>, sink: (event: E) => Promise<void>, signal: AbortSignal) => Promise<void>
}

export interface AnyStreamingAction {
  readonly name: string
  readonly input: TSchema
  readonly streaming: true
  readonly handle: (ctx: ActionContext, input: never, sink: (event: unknown) => Promise<void>, signal: AbortSignal) => Promise<void>
}

export function defineStreamingAction<S extends TSchema, E> (action: StreamingAction<S, E>): StreamingAction<S, E> {
  return action
}

/** Validates the input and runs the streaming action; failures are catalogue ServiceErrors. */
export async function invokeStreaming (action: AnyStreamingAction, ctx: ActionContext, input: unknown, sink: (event: unknown) => Promise<void>, signal: AbortSignal, namer?: FieldNamer): Promise<void> {
  try {
    validateInput(action.input, input, namer)
    await action.handle(ctx, input as never, sink, signal)
  } catch (err) {
    throw toServiceError(err)
  }
}

export function defineAction<S extends TSchema, O> (action: Action<S, O>): Action<S, O> {
  return action
}

/** Validates the input and runs the action; every failure is a catalogue ServiceError. */
export async function invoke (action: AnyAction, ctx: ActionContext, input: unknown, namer?: FieldNamer): Promise<unknown> {
  try {
    validateInput(action.input, input, namer, action.invalid)
    return await action.handle(ctx, input as never)
  } catch (err) {
    throw toServiceError(err)
  }
}
