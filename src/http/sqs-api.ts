/**
 * SQS over the AWS HTTP API, in its two protocols:
 * - JSON 1.0, `X-Amz-Target: AmazonSQS.<Action>` (current SDKs, boto3 and the CLI);
 *   errors as `{"__type": "com.amazonaws.sqs#QueueDoesNotExist", "message"}` with the
 *   Query code and fault in `x-amzn-query-error`, which the SDKs read;
 * - Query (query-api.ts), as the service `SQS_QUERY` describes it.
 * Either may be POSTed to a queue's URL: its path then stands for a missing QueueUrl.
 */
import type { FastifyReply, FastifyRequest } from 'fastify'
import { invoke, type AnyAction } from '../actions/index.js'
import { sqsName } from '../actions/queues/sqs-validation.js'
import { ERROR_CODES, ServiceError, toServiceError, type ErrorSpec } from '../errors.js'
import { bareErrorHeaders } from './aws-answers.js'
import type { QueryApi } from './query-api.js'
import { defaultQueryError, type QueryService } from './query-services.js'
import { originOf, pathOf, requestContext } from './request-context.js'
import { decodeJsonStruct, encodeJsonStruct } from './shape-json.js'
import { compileAction, type CompiledAction } from './shape-table.js'
import { checkSignature } from './sigv4.js'

export const SQS_TARGET_PREFIX = 'AmazonSQS.'
export const AMZ_JSON_1_0 = 'application/x-amz-json-1.0'
const SQS_VERSION = '2012-11-05'
const SQS_NAMESPACE = `http://queue.amazonaws.com/doc/${SQS_VERSION}/`

/** `/<account-id>/<queue-name>`: a request sent to a queue's URL. */
const QUEUE_PATH = /^\/\d{12}\/[^/]+$/

/**
 * A GET of a queue's URL with no Action, which AWS answers 404 with a bare
 * `<UnknownOperationException/>`; true when it answered.
 */
export function answerBareQueueGet (request: FastifyRequest, reply: FastifyReply): boolean {
  if (request.method !== 'GET' || !QUEUE_PATH.test(pathOf(request.url))) return false
  void reply.code(404).header('content-type', 'text/xml').send('<UnknownOperationException/>')
  return true
}

/** A queue URL's path, as the URL the client reached it at. */
function queueUrlOfPath (path: string, origin: string | undefined): string | undefined {
  return QUEUE_PATH.test(path) ? `${origin ?? ''}${path}` : undefined
}

export function sqsQueryService (actions: readonly AnyAction[]): QueryService {
  return {
    signingName: 'sqs',
    version: SQS_VERSION,
    xmlNamespace: SQS_NAMESPACE,
    actions,
    namer: sqsName,
    path: { member: 'queue_url', value: queueUrlOfPath },
    queryError: defaultQueryError,
    readQueryInput: (action, input) => {
      // AWS's Query endpoint takes a ReceiveMessage's AttributeName.N over its
      // MessageSystemAttributeName.N when both are given (All with SenderId answers SenderId
      // alone), where JSON answers the union; LocalStack's recordings from AWS show both.
      if (action === 'ReceiveMessage' && input.attribute_names !== undefined) delete input.message_system_attribute_names
    }
  }
}

export interface SqsJsonApi extends Omit<QueryApi, 'query'> {
  readonly sqs: ReadonlyMap<string, CompiledAction<AnyAction>>
}

export function compileSqsActions (actions: readonly AnyAction[]): ReadonlyMap<string, CompiledAction<AnyAction>> {
  return new Map(actions.map((a) => [a.name, compileAction(a, sqsName, 'queue_url')]))
}

/** `x-amzn-query-error`'s `Code;Fault`, which the SDKs read to name the error as Query did. */
function queryErrorHeader (error: ServiceError): string {
  const rendered = defaultQueryError(error)
  return `${rendered.code};${rendered.type}`
}

export function sendSqsJsonError (reply: FastifyReply, error: ServiceError): void {
  const spec: ErrorSpec = ERROR_CODES[error.code]
  // SQS's own errors are in its namespace; the protocol's (signature, serialization) in coral's.
  const type = `${spec.queryCode === undefined ? 'com.amazon.coral.service' : 'com.amazonaws.sqs'}#${error.awsType}`
  void reply.code(error.httpStatus).header('content-type', AMZ_JSON_1_0).header('x-amzn-query-error', queryErrorHeader(error))
  if (error.bare) {
    bareErrorHeaders(reply, error)
    void reply.send(Buffer.from(JSON.stringify({ __type: type })))
    return
  }
  void reply.send(Buffer.from(JSON.stringify({ __type: type, message: error.message })))
}

function parseObject (body: Buffer): Record<string, unknown> {
  // An empty body is an empty request: validation then says which parameter is missing.
  if (body.length === 0) return {}
  let parsed: unknown
  try {
    parsed = JSON.parse(body.toString('utf8'))
  } catch (err) {
    throw new ServiceError('SERIALIZATION_FAILED', `The request body is not valid JSON: ${(err as Error).message}.`)
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new ServiceError('SERIALIZATION_FAILED', 'The request body is not a JSON object.')
  return parsed as Record<string, unknown>
}

export async function handleSqsJsonRequest (api: SqsJsonApi, mediaType: string, request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const target = request.headers['x-amz-target'] as string
  const name = target.slice(SQS_TARGET_PREFIX.length)
  try {
    const compiled = api.sqs.get(name)
    if (compiled === undefined) {
      throw new ServiceError('UNKNOWN_OPERATION', `X-Amz-Target ${target} names no SQS operation: use ${SQS_TARGET_PREFIX}<Action>, e.g. ${SQS_TARGET_PREFIX}SendMessage.`)
    }
    if (mediaType !== AMZ_JSON_1_0 && mediaType !== 'application/x-amz-json-1.1' && mediaType !== 'application/json') {
      throw new ServiceError('SERIALIZATION_FAILED', `Content-Type ${request.headers['content-type'] ?? '(none)'} is not supported for SQS JSON: send ${AMZ_JSON_1_0}.`)
    }
    if (api.closing()) throw new ServiceError('SHUTTING_DOWN', 'The server is shutting down and takes no new requests; retry against it once it is back.')
    const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0)
    const parsed = parseObject(body)
    const signer = await checkSignature({ method: request.method, url: request.url, headers: request.headers, body }, api.keys)
    const input = decodeJsonStruct(compiled.input, parsed)
    const member = compiled.pathMember
    if (member !== undefined && input[member.key] === undefined) {
      const url = queueUrlOfPath(pathOf(request.url), originOf(request))
      if (url !== undefined) input[member.key] = url
    }
    const output = await invoke(compiled.action, requestContext(api.contexts, signer, request), input) as Record<string, unknown>
    void reply.code(200).header('content-type', AMZ_JSON_1_0)
    void reply.send(Buffer.from(JSON.stringify(encodeJsonStruct(compiled.output, output))))
  } catch (err) {
    const error = toServiceError(err)
    if (error.code === 'INTERNAL') api.log.error({ err: error.cause ?? error, operation: name }, 'internal failure')
    sendSqsJsonError(reply, error)
  }
}
