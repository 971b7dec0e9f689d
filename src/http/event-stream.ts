/**
 * SubscribeToShard over HTTP: the response is an AWS event stream
 * (`application/vnd.amazon.eventstream`). The HTTP response starts with the first event,
 * so errors found before it (unknown consumer, shard in use, validation) are plain AWS
 * error responses, as with AWS; the stream then carries an `initial-response` event,
 * `SubscribeToShardEvent` events, and a failure as an `exception` event.
 */
import type { ServerResponse } from 'node:http'
import type { Http2ServerResponse } from 'node:http2'
import { EventStreamCodec, type MessageHeaders } from '@smithy/eventstream-codec'
import { fromUtf8, toUtf8 } from '@smithy/util-utf8'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { invokeStreaming, type ActionContext, type AnyStreamingAction } from '../actions/index.js'
import { toServiceError } from '../errors.js'
import { awsFieldPath } from './aws-shapes.js'
import { awsMessage, type KinesisApi } from './kinesis-api.js'
import { wireFor, jsonWire, type WireFormat } from './wire-formats.js'

const codec = new EventStreamCodec(toUtf8, fromUtf8)

function str (value: string): { type: 'string', value: string } {
  return { type: 'string', value }
}

/** An event whose payload is an action output (snake_case), encoded the AWS way. */
function eventMessage (wire: WireFormat, eventType: string, output: unknown): Uint8Array {
  const headers: MessageHeaders = {
    ':message-type': str('event'),
    ':event-type': str(eventType),
    ':content-type': str(wire.contentType)
  }
  return codec.encode({ headers, body: wire.encode(output) })
}

/**
 * The exception events the SubscribeToShard event-stream union declares. The SDKs turn any
 * other name into a bare Error, so other failures (an internal one, a shutdown) go out as
 * InternalFailureException, which clients already treat as "resubscribe later".
 */
const STREAM_EXCEPTIONS = new Set([
  'ResourceNotFoundException',
  'ResourceInUseException',
  'InternalFailureException',
  'KMSDisabledException',
  'KMSInvalidStateException',
  'KMSAccessDeniedException',
  'KMSNotFoundException',
  'KMSOptInRequired',
  'KMSThrottlingException'
])

function streamExceptionType (awsType: string): string {
  return STREAM_EXCEPTIONS.has(awsType) ? awsType : 'InternalFailureException'
}

function exceptionMessage (wire: WireFormat, awsType: string, message: string): Uint8Array {
  const headers: MessageHeaders = {
    ':message-type': str('exception'),
    ':exception-type': str(awsType),
    ':content-type': str(wire.contentType)
  }
  return codec.encode({ headers, body: wire.serialize({ message }) })
}

type RawResponse = ServerResponse | Http2ServerResponse

/** Writes a chunk and resolves when the transport took it: HTTP/1.1 or HTTP/2 flow control holds the producer. */
function write (raw: RawResponse, chunk: Uint8Array): Promise<void> {
  return new Promise((resolve) => {
    if (raw.destroyed || raw.writableEnded) {
      resolve()
      return
    }
    const done = (): void => {
      raw.off('close', done)
      resolve()
    }
    raw.once('close', done)
    // Both response kinds take (chunk, callback); their union's overloads do not unify.
    ;(raw as ServerResponse).write(chunk, done)
  })
}

export function serveEventStream (api: KinesisApi, action: AnyStreamingAction, ctx: ActionContext, input: unknown, request: FastifyRequest, reply: FastifyReply): void {
  const wire = wireFor(request.headers['content-type']) ?? jsonWire
  const raw = reply.raw as RawResponse
  const gone = new AbortController()
  let started = false
  reply.hijack()
  raw.once('close', () => gone.abort())
  const send = async (event: unknown): Promise<void> => {
    if (gone.signal.aborted) return
    if (!started) {
      started = true
      raw.writeHead(200, {
        'content-type': 'application/vnd.amazon.eventstream',
        'x-amzn-requestid': String(reply.getHeader('x-amzn-requestid') ?? '')
      })
      await write(raw, eventMessage(wire, 'initial-response', {}))
    }
    await write(raw, eventMessage(wire, 'SubscribeToShardEvent', event))
  }
  invokeStreaming(action, ctx, input, send, gone.signal, awsFieldPath).then(
    () => { if (!gone.signal.aborted) raw.end() },
    (err: unknown) => {
      const error = toServiceError(err)
      if (error.code === 'INTERNAL') api.log.error({ err: error.cause ?? error, operation: action.name }, 'internal failure')
      if (gone.signal.aborted) return
      if (!started) {
        // Nothing sent yet: a plain error response. The reply was hijacked, so write it raw.
        const body = wire.serialize({ __type: error.awsType, message: awsMessage(error) })
        raw.writeHead(error.httpStatus, {
          'content-type': wire.contentType,
          'x-amzn-errortype': error.awsType,
          'x-amzn-requestid': String(reply.getHeader('x-amzn-requestid') ?? '')
        })
        raw.end(body)
        return
      }
      raw.end(exceptionMessage(wire, streamExceptionType(error.awsType), awsMessage(error)))
    }
  )
}
