/**
 * What StreamClient and LeaseClient share: one channel, a default deadline, and the
 * plumbing of a unary call, a server stream, ready() and close(). Every failure surfaces
 * as a ShardlineError, never as a throw from inside grpc-js.
 */
import { Client, Metadata, credentials as grpcCredentials, status } from '@grpc/grpc-js'
import type { ChannelCredentials, ClientReadableStream } from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import { ShardlineError, closedClientError, requestEncodingError, toShardlineError } from './errors.js'

export const DEFAULT_DEADLINE_MS = 10_000

/** Room for a 10 MiB GetRecords answer (or a very large ListLeases) plus framing. */
const MAX_MESSAGE_BYTES = 16 * 1024 * 1024

export interface StreamClientOptions {
  /** host:port of a shardline gRPC listener, e.g. '127.0.0.1:4568'. */
  endpoint: string
  /** Defaults to an insecure (plaintext) channel. */
  credentials?: ChannelCredentials
  /** Deadline of each call unless the call says otherwise; default 10,000. Infinity for none. */
  deadlineMs?: number
  /**
   * The region the calls act in, as an AWS client's region does: streams, consumers and
   * lease tables belong to one region. Default: the server's (its --region).
   */
  region?: string
  /** The 12-digit account the calls act in. Default: the server's (its --account-id). */
  accountId?: string
}

/** Request metadata keys that carry the region and account (the server's src/scope.ts reads them). */
const SCOPE_METADATA = { accountId: 'shardline-account-id', region: 'shardline-region' } as const

export interface CallOptions {
  /** Overrides the client's deadline for this call. */
  deadlineMs?: number
}

type Method = MethodDefinition<object, object>

export abstract class GrpcClient {
  readonly endpoint: string
  readonly #channel: Client
  readonly #deadlineMs: number
  readonly #name: string
  /** Sent with every call: the region and account, when the options name them. */
  readonly #metadata: Metadata
  #closed = false

  /**
   * `wideWindow`: a 64 KiB HTTP/2 window would make a 10 MiB answer wait for ~160 window
   * updates, so bulk clients widen it. A client whose streams rely on backpressure from a
   * slow reader (WatchLeases coalesces changes while the reader lags) keeps the default.
   */
  protected constructor (options: StreamClientOptions, name: string, wideWindow: boolean) {
    this.endpoint = options.endpoint
    this.#name = name
    this.#deadlineMs = options.deadlineMs ?? DEFAULT_DEADLINE_MS
    this.#metadata = new Metadata()
    if (options.region !== undefined) this.#metadata.set(SCOPE_METADATA.region, options.region)
    if (options.accountId !== undefined) this.#metadata.set(SCOPE_METADATA.accountId, options.accountId)
    // GetRecords answers reach 10 MiB and PutRecords requests 5 MiB, past gRPC's 4 MiB default.
    this.#channel = new Client(options.endpoint, options.credentials ?? grpcCredentials.createInsecure(), {
      'grpc.max_receive_message_length': MAX_MESSAGE_BYTES,
      'grpc.max_send_message_length': MAX_MESSAGE_BYTES,
      // Nothing reads channelz (gRPC's introspection data) in a client library; its per-call bookkeeping is pure cost.
      'grpc.enable_channelz': 0,
      ...(wideWindow ? { 'grpc-node.flow_control_window': MAX_MESSAGE_BYTES } : {})
    })
  }

  /**
   * Resolves once the channel is connected; rejects with a DEADLINE_EXCEEDED ShardlineError
   * if it is not within `timeoutMs`. Calls do not need this: they connect on demand.
   */
  ready (timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      try {
        this.assertOpen()
        this.#channel.waitForReady(Date.now() + timeoutMs, (err) => {
          if (err === undefined) resolve()
          else reject(toShardlineError(err, status.DEADLINE_EXCEEDED))
        })
      } catch (err) {
        reject(toShardlineError(err, status.CANCELLED))
      }
    })
  }

  /** Closes the channel. Calls in flight fail; later calls reject at once. */
  close (): void {
    this.#closed = true
    this.#channel.close()
  }

  protected assertOpen (): void {
    if (this.#closed) throw closedClientError(this.endpoint, this.#name)
  }

  /**
   * One unary call. The request is built and serialized before the call starts, so a
   * request protobufjs cannot encode rejects as SERIALIZATION_FAILED; a malformed answer
   * rejects instead of throwing.
   */
  protected unaryCall<W, R> (
    definition: Method,
    encode: () => object,
    decode: (wire: W) => R,
    options: CallOptions = {},
    toError: (err: unknown) => ShardlineError = toShardlineError
  ): Promise<R> {
    return new Promise((resolve, reject) => {
      try {
        this.assertOpen()
        let serialized: Buffer
        try {
          serialized = definition.requestSerialize(encode())
        } catch (err) {
          reject(requestEncodingError(err))
          return
        }
        const deadline = Date.now() + (options.deadlineMs ?? this.#deadlineMs)
        this.#channel.makeUnaryRequest(
          definition.path,
          (bytes: Buffer) => bytes,
          definition.responseDeserialize,
          serialized,
          this.#metadata.clone(),
          { deadline },
          (err, response) => {
            if (err !== null) {
              reject(toError(err))
              return
            }
            try {
              // proto-loader decodes into the W shape; nothing here can check that statically.
              resolve(decode((response ?? {}) as W))
            } catch (decodeErr) {
              reject(toShardlineError(decodeErr))
            }
          }
        )
      } catch (err) {
        reject(err instanceof ShardlineError ? err : toShardlineError(err, this.#closed ? status.CANCELLED : status.INTERNAL))
      }
    })
  }

  /** Opens a server stream (no deadline applies); callers wrap it in a ServerStream. */
  protected openServerStream (definition: Method, request: object): ClientReadableStream<object> {
    this.assertOpen()
    return this.#channel.makeServerStreamRequest(definition.path, definition.requestSerialize, definition.responseDeserialize, request, this.#metadata.clone(), {})
  }
}
