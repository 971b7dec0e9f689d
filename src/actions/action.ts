/**
 * An action is one API operation: a declarative input schema and a transport-agnostic
 * handler. gRPC and HTTP both decode into the same input shape (proto field names),
 * call `invoke`, and encode what it returns.
 */
import type { Static, TSchema } from '@sinclair/typebox'
import type { ServerConfig } from '../config.js'
import { toServiceError } from '../errors.js'
import type { RecordReader } from '../streams/record-reader.js'
import type { RecordWriter } from '../streams/record-writer.js'
import type { StreamRegistry } from '../streams/stream-registry.js'
import type { TokenSigner } from '../streams/token-signer.js'
import { validateInput, type FieldNamer } from './validation.js'

export interface ActionContext {
  readonly config: ServerConfig
  readonly streams: StreamRegistry
  readonly writer: RecordWriter
  readonly reader: RecordReader
  readonly signer: TokenSigner
}

export interface Action<S extends TSchema = TSchema, O = unknown> {
  /** The AWS action name, which is also the RPC name. */
  readonly name: string
  readonly input: S
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
  readonly handle: (ctx: ActionContext, input: never) => Promise<unknown>
}

export function defineAction<S extends TSchema, O> (action: Action<S, O>): Action<S, O> {
  return action
}

/** Validates the input and runs the action; every failure is a catalogue ServiceError. */
export async function invoke (action: AnyAction, ctx: ActionContext, input: unknown, namer?: FieldNamer): Promise<unknown> {
  try {
    validateInput(action.input, input, namer)
    return await action.handle(ctx, input as never)
  } catch (err) {
    throw toServiceError(err)
  }
}
