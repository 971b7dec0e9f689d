/**
 * The AWS Query protocol: a form-encoded POST (or a GET's query string) with `Action` and
 * `Version`, answered in XML. The service is chosen by query-services.ts; decoding and
 * encoding follow the action's compiled shapes (shape-query.ts), so this file knows no
 * service or operation.
 */
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { Logger } from 'pino'
import { invoke, type ActionContexts } from '../actions/index.js'
import { ServiceError, toServiceError } from '../errors.js'
import { defaultQueryError, type QueryRegistry, type QueryService } from './query-services.js'
import { pathOf, requestContext, originOf } from './request-context.js'
import { decodeQueryStruct, encodeXmlStruct, paramTree } from './shape-query.js'
import { checkSignature, scopeServiceOf, type KeyTable } from './sigv4.js'
import { queryErrorXml, queryResponseXml } from './xml-answers.js'

export const FORM_TYPE = 'application/x-www-form-urlencoded'

export interface QueryApi {
  readonly contexts: ActionContexts
  readonly keys: KeyTable | undefined
  readonly log: Logger
  readonly closing: () => boolean
  readonly query: QueryRegistry
}

/**
 * The Query parameters of a request, when it is one: a form body with `Action`, or a
 * query string with `Action` (AWS takes Query requests as GETs too). Otherwise undefined,
 * and the request is left to the JSON services.
 */
export function queryParamsOf (request: FastifyRequest, mediaType: string): URLSearchParams | undefined {
  if (request.method === 'POST' && mediaType === FORM_TYPE && Buffer.isBuffer(request.body)) {
    const params = new URLSearchParams(request.body.toString('utf8'))
    if (params.has('Action')) return params
  }
  const q = request.url.indexOf('?')
  if (q >= 0 && (request.method === 'GET' || request.method === 'POST')) {
    const params = new URLSearchParams(request.url.slice(q + 1))
    if (params.has('Action')) return params
  }
  return undefined
}

function requestIdOf (reply: FastifyReply): string {
  return String(reply.getHeader('x-amzn-RequestId') ?? '')
}

export function sendQueryError (reply: FastifyReply, service: QueryService | undefined, error: ServiceError): void {
  const rendered = (service?.queryError ?? defaultQueryError)(error)
  void reply.code(error.httpStatus).header('content-type', 'text/xml').header('x-amzn-ErrorType', rendered.code)
  void reply.send(queryErrorXml(service?.xmlNamespace ?? '', rendered, requestIdOf(reply)))
}

export async function handleQueryRequest (api: QueryApi, params: URLSearchParams, request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const actionName = params.get('Action') ?? ''
  const registered = api.query.pick(scopeServiceOf(request.headers, request.url), params.get('Version'), actionName)
  const service = registered?.service ?? api.query.first?.service
  try {
    const compiled = registered?.actions.get(actionName)
    // The queue URL the request's path names (SQS), if any. A request sent to a queue's URL
    // takes only the actions on a queue (AWS: CreateQueue or ListQueues there is "not
    // valid for this endpoint").
    const pathValue = registered?.service.path?.value(pathOf(request.url), originOf(request))
    const toQueue = pathValue !== undefined
    if (compiled === undefined || (toQueue && compiled.pathMember === undefined)) {
      throw new ServiceError('INVALID_ACTION', registered === undefined
        ? `The request names no service this server knows: sign it for sqs or sns, or give a Version (${api.query.first?.service.version ?? ''}).`
        : `The action ${actionName} is not valid for this ${toQueue ? 'endpoint' : 'web service'}.`)
    }
    if (api.closing()) throw new ServiceError('SHUTTING_DOWN', 'The server is shutting down and takes no new requests; retry against it once it is back.')
    const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0)
    const signer = await checkSignature({ method: request.method, url: request.url, headers: request.headers, body }, api.keys)
    const { xmlNamespace, readQueryInput } = registered!.service
    const input = decodeQueryStruct(compiled.input, paramTree(params))
    readQueryInput?.(actionName, input)
    const member = compiled.pathMember
    if (pathValue !== undefined && member !== undefined && input[member.key] === undefined) input[member.key] = pathValue
    const output = await invoke(compiled.action, requestContext(api.contexts, signer, request), input) as Record<string, unknown>
    const result = compiled.noOutput ? undefined : encodeXmlStruct(compiled.output, output)
    void reply.code(200).header('content-type', 'text/xml')
    void reply.send(queryResponseXml(xmlNamespace, actionName, result, requestIdOf(reply)))
  } catch (err) {
    const error = toServiceError(err)
    if (error.code === 'INTERNAL') api.log.error({ err: error.cause ?? error, operation: actionName }, 'internal failure')
    sendQueryError(reply, service, error)
  }
}
