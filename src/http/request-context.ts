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

/**
 * Contexts made for each scope's base context, by origin and caller. A client sends the same
 * Host and access key on every call, and spreading the base context anew per request
 * measured 2 % of the server's CPU under SQS load. Bounded, as Host is the client's to choose.
 */
const derived = new WeakMap<ActionContext, Map<string, ActionContext>>()
const DERIVED_PER_SCOPE = 256

export function requestContext (contexts: ActionContexts, signer: Signer, request: FastifyRequest): ActionContext {
  const context = sharedContext(contexts, signer, request)
  // The trace header changes per request, so a context carrying it is not kept.
  const trace = request.headers['x-amzn-trace-id']
  return typeof trace === 'string' && trace !== '' ? { ...context, traceHeader: trace } : context
}

function sharedContext (contexts: ActionContexts, signer: Signer, request: FastifyRequest): ActionContext {
  const base = signerContext(contexts, signer)
  const origin = originOf(request)
  const key = `${origin ?? ''}\n${signer.accessKeyId}`
  let known = derived.get(base)
  const found = known?.get(key)
  if (found !== undefined) return found
  const context: ActionContext = {
    ...base,
    ...(origin === undefined ? {} : { origin }),
    ...(signer.accessKeyId === '' ? {} : { callerId: signer.accessKeyId })
  }
  if (known === undefined) {
    known = new Map()
    derived.set(base, known)
  }
  if (known.size < DERIVED_PER_SCOPE) known.set(key, context)
  return context
}

/** The path of a request URL, without its query string. */
export function pathOf (url: string): string {
  const q = url.indexOf('?')
  return q < 0 ? url : url.slice(0, q)
}
