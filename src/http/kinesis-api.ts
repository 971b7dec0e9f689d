/**
 * The Kinesis JSON 1.1 / CBOR 1.1 API: `POST /` with `X-Amz-Target:
 * Kinesis_20131202.<Action>`. Decode, check the signature, invoke the action, encode.
 * The checks run in about the order AWS answers them (learned from kinesalite's notes):
 * content type, target (an empty body of a known one is a SerializationException), body
 * syntax, signature, then the action's own validation.
 */
import { randomUUID } from 'node:crypto'
import { ServerResponse } from 'node:http'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { Logger } from 'pino'
import { invoke, STREAM_ACTIONS, STREAM_STREAMING_ACTIONS, type ActionContext, type ActionContexts, type AnyAction, type AnyStreamingAction } from '../actions/index.js'
import { ServiceError, toServiceError } from '../errors.js'
import { ACCOUNT_ID_PATTERN, REGION_PATTERN, requestScope } from '../scope.js'
import { awsFieldPath, awsName, decodeRequest, memberNamesOf } from './aws-shapes.js'
import { returnChunks } from './chunk-pool.js'
import { checkSignature, type KeyTable, type Signer } from './sigv4.js'
import { jsonWire, wireFor, type WireFormat } from './wire-formats.js'

export const KINESIS_TARGET_PREFIX = 'Kinesis_20131202.'

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
  const accountId = signer.accountId ?? (ACCOUNT_ID_PATTERN.test(signer.accessKeyId) ? signer.accessKeyId : undefined)
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

/** Sends an AWS error body: `{"__type": ..., "message": ...}` with the catalogue's HTTP status. */
export function sendError (reply: FastifyReply, wire: WireFormat, error: ServiceError, status = error.httpStatus): void {
  void reply
    .code(status)
    .header('content-type', wire.contentType)
    .header('x-amzn-errortype', error.awsType)
    .send(wire.serialize({ __type: error.awsType, message: awsMessage(error) }))
}

function reportFailure (log: Logger, operation: string, err: unknown): ServiceError {
  const error = toServiceError(err)
  if (error.code === 'INTERNAL') log.error({ err: error.cause ?? error, operation }, 'internal failure')
  return error
}

function targetOf (request: FastifyRequest): string | undefined {
  const target = request.headers['x-amz-target']
  if (typeof target !== 'string' || !target.startsWith(KINESIS_TARGET_PREFIX)) return undefined
  return target.slice(KINESIS_TARGET_PREFIX.length)
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

export async function handleKinesisRequest (api: KinesisApi, request: FastifyRequest, reply: FastifyReply): Promise<void> {
  void reply.header('x-amzn-requestid', randomUUID())
  const wire = wireFor(request.headers['content-type'])
  const operation = targetOf(request)
  const unary = operation === undefined ? undefined : api.unary.get(operation)
  const streaming = operation === undefined ? undefined : api.streaming.get(operation)
  const action = unary ?? streaming
  if (wire === undefined) {
    // AWS answers an unsupported content type as if the operation did not exist, with 404.
    const type = request.headers['content-type'] ?? '(none)'
    sendError(reply, jsonWire, new ServiceError('UNKNOWN_OPERATION', `Content-Type ${type} is not supported: send application/x-amz-json-1.1 or application/x-amz-cbor-1.1.`), 404)
    return
  }
  const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0)
  try {
    if (api.closing()) throw new ServiceError('SHUTTING_DOWN', 'The server is shutting down and takes no new requests; retry against it once it is back.')
    if (body.length === 0 && action !== undefined) throw new ServiceError('SERIALIZATION_FAILED', 'The request body is empty: send a JSON object (at least {}).')
    if (action === undefined) {
      const target = request.headers['x-amz-target'] ?? '(none)'
      throw new ServiceError('UNKNOWN_OPERATION', `X-Amz-Target ${String(target)} names no supported operation: use ${KINESIS_TARGET_PREFIX}<Action>, e.g. ${KINESIS_TARGET_PREFIX}PutRecord.`)
    }
    const parsed = wire.parse(body)
    const signer = await checkSignature({ method: request.method, url: request.url, headers: request.headers, body }, api.keys)
    const input = decodeRequest(action.input, parsed, wire.types)
    if (streaming !== undefined) {
      api.serveStream(streaming, signerContext(api.contexts, signer), input, request, reply)
      return
    }
    const output = await invoke(unary!, signerContext(wire === jsonWire ? api.jsonContexts : api.contexts, signer), input, awsFieldPath)
    const encoded = wire.encodeChunks(output)
    void reply.code(200).header('content-type', wire.contentType)
    const bytes = encoded.reduce((sum, chunk) => sum + chunk.byteLength, 0)
    if (bytes >= LARGE_BODY_BYTES) sendChunks(reply, encoded, bytes)
    else void reply.send(encoded.length === 1 ? encoded[0] : Buffer.concat(encoded, bytes))
  } catch (err) {
    sendError(reply, wire, reportFailure(api.log, operation ?? '(unknown)', err))
  }
}
