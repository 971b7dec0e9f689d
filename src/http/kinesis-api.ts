/**
 * The Kinesis JSON 1.1 / CBOR 1.1 API: `POST /` with `X-Amz-Target:
 * Kinesis_20131202.<Action>`. Decode, check the signature, invoke the action, encode.
 * The checks run in the order AWS answers them (kinesalite's notes record it): method,
 * empty body, content type, body syntax, target, signature, member types, then the
 * action's own validation. Each refusal has AWS's shape: XML for a request that names no
 * operation, `{"__type"}` alone where AWS gives no message, and CBOR unless the request
 * was AWS JSON.
 */
import { ServerResponse } from 'node:http'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { Logger } from 'pino'
import { invoke, STREAM_ACTIONS, STREAM_STREAMING_ACTIONS, type ActionContext, type ActionContexts, type AnyAction, type AnyStreamingAction } from '../actions/index.js'
import { ServiceError, toServiceError } from '../errors.js'
import { ACCOUNT_ID_PATTERN, REGION_PATTERN, requestScope } from '../scope.js'
import { bareErrorHeaders, sendRaw, sendXmlError } from './aws-answers.js'
import { decodeRequest } from './aws-request.js'
import { awsFieldPath, awsName, memberNamesOf } from './aws-shapes.js'
import { returnChunks } from './chunk-pool.js'
import { checkSignature, type KeyTable, type Signer } from './sigv4.js'
import { AMZ_JSON, cborWire, jsonWire, mediaTypeOf, wireFor, type WireFormat } from './wire-formats.js'

const KINESIS_SERVICE = 'Kinesis_20131202'
export const KINESIS_TARGET_PREFIX = `${KINESIS_SERVICE}.`

export interface KinesisApi {
  readonly contexts: ActionContexts
  /** `contexts` for JSON requests: GetRecords pages are rendered as JSON ahead of the call. */
  readonly jsonContexts: ActionContexts
  readonly unary: ReadonlyMap<string, AnyAction>
  readonly streaming: ReadonlyMap<string, AnyStreamingAction>
  readonly keys: KeyTable | undefined
  readonly log: Logger
  /** True once the server is shutting down: new requests are refused, retriably. */
  readonly closing: () => boolean
  /** Serves one event-stream operation (SubscribeToShard) on a hijacked reply. */
  readonly serveStream: (action: AnyStreamingAction, ctx: ActionContext, input: unknown, request: FastifyRequest, reply: FastifyReply) => void
}

/**
 * The context of the account and region a request was signed for. The region is the
 * credential scope's. The account is the key file's for that access key; without one, an
 * access key id of 12 digits names the account (as LocalStack does, so one server can
 * hold several accounts with no configuration); otherwise it is the server's --account-id.
 */
export function signerContext (contexts: ActionContexts, signer: Signer): ActionContext {
  const defaults = contexts.defaultScope
  if (signer.region !== '' && !REGION_PATTERN.test(signer.region)) {
    throw new ServiceError('INVALID_SIGNATURE', `Credential should be scoped to a valid region, not '${signer.region}'.`)
  }
  // A key file's entry without an account acts in the server's default account: the
  // access key id's digits name an account only when no key file says anything.
  const accountId = signer.verified === true ? signer.accountId : (signer.accountId ?? (ACCOUNT_ID_PATTERN.test(signer.accessKeyId) ? signer.accessKeyId : undefined))
  if ((accountId === undefined || accountId === defaults.accountId) && (signer.region === '' || signer.region === defaults.region)) return contexts.for(defaults)
  return contexts.for(requestScope(defaults, accountId, signer.region, 'the credential scope'))
}

const MEMBER_NAMES = memberNamesOf([...STREAM_ACTIONS, ...STREAM_STREAMING_ACTIONS].map((a) => a.input))
const SNAKE_CASE_WORD = /\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b/g

/**
 * Action messages name fields as gRPC does (`shard_iterator`); over this API they are named
 * as AWS does: `ShardIterator` in prose, `at 'shardCount'` where a validation message
 * states a failed constraint. Only whole words that are member names change, so a stream
 * called `my_stream` keeps its name.
 */
export function awsMessage (error: ServiceError): string {
  let message = error.message
  if (error.code === 'VALIDATION_FAILED') {
    message = message.replace(/ at '([a-z][a-z0-9_]*)'/g, (_, field: string) => ` at '${awsFieldPath([field])}'`)
  }
  return message.replace(SNAKE_CASE_WORD, (word) => (MEMBER_NAMES.has(word) ? awsName(word) : word))
}

/**
 * Sends an AWS error body with the catalogue's HTTP status: `{"__type", "message"}`;
 * `Message` for a SerializationException, as AWS's deserializer writes it; `__type` alone
 * for a bare error.
 */
export function sendError (reply: FastifyReply, wire: WireFormat, error: ServiceError, status = error.httpStatus): void {
  void reply.code(status).header('content-type', wire.contentType).header('x-amzn-ErrorType', error.awsType)
  if (error.bare) {
    bareErrorHeaders(reply, error)
    void reply.send(wire.serialize({ __type: error.awsType }))
    return
  }
  const key = error.awsType === 'SerializationException' ? 'Message' : 'message'
  void reply.send(wire.serialize({ __type: error.awsType, [key]: awsMessage(error) }))
}

function reportFailure (log: Logger, operation: string, err: unknown): ServiceError {
  const error = toServiceError(err)
  if (error.code === 'INTERNAL' && error.cause !== undefined) log.error({ err: error.cause ?? error, operation }, 'internal failure')
  return error
}

interface Target {
  readonly service: string
  readonly operation: string
}

/** `Kinesis_20131202.PutRecord` -> its service and operation (either may be empty). */
function targetOf (request: FastifyRequest): Target {
  const header = request.headers['x-amz-target']
  if (typeof header !== 'string') return { service: '', operation: '' }
  const dot = header.indexOf('.')
  if (dot < 0) return { service: header, operation: '' }
  // As split('.') read it: what follows a second dot is no part of the operation.
  const next = header.indexOf('.', dot + 1)
  return { service: header.slice(0, dot), operation: header.slice(dot + 1, next < 0 ? undefined : next) }
}

/** AWS's answer to an application/json request (its old JSON 1.0 service framework). */
function sendDeprecatedJson (reply: FastifyReply, status: number, type: string): void {
  void reply.header('x-amzn-ErrorType', type)
  sendRaw(reply, status, 'application/json', Buffer.from(JSON.stringify({ Output: { __type: `com.amazon.coral.service#${type}` }, Version: '1.0' })))
}

function bare (code: 'SERIALIZATION_FAILED' | 'UNKNOWN_OPERATION', message: string): ServiceError {
  return new ServiceError(code, message, { bare: true })
}

function parseBody (wire: WireFormat, body: Buffer): Record<string, unknown> | undefined {
  let parsed: unknown
  try {
    parsed = wire.parse(body)
  } catch {
    return undefined
  }
  return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? parsed as Record<string, unknown> : undefined
}

/** Smaller bodies (all but GetRecords pages) are joined, cheaply, and sent the usual way. */
const LARGE_BODY_BYTES = 1024 * 1024

/**
 * A large body (a GetRecords page) goes out as the chunks it was written into. Joining
 * 15 MB first would copy it, and the fresh allocation costs page faults and garbage
 * collection. The chunks are all handed to the response at once, not piped one by one
 * behind its 16 KiB high-water mark: the socket then takes as much as it can each time it
 * is writable, without a turn of the event loop per chunk.
 */
function sendChunks (reply: FastifyReply, chunks: readonly Buffer[], bytes: number): void {
  reply.hijack()
  const res = reply.raw
  for (const [name, value] of Object.entries(reply.getHeaders())) {
    if (value !== undefined) res.setHeader(name, value)
  }
  res.writeHead(200, { 'content-length': bytes })
  for (const chunk of chunks) res.write(chunk)
  // An HTTP/1.1 response finishes once none of its writes is pending any more (the system
  // took the bytes, or a closed socket dropped them): only then may the pool hand its
  // chunks to another page. One that never finishes leaves them to be collected, and so
  // does an HTTP/2 stream, which finishes once its data is queued for the session, which
  // may still be reading them.
  if (res instanceof ServerResponse) res.once('finish', () => returnChunks(chunks))
  res.end()
}

const EMPTY = Buffer.alloc(0)

function isEmpty (output: unknown): boolean {
  if (typeof output !== 'object' || output === null) return false
  for (const key in output) if ((output as Record<string, unknown>)[key] !== undefined) return false
  return true
}

const UNREADABLE = 'The request body is not a JSON object (or, for application/x-amz-cbor-1.1, a CBOR map).'

/** `type` is the request's media type (mediaTypeOf), worked out once by the dispatcher. */
export async function handleKinesisRequest (api: KinesisApi, request: FastifyRequest, reply: FastifyReply, type = mediaTypeOf(request.headers['content-type'])): Promise<void> {
  // Refusals are made when needed: an Error costs its stack trace, on every request.
  const accessDenied = (): ServiceError => new ServiceError('ACCESS_DENIED', 'Unable to determine service/operation name to be authorized')
  if (request.method !== 'POST') {
    sendXmlError(reply, accessDenied(), 403, true)
    return
  }
  const { service, operation } = targetOf(request)
  const unary = service === KINESIS_SERVICE ? api.unary.get(operation) : undefined
  const streaming = service === KINESIS_SERVICE ? api.streaming.get(operation) : undefined
  const action = unary ?? streaming
  const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0)
  const unknownTarget = (): ServiceError => bare('UNKNOWN_OPERATION', `X-Amz-Target ${String(request.headers['x-amz-target'] ?? '(none)')} names no supported operation: use ${KINESIS_TARGET_PREFIX}<Action>, e.g. ${KINESIS_TARGET_PREFIX}PutRecord.`)
  if (body.length === 0) {
    // Before the content type is looked at: answered in AWS JSON for AWS JSON, else CBOR.
    const wire = type === AMZ_JSON ? jsonWire : cborWire
    sendError(reply, wire, action === undefined ? unknownTarget() : bare('SERIALIZATION_FAILED', 'The request body is empty: send a JSON object (at least {}).'))
    return
  }
  const wire = wireFor(type)
  if (wire === undefined && type !== 'application/json') {
    if (service === '' || operation === '') sendXmlError(reply, accessDenied(), 403, true)
    else sendXmlError(reply, new ServiceError('UNKNOWN_OPERATION', `Content-Type ${request.headers['content-type'] ?? '(none)'} is not supported: send ${AMZ_JSON} or application/x-amz-cbor-1.1.`), 404, false)
    return
  }
  const parsed = parseBody(wire ?? jsonWire, body)
  if (wire === undefined) {
    // application/json reaches AWS's old framework, which knows no Kinesis operation.
    sendDeprecatedJson(reply, parsed === undefined ? 400 : 404, parsed === undefined ? 'SerializationException' : 'UnknownOperationException')
    return
  }
  // Requests naming no operation share one meter, so junk cannot add series.
  const meters = api.contexts.metrics.http.of(action?.name ?? 'unknown')
  const started = performance.now()
  try {
    if (parsed === undefined) throw bare('SERIALIZATION_FAILED', UNREADABLE)
    if (action === undefined) throw unknownTarget()
    if (api.closing()) throw new ServiceError('SHUTTING_DOWN', 'The server is shutting down and takes no new requests; retry against it once it is back.')
    const signer = await checkSignature({ method: request.method, url: request.url, headers: request.headers, body }, api.keys)
    const input = decodeRequest(action.input, parsed, wire.types)
    if (streaming !== undefined) {
      meters.started()
      api.serveStream(streaming, signerContext(api.contexts, signer), input, request, reply)
      return
    }
    const output = await invoke(unary!, signerContext(wire === jsonWire ? api.jsonContexts : api.contexts, signer), input, awsFieldPath)
    meters.done(started)
    void reply.code(200).header('content-type', wire.contentType)
    if (isEmpty(output)) {
      // AWS answers an operation with no output members with an empty body, not `{}`.
      void reply.send(EMPTY)
      return
    }
    const encoded = wire.encodeChunks(output)
    const bytes = encoded.reduce((sum, chunk) => sum + chunk.byteLength, 0)
    if (bytes >= LARGE_BODY_BYTES) sendChunks(reply, encoded, bytes)
    else void reply.send(encoded.length === 1 ? encoded[0] : Buffer.concat(encoded, bytes))
  } catch (err) {
    const error = reportFailure(api.log, operation === '' ? '(unknown)' : operation, err)
    meters.done(started, error.awsType)
    sendError(reply, wire, error)
  }
}
