/**
 * The page's way to the queue actions until the SQS HTTP API (JSON 1.0 on `POST /`) is
 * on main: `POST /console/sqs` takes exactly the requests an SQS JSON 1.0 client sends
 * (`X-Amz-Target: AmazonSQS.<Action>`, AWS member names) and answers as it would, through
 * the same actions gRPC calls. Once `POST /` speaks SQS, the page's SQS endpoint becomes
 * `/` and this file goes.
 *
 * Member names map by rule (QueueUrl <-> queue_url, MD5OfMessageBody <->
 * md5_of_message_body); the keys of map-valued members (attributes, tags) are the user's
 * and stay as they are.
 */
import type { FastifyReply, FastifyRequest } from 'fastify'
import { invoke, QUEUE_ACTIONS, type ActionContext } from '../actions/index.js'
import { ERROR_CODES, ServiceError, toServiceError, type ErrorSpec } from '../errors.js'

const SQS_TARGET_PREFIX = 'AmazonSQS.'
const ACTIONS = new Map(QUEUE_ACTIONS.map((a) => [a.name, a]))
/** Members whose keys are names the user chose, not member names. */
const MAP_MEMBERS = new Set(['attributes', 'message_attributes', 'message_system_attributes', 'tags'])

function snakeName (aws: string): string {
  return aws.replace(/^MD5/, 'Md5').replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase()
}

function awsName (snake: string): string {
  return snake.split('_').map((w) => (w === 'md5' ? 'MD5' : w.charAt(0).toUpperCase() + w.slice(1))).join('')
}

function rename (value: unknown, name: (key: string) => string, keepKeys = false): unknown {
  if (Array.isArray(value)) return value.map((v) => rename(v, name))
  if (value === null || typeof value !== 'object' || value instanceof Uint8Array) return value
  const out: Record<string, unknown> = {}
  for (const [key, v] of Object.entries(value)) {
    const renamed = keepKeys ? key : name(key)
    const snake = keepKeys ? '' : (name === snakeName ? renamed : key)
    out[renamed] = rename(v, name, MAP_MEMBERS.has(snake))
  }
  return out
}

function sendJson (reply: FastifyReply, status: number, body: unknown): void {
  void reply.code(status).header('content-type', 'application/x-amz-json-1.0').send(JSON.stringify(body))
}

function sendFailure (reply: FastifyReply, error: ServiceError): void {
  const spec: ErrorSpec = ERROR_CODES[error.code]
  if (spec.queryCode !== undefined) void reply.header('x-amzn-query-error', `${spec.queryCode};${(spec.senderFault ?? error.httpStatus < 500) ? 'Sender' : 'Receiver'}`)
  sendJson(reply, error.httpStatus, { __type: error.awsType, message: error.message })
}

export async function serveSqsBridge (ctx: ActionContext, request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const target = request.headers['x-amz-target']
  const operation = typeof target === 'string' && target.startsWith(SQS_TARGET_PREFIX) ? target.slice(SQS_TARGET_PREFIX.length) : ''
  const action = ACTIONS.get(operation)
  if (action === undefined) {
    sendFailure(reply, new ServiceError('UNKNOWN_OPERATION', `The X-Amz-Target '${String(target)}' names no SQS operation.`))
    return
  }
  let input: unknown
  try {
    const body = request.body as Buffer | undefined
    input = body === undefined || body.byteLength === 0 ? {} : JSON.parse(body.toString('utf8'))
  } catch (err) {
    sendFailure(reply, new ServiceError('SERIALIZATION_FAILED', `The request body is not JSON: ${(err as Error).message}.`))
    return
  }
  try {
    const output = await invoke(action, ctx, rename(input, snakeName))
    sendJson(reply, 200, rename(output ?? {}, awsName))
  } catch (err) {
    sendFailure(reply, toServiceError(err))
  }
}
