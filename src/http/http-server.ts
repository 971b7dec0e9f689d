/**
 * The AWS-compatible HTTP transport: fastify on one port that speaks HTTP/1.1 and HTTP/2
 * cleartext (see dual-protocol.ts). It only routes; kinesis-api.ts decodes and encodes.
 */
import type { IncomingMessage, Server } from 'node:http'
import type { Http2ServerRequest } from 'node:http2'
import type { AddressInfo } from 'node:net'
import { fastify, type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify'
import type { Logger } from 'pino'
import type { ActionContexts, AnyAction, AnyStreamingAction } from '../actions/index.js'
import { ServiceError, toServiceError } from '../errors.js'
import { createDualProtocolServer, type DualProtocolServer, type RequestHandler } from './dual-protocol.js'
import { serveEventStream } from './event-stream.js'
import { handleKinesisRequest, sendError, type KinesisApi } from './kinesis-api.js'
import { FORM_TYPE, handleQueryRequest, queryParamsOf, sendQueryError } from './query-api.js'
import { QueryRegistry, type QueryService } from './query-services.js'
import { answerBareQueueGet, compileSqsActions, handleSqsJsonRequest, sendSqsJsonError, SQS_TARGET_PREFIX, sqsQueryService } from './sqs-api.js'
import { jsonRecordsRenderer } from './records-renderer.js'
import type { KeyTable } from './sigv4.js'
import { AMZ_CBOR, AMZ_JSON, cborWire, mediaTypeOf, wireFor } from './wire-formats.js'
import { stampAnswer, stampHeaders } from './aws-answers.js'
import type { TopicRegistry } from '../topics/topic-registry.js'
import { serveSnsLink } from './sns-links.js'

/**
 * A 10 MiB PutRecords (or PutRecord of a 10 MiB record) is about 13.4 MiB as base64 in
 * JSON, plus up to 500 partition keys (which JSON may escape six bytes per character);
 * 16 MiB holds the largest valid request.
 */
export const MAX_BODY_BYTES = 16 * 1024 * 1024

/**
 * Reads and drops a request body nobody parsed, up to the largest body the server takes;
 * a longer one ends the connection after the answer, as the rest cannot be skipped cheaply.
 */
async function discardBody (raw: IncomingMessage | Http2ServerRequest): Promise<boolean> {
  if (raw.readableEnded) return true
  let bytes = 0
  for await (const chunk of raw) {
    bytes += (chunk as Buffer).byteLength
    if (bytes > MAX_BODY_BYTES) return false
  }
  return true
}

export interface HttpServer {
  readonly port: number
  /** Stops taking requests, lets running ones finish (up to `graceMs`), then cuts them off. */
  close (graceMs: number): Promise<void>
}

export interface HttpServerOptions {
  readonly unary: readonly AnyAction[]
  readonly streaming: readonly AnyStreamingAction[]
  /** The SQS actions, served as JSON 1.0 (`AmazonSQS.*`) and Query. */
  readonly queues: readonly AnyAction[]
  /** Further services of the Query protocol (SNS), beside SQS's. */
  readonly query?: readonly QueryService[]
  readonly keys: KeyTable | undefined
  /** Routes of other surfaces on this port (the web console), registered before the AWS API's catch-all. */
  readonly routes?: ((app: FastifyInstance<Server>) => void) | undefined
  /** SNS's SubscribeURL, UnsubscribeURL, SigningCertURL and the outbox are GETs on this port. */
  readonly topics?: TopicRegistry
}

export async function startHttpServer (contexts: ActionContexts, options: HttpServerOptions, host: string, port: number, log: Logger): Promise<HttpServer> {
  // fastify may ask the factory for more than one server (extra bindings for `localhost`);
  // the first is the main one.
  const fronts: DualProtocolServer[] = []
  const app = fastify<Server>({
    logger: false,
    bodyLimit: MAX_BODY_BYTES,
    // Kinesis bodies are not JSON to fastify: the body is parsed by its Content-Type here.
    // fastify drives the front like an http.Server (listen, address, close); its requests
    // are http's or http2's compat objects, which fastify handles alike.
    serverFactory: (handler) => {
      const front = createDualProtocolServer(handler as unknown as RequestHandler)
      fronts.push(front)
      return front as unknown as Server
    },
    // The SDK's HTTP/2 client keeps sessions open; close must not wait for them.
    forceCloseConnections: false,
    // Requests arriving while closing get an AWS-shaped ServiceUnavailable (kinesis-api.ts).
    return503OnClosing: false
  })
  let closing = false
  app.removeAllContentTypeParsers()
  const rawBody = (_req: unknown, body: Buffer, done: (err: null, body: Buffer) => void): void => done(null, body)
  // The two Kinesis types by name as well: fastify caches the parser found for a
  // Content-Type, but not a catch-all's, which it found by parsing the header anew on
  // every request.
  app.addContentTypeParser([AMZ_JSON, AMZ_CBOR, 'application/x-amz-json-1.0', FORM_TYPE], { parseAs: 'buffer' }, rawBody)
  app.addContentTypeParser('*', { parseAs: 'buffer' }, rawBody)

  const api: KinesisApi = {
    contexts,
    jsonContexts: contexts.rendering(jsonRecordsRenderer),
    unary: new Map(options.unary.map((a) => [a.name, a])),
    streaming: new Map(options.streaming.map((a) => [a.name, a])),
    keys: options.keys,
    log,
    closing: () => closing,
    serveStream: (action, ctx, input, request, reply) => serveEventStream(api, action, ctx, input, request, reply)
  }
  const closingNow = (): boolean => closing
  const sqsJson = { contexts, keys: options.keys, log, closing: closingNow, sqs: compileSqsActions(options.queues) }
  // The Query protocol's services, by signing name: SQS's, and those the options add (SNS).
  const queryApi = { contexts, keys: options.keys, log, closing: closingNow, query: new QueryRegistry([sqsQueryService(options.queues), ...(options.query ?? [])]) }
  /**
   * One port, several services: `X-Amz-Target` names Kinesis (`Kinesis_20131202.*`) or
   * SQS JSON (`AmazonSQS.*`); without one, a form body (or query string) with `Action` is
   * the Query protocol. Anything else is Kinesis's to refuse, as it always was.
   */
  const dispatch = async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const target = request.headers['x-amz-target']
    const mediaType = mediaTypeOf(request.headers['content-type'])
    if (typeof target === 'string') {
      if (request.method === 'POST' && target.startsWith(SQS_TARGET_PREFIX)) return handleSqsJsonRequest(sqsJson, mediaType, request, reply)
      return handleKinesisRequest(api, request, reply, mediaType)
    }
    const params = queryParamsOf(request, mediaType)
    if (params !== undefined) return handleQueryRequest(queryApi, params, request, reply)
    if (answerBareQueueGet(request, reply)) return
    return handleKinesisRequest(api, request, reply, mediaType)
  }
  options.routes?.(app)
  // The handler answers through `reply` itself, sometimes hijacked (a large body). Returning
  // the reply tells fastify the answer is taken care of, whatever the handler's promise
  // resolves to.
  // Every method and path comes here: AWS ignores the path, and answers other methods
  // itself (a CORS preflight, or AccessDeniedException).
  app.route({
    method: ['DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT'],
    url: '*',
    handler: async (request, reply) => {
      // fastify reads no body for GET and HEAD; one left unread would be parsed as the
      // next request on the connection.
      if (request.body === undefined && !(await discardBody(request.raw)) && request.raw.httpVersionMajor === 1) {
        void reply.header('connection', 'close')
      }
      // Only GETs can be the links (signing certificate, outbox, confirm and unsubscribe
      // URLs): an API call does not wait a turn for the check.
      if (request.method === 'GET' && options.topics !== undefined && await serveSnsLink(options.topics, request, reply)) return reply
      if (!stampAnswer(request, reply)) await dispatch(request, reply)
      return reply
    }
  })
  app.setErrorHandler((err: FastifyError, request, reply) => {
    if (reply.getHeader('x-amzn-RequestId') === undefined) stampHeaders(request, reply)
    const wire = wireFor(request.headers['content-type']) ?? cborWire
    // A body fastify could not read is refused in the protocol the request spoke.
    const target = request.headers['x-amz-target']
    const send = (error: ServiceError): void => {
      if (typeof target === 'string' && target.startsWith(SQS_TARGET_PREFIX)) sendSqsJsonError(reply, error)
      else if (target === undefined && mediaTypeOf(request.headers['content-type']) === FORM_TYPE) sendQueryError(reply, queryApi.query.first?.service, error)
      else sendError(reply, wire, error)
    }
    if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      send(new ServiceError('REQUEST_TOO_LARGE', `The request body is larger than ${MAX_BODY_BYTES} bytes; a PutRecords request holds at most 10 MiB of data and partition keys, a SendMessageBatch 1 MiB of messages.`))
      return
    }
    if (typeof err.statusCode === 'number' && err.statusCode < 500) {
      send(new ServiceError('SERIALIZATION_FAILED', `The request could not be read: ${err.message}.`))
      return
    }
    const error = toServiceError(err)
    log.error({ err }, 'internal failure in the HTTP transport')
    send(error)
  })
  await app.listen({ host, port })
  const address = fronts[0]!.address() as AddressInfo
  return {
    port: address.port,
    async close (graceMs) {
      closing = true
      const force = setTimeout(() => { for (const front of fronts) front.closeAllConnections() }, graceMs)
      try {
        await app.close()
      } finally {
        clearTimeout(force)
      }
    }
  }
}
