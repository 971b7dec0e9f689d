/**
 * What the SQS (and SNS) transports add to a request's action context: the origin the
 * client reached the server at, so queue URLs work for its next call from the same place,
 * and the caller's access key id, which SQS reports as a message's SenderId.
 */
import type { FastifyRequest } from 'fastify'
import type { ActionContext, ActionContexts } from '../actions/index.js'
import { signerContext } from './kinesis-api.js'
import type { Signer } from './sigv4.js'

/** `http://<Host>` as the client sent it (HTTP/2: `:authority`), or undefined without one. */
export function originOf (request: FastifyRequest): string | undefined {
  const host = request.headers.host ?? request.headers[':authority']
  return typeof host === 'string' && host !== '' ? `http://${host}` : undefined
}

export function requestContext (contexts: ActionContexts, signer: Signer, request: FastifyRequest): ActionContext {
  const base = signerContext(contexts, signer)
  const origin = originOf(request)
  return {
    ...base,
    ...(origin === undefined ? {} : { origin }),
    ...(signer.accessKeyId === '' ? {} : { callerId: signer.accessKeyId })
  }
}

/** The path of a request URL, without its query string. */
export function pathOf (url: string): string {
  const q = url.indexOf('?')
  return q < 0 ? url : url.slice(0, q)
}
