/**
 * What every answer of the AWS-compatible API carries, and the answers AWS gives before
 * any service reads a request: request ids, CORS (so the AWS SDK works from a browser
 * page), and the XML refusals of requests that name no service or operation.
 */
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { ServiceError } from '../errors.js'
import { extendedRequestId, nextRequestId } from './request-ids.js'

/** The headers a browser page may read from a cross-origin answer, as AWS lists them. */
const EXPOSED_HEADERS = 'x-amzn-RequestId,x-amzn-ErrorType,x-amz-request-id,x-amz-id-2,x-amzn-ErrorMessage,Date'

/** How long a browser may cache a preflight answer (AWS: two days). */
const PREFLIGHT_MAX_AGE_S = '172800'

/** The readable message of an error whose AWS body has none (ServiceError.bare). */
export const MESSAGE_HEADER = 'x-shardline-message'

function single (value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value
}

/**
 * Stamps the request ids and CORS headers on the reply; answers a CORS preflight (an
 * OPTIONS request with an Origin) itself, as AWS does before looking at anything else.
 * Returns true when the request has been answered.
 */
export function stampAnswer (request: FastifyRequest, reply: FastifyReply): boolean {
  const origin = request.headers.origin
  if (request.method !== 'OPTIONS' || origin === undefined) {
    stampHeaders(request, reply)
    return false
  }
  void reply.header('x-amzn-RequestId', nextRequestId())
  void reply.header('Access-Control-Allow-Origin', '*')
  const headers = single(request.headers['access-control-request-headers'])
  const method = single(request.headers['access-control-request-method'])
  if (headers !== undefined) void reply.header('Access-Control-Allow-Headers', headers)
  if (method !== undefined) void reply.header('Access-Control-Allow-Methods', method)
  void reply.header('Access-Control-Max-Age', PREFLIGHT_MAX_AGE_S)
  sendRaw(reply, 200, undefined, Buffer.alloc(0))
  return true
}

/** The request ids, and for a cross-origin request the CORS headers, of an answer that is not a preflight. */
export function stampHeaders (request: FastifyRequest, reply: FastifyReply): void {
  const requestId = nextRequestId()
  void reply.header('x-amzn-RequestId', requestId)
  void reply.header('x-amz-id-2', extendedRequestId(requestId))
  if (request.headers.origin === undefined) return
  void reply.header('Access-Control-Allow-Origin', '*')
  void reply.header('Access-Control-Expose-Headers', EXPOSED_HEADERS)
}

/**
 * Sends `body` with exactly the headers set on the reply plus these: no Content-Type
 * unless one is given (AWS's XML refusals and preflight answers carry none, which fastify
 * would otherwise add).
 */
export function sendRaw (reply: FastifyReply, status: number, contentType: string | undefined, body: Buffer): void {
  reply.hijack()
  const res = reply.raw
  for (const [name, value] of Object.entries(reply.getHeaders())) {
    if (value !== undefined) res.setHeader(name, value)
  }
  if (contentType !== undefined) res.setHeader('content-type', contentType)
  res.setHeader('content-length', body.byteLength)
  res.writeHead(status)
  res.end(body)
}

function headerText (message: string): string {
  // A header value is one line of visible ASCII.
  return message.replace(/[^\x20-\x7e]/g, '?').slice(0, 1024)
}

/**
 * AWS's XML refusal: `<Type>\n  <Message>...</Message>\n</Type>\n` (403), or an empty
 * `<Type/>\n` when AWS gives no message (then with the error's own status).
 */
export function sendXmlError (reply: FastifyReply, error: ServiceError, status: number, withMessage: boolean): void {
  const type = error.awsType
  void reply.header('x-amzn-ErrorType', type)
  if (!withMessage) void reply.header(MESSAGE_HEADER, headerText(error.message))
  const xml = withMessage ? `<${type}>\n  <Message>${error.message}</Message>\n</${type}>\n` : `<${type}/>\n`
  sendRaw(reply, status, undefined, Buffer.from(xml))
}

/** The readable message of a bare error goes in a header, the body has the type alone. */
export function bareErrorHeaders (reply: FastifyReply, error: ServiceError): void {
  void reply.header(MESSAGE_HEADER, headerText(error.message))
}
