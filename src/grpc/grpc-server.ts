/**
 * The gRPC transport: decode, invoke the action, encode. Nothing else lives here.
 */
import type * as http2 from 'node:http2'
import type { Socket } from 'node:net'
import * as grpc from '@grpc/grpc-js'
import type { MethodDefinition, ServiceDefinition } from '@grpc/proto-loader'
import type { Logger } from 'pino'
import { invoke, invokeStreaming, type ActionContext, type ActionContexts, type AnyAction, type AnyStreamingAction } from '../actions/index.js'
import { ERROR_METADATA, ServiceError, toServiceError } from '../errors.js'
import { requestScope, SCOPE_METADATA } from '../scope.js'
import protobuf from 'protobufjs'
import { loadProtoRoot, loadProtos } from './proto.js'
import { checkWireTypes } from './wire-check.js'
import { recordsSerializer } from './records-encoder.js'
import { decodePutRecordsRequest, putRecordsSerializer } from './put-records-codec.js'
import type { Serializer } from './wire-bytes.js'

/** Room for a 10 MiB GetRecords answer or a 5 MiB PutRecords request plus framing. */
const MAX_MESSAGE_BYTES = 16 * 1024 * 1024

/** A request that could not be decoded reaches the handler as this, not as a crash. */
class UndecodableRequest {
  constructor (readonly reason: string) {}
}

/** `root` encodes an error's attachment (such as the current lease) into binary metadata. */
export function toGrpcError (err: ServiceError, root?: protobuf.Root): Partial<grpc.StatusObject> {
  const metadata = new grpc.Metadata()
  metadata.set(ERROR_METADATA.code, err.code)
  metadata.set(ERROR_METADATA.awsType, err.awsType)
  metadata.set(ERROR_METADATA.retriable, String(err.retriable))
  const attachment = err.attachment
  if (attachment !== undefined && root !== undefined) {
    try {
      const type = root.lookupType(attachment.messageType)
      metadata.set(attachment.metadataKey, Buffer.from(type.encode(type.fromObject(attachment.value)).finish()))
    } catch {
      // The error itself must still reach the client; the attachment is a convenience.
    }
  }
  return { code: err.grpcStatus, details: statusDetails(err.message), metadata }
}

/**
 * gRPC sends the message as a trailer, which must stay small (HTTP/2 header limits): AWS's
 * validation messages quote whole values (a 1 MiB token, 500 records), so long values are
 * cut in the middle, keeping the start and the end of the message.
 */
const MAX_DETAILS = 4096

function statusDetails (message: string): string {
  if (message.length <= MAX_DETAILS) return message
  const keep = (MAX_DETAILS - 40) / 2
  return `${message.slice(0, keep)}... (${message.length - 2 * keep} characters left out) ...${message.slice(-keep)}`
}

/**
 * Hand-rolled codecs for the calls whose volume makes proto-loader's generic path costly,
 * by request type. A fast decoder returns undefined for what it does not cover; a fast
 * encoder wraps the generic one and falls back to it likewise.
 */
export const FAST_PATHS: Record<string, { readonly decode?: (bytes: Uint8Array) => object | undefined, readonly encode?: (generic: Serializer) => Serializer }> = {
  '.shardline.v1.GetRecordsRequest': { encode: recordsSerializer },
  '.shardline.v1.SubscribeToShardRequest': { encode: recordsSerializer },
  '.shardline.v1.PutRecordsRequest': { decode: decodePutRecordsRequest, encode: putRecordsSerializer }
}

function tolerantDeserializer (method: MethodDefinition<object, object>, type: protobuf.Type, fast?: (bytes: Uint8Array) => object | undefined): (bytes: Buffer) => object {
  return (bytes) => {
    try {
      // protobufjs's Buffer reader silently truncates a string whose length runs past the
      // end of the message; its plain Uint8Array reader rejects it. Same bytes, no copy.
      const view = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength)
      const decoded = fast?.(view)
      if (decoded !== undefined) return decoded
      const mismatch = checkWireTypes(type, view)
      if (mismatch !== undefined) return new UndecodableRequest(mismatch)
      return method.requestDeserialize(view as Buffer)
    } catch (err) {
      return new UndecodableRequest(err instanceof Error ? err.message : String(err))
    }
  }
}

export interface GrpcServer {
  readonly port: number
  /** Stops taking calls, lets running calls finish (up to `graceMs`), then closes. */
  close (graceMs: number): Promise<void>
}

/** HTTP/2 receive windows: a whole 5 MiB PutRecords fits in flight without a pause. */
const STREAM_WINDOW_BYTES = 8 * 1024 * 1024
const SESSION_WINDOW_BYTES = 32 * 1024 * 1024

/**
 * Tunes each new HTTP/2 session. Node's defaults (64 KiB windows) make a 512 KiB PutRecords upload wait for a
 * window update every 64 KiB, each a round trip through both event loops; with the main
 * thread busy, ingest stalls on it. grpc-js has no server option for this, so the windows
 * are widened on each new session. If grpc-js internals change, this does nothing.
 */
function tuneSessions (server: grpc.Server): void {
  const internals = server as unknown as { http2Servers?: Map<http2.Http2Server, unknown> }
  for (const listener of internals.http2Servers?.keys() ?? []) {
    listener.on('session', (session: http2.ServerHttp2Session) => {
      session.settings({ initialWindowSize: STREAM_WINDOW_BYTES })
      session.setLocalWindowSize(SESSION_WINDOW_BYTES)
    })
    // Pushed events are small writes; Nagle's algorithm would hold one back until the
    // previous write is acknowledged. (An HTTP/2 session's socket may not be touched, so
    // this is done on the raw connection.)
    listener.on('connection', (socket: Socket) => socket.setNoDelay(true))
  }
}

export interface ServiceActions {
  readonly unary: readonly AnyAction[]
  readonly streaming?: readonly AnyStreamingAction[]
}

function undecodable (action: { name: string }, request: UndecodableRequest): ServiceError {
  return new ServiceError('SERIALIZATION_FAILED', `The ${action.name} request could not be decoded as shardline.v1 protobuf: ${request.reason}.`)
}

function reportFailure (log: Logger, rpc: string, err: unknown): ServiceError {
  const error = toServiceError(err)
  if (error.code === 'INTERNAL') log.error({ err: error.cause ?? error, rpc }, 'internal failure')
  return error
}

function metadataText (metadata: grpc.Metadata, key: string): string | undefined {
  const value = metadata.get(key)[0]
  return typeof value === 'string' ? value : undefined
}

/**
 * The context of a call's account and region: the metadata keys `shardline-account-id`
 * and `shardline-region`, or the server's defaults for what a call leaves out.
 */
function contextOf (contexts: ActionContexts, metadata: grpc.Metadata): ActionContext {
  const accountId = metadataText(metadata, SCOPE_METADATA.accountId)
  const region = metadataText(metadata, SCOPE_METADATA.region)
  const defaults = contexts.defaultScope
  if (accountId === undefined && region === undefined) return contexts.for(defaults)
  return contexts.for(requestScope(defaults, accountId, region, 'the call\'s metadata'))
}

function unaryHandler (contexts: ActionContexts, action: AnyAction, log: Logger, root: protobuf.Root): grpc.handleUnaryCall<object, object> {
  const meters = contexts.metrics.grpc.of(action.name)
  return (call, callback) => {
    const started = performance.now()
    const request = call.request
    let result: Promise<unknown>
    try {
      result = request instanceof UndecodableRequest ? Promise.reject(undecodable(action, request)) : invoke(action, contextOf(contexts, call.metadata), request)
    } catch (err) {
      result = Promise.reject(err)
    }
    result.then(
      (output) => {
        meters.done(started)
        callback(null, output as object)
      },
      (err: unknown) => {
        const error = reportFailure(log, action.name, err)
        meters.done(started, error.awsType)
        callback(toGrpcError(error, root))
      }
    )
  }
}

/**
 * Server streaming with flow control: `send` resolves only once grpc-js has taken the
 * message (its write callback), so a consumer that stops reading stops the producer
 * instead of growing a buffer. A client that goes away aborts the action.
 */
function streamingHandler (contexts: ActionContexts, action: AnyStreamingAction, log: Logger, root: protobuf.Root): grpc.handleServerStreamingCall<object, object> {
  const meters = contexts.metrics.grpc.of(action.name)
  return (call) => {
    meters.started()
    const gone = new AbortController()
    call.on('cancelled', () => gone.abort())
    const send = (event: unknown): Promise<void> => new Promise<void>((resolve) => {
      if (gone.signal.aborted) {
        resolve()
        return
      }
      const onGone = (): void => resolve()
      gone.signal.addEventListener('abort', onGone, { once: true })
      call.write(event as object, () => {
        gone.signal.removeEventListener('abort', onGone)
        resolve()
      })
    })
    const request = call.request
    let result: Promise<void>
    try {
      result = request instanceof UndecodableRequest
        ? Promise.reject(undecodable(action, request))
        : invokeStreaming(action, contextOf(contexts, call.metadata), request, send, gone.signal)
    } catch (err) {
      result = Promise.reject(err)
    }
    result.then(
      () => { if (!gone.signal.aborted) call.end() },
      (err: unknown) => {
        const error = reportFailure(log, action.name, err)
        meters.failed(error.awsType)
        if (!gone.signal.aborted) call.emit('error', toGrpcError(error, root))
      }
    )
  }
}

export async function startGrpcServer (
  contexts: ActionContexts,
  services: Record<string, ServiceActions>,
  host: string,
  port: number,
  log: Logger
): Promise<GrpcServer> {
  const definitions = loadProtos()
  const root = loadProtoRoot()
  const server = new grpc.Server({
    'grpc.max_receive_message_length': MAX_MESSAGE_BYTES,
    'grpc.max_send_message_length': MAX_MESSAGE_BYTES,
    // channelz (gRPC's introspection service) is not served, so its per-call bookkeeping is pure cost.
    'grpc.enable_channelz': 0
  })
  for (const [serviceName, actions] of Object.entries(services)) {
    const service = definitions[serviceName] as ServiceDefinition
    const reflected = root.lookupService(serviceName)
    const implementation: grpc.UntypedServiceImplementation = {}
    const patched: Record<string, MethodDefinition<object, object>> = {}
    const methodOf = (name: string): MethodDefinition<object, object> => {
      const method = service[name] as MethodDefinition<object, object> | undefined
      if (method === undefined) throw new Error(`${serviceName} has no RPC ${name}`)
      const requestType = reflected.methods[name]!.resolvedRequestType!
      const fast = FAST_PATHS[requestType.fullName]
      patched[name] = {
        ...method,
        requestDeserialize: tolerantDeserializer(method, requestType, fast?.decode),
        responseSerialize: fast?.encode?.(method.responseSerialize) ?? method.responseSerialize
      }
      return method
    }
    for (const action of actions.unary) {
      methodOf(action.name)
      implementation[action.name] = unaryHandler(contexts, action, log, root)
    }
    for (const action of actions.streaming ?? []) {
      if (!methodOf(action.name).responseStream) throw new Error(`${serviceName}.${action.name} is not server streaming`)
      implementation[action.name] = streamingHandler(contexts, action, log, root)
    }
    server.addService(patched as unknown as grpc.ServiceDefinition, implementation)
  }
  const bound = await new Promise<number>((resolve, reject) => {
    server.bindAsync(`${host}:${port}`, grpc.ServerCredentials.createInsecure(), (err, actual) => (err === null ? resolve(actual) : reject(err)))
  })
  tuneSessions(server)
  return {
    port: bound,
    close: (graceMs) => new Promise<void>((resolve) => {
      const force = setTimeout(() => { server.forceShutdown(); resolve() }, graceMs)
      server.tryShutdown(() => { clearTimeout(force); resolve() })
    })
  }
}
