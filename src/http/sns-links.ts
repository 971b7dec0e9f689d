/**
 * The GETs SNS's own messages link to, served on the HTTP API's port: a SubscribeURL
 * (confirms a subscription), an UnsubscribeURL, the SigningCertURL's PEM certificate, and
 * the outbox (`/_shardline/sns/outbox`, shardline's own, JSON). They are plain GETs with
 * the parameters in the query string, as AWS's links are; SNS's API itself (form-encoded
 * POSTs) is not here.
 */
import type { FastifyReply, FastifyRequest } from 'fastify'
import { parseSubscriptionArn, parseTopicArn, type SubscriptionState } from '../topics/topic-model.js'
import type { Topic } from '../topics/topic.js'
import type { TopicRegistry } from '../topics/topic-registry.js'
import { nextRequestId } from './request-ids.js'

const NS = 'http://sns.amazonaws.com/doc/2010-03-31/'
export const OUTBOX_PATH = '/_shardline/sns/outbox'

function escapeXml (text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
}

function xml (reply: FastifyReply, status: number, body: string): FastifyReply {
  return reply.code(status).header('content-type', 'text/xml').send(`<?xml version="1.0"?>\n${body}`)
}

function error (reply: FastifyReply, status: number, code: string, message: string, requestId: string): FastifyReply {
  return xml(reply, status, `<ErrorResponse xmlns="${NS}"><Error><Type>Sender</Type><Code>${code}</Code><Message>${escapeXml(message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`)
}

/** The pending subscription a confirmation token names, in any open topic. */
function subscriptionByToken (topics: TopicRegistry, token: string): { topic: Topic, sub: SubscriptionState } | undefined {
  for (const topic of topics.all()) {
    const sub = topic.isOpen ? topic.byToken(token) : undefined
    if (sub !== undefined) return { topic, sub }
  }
  return undefined
}

/** Answers the request if it is one of SNS's links; false leaves it to the API. */
export async function serveSnsLink (topics: TopicRegistry, request: FastifyRequest, reply: FastifyReply): Promise<boolean> {
  if (request.method !== 'GET') return false
  const url = new URL(request.url, 'http://localhost')
  const requestId = String(reply.getHeader('x-amzn-RequestId') ?? nextRequestId())
  if (url.pathname === topics.signer.certPath) {
    await reply.code(200).header('content-type', 'application/x-pem-file').send(topics.signer.certificatePem)
    return true
  }
  if (url.pathname === OUTBOX_PATH) {
    const entries = topics.outbox.list({
      endpoint: url.searchParams.get('endpoint') ?? undefined,
      topicArn: url.searchParams.get('topicArn') ?? undefined,
      protocol: url.searchParams.get('protocol') ?? undefined
    })
    await reply.code(200).header('content-type', 'application/json').send(JSON.stringify({ entries }))
    return true
  }
  const action = url.searchParams.get('Action')
  if (url.pathname !== '/' || (action !== 'ConfirmSubscription' && action !== 'Unsubscribe')) return false
  if (action === 'ConfirmSubscription') {
    // The token names the subscription; the TopicArn need only be a topic ARN of its region
    // (AWS confirms even when that topic's name is not the subscription's).
    const topicArn = parseTopicArn(url.searchParams.get('TopicArn') ?? '')
    if (topicArn === undefined) {
      await error(reply, 400, 'InvalidParameter', 'Invalid parameter: Topic', requestId)
      return true
    }
    const token = url.searchParams.get('Token') ?? ''
    const found = token === '' ? undefined : subscriptionByToken(topics, token)
    if (found === undefined) {
      await error(reply, 400, 'InvalidParameter', 'Invalid parameter: Token', requestId)
      return true
    }
    const { topic, sub } = found
    if (topic.scope.region !== topicArn.region) {
      await error(reply, 400, 'InvalidParameter', 'Invalid parameter: Topic', requestId)
      return true
    }
    await topic.confirm(sub)
    await xml(reply, 200, `<ConfirmSubscriptionResponse xmlns="${NS}"><ConfirmSubscriptionResult><SubscriptionArn>${escapeXml(topic.subscriptionArn(sub))}</SubscriptionArn></ConfirmSubscriptionResult><ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></ConfirmSubscriptionResponse>`)
    return true
  }
  const arn = url.searchParams.get('SubscriptionArn') ?? ''
  const parsed = parseSubscriptionArn(arn)
  if (parsed === undefined) {
    await error(reply, 400, 'InvalidParameter', 'Invalid parameter: SubscriptionArn', requestId)
    return true
  }
  const topic = topics.findByArn(`arn:aws:sns:${parsed.region}:${parsed.accountId}:${parsed.name}`)
  if (topic !== undefined) await topic.unsubscribe(parsed.id)
  await xml(reply, 200, `<UnsubscribeResponse xmlns="${NS}"><ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></UnsubscribeResponse>`)
  return true
}
