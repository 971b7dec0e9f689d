/**
 * What a subscriber receives: AWS's JSON envelope (Type Notification, MessageId,
 * TopicArn, Subject, Message, Timestamp, SignatureVersion, Signature, SigningCertURL,
 * UnsubscribeURL, MessageAttributes; SequenceNumber and MessageGroupId on FIFO topics),
 * signed for real, or with RawMessageDelivery the bare message; and the SNS event a
 * Lambda function is invoked with. Members are in AWS's order.
 */
import type { MessageAttributeValue } from '../queues/message-codec.js'
import { byName } from '../queues/md5.js'
import type { MessageSigner } from './message-signer.js'
import type { PublishedMessage } from './topic-model.js'

export interface EnvelopeContext {
  readonly topicArn: string
  readonly subscriptionArn: string
  readonly protocol: string
  readonly origin: string
  readonly signer: MessageSigner
  readonly signatureVersion: '1' | '2'
  readonly fifo: boolean
  readonly sequenceNumber?: string | undefined
  /** Publish time, ms. */
  readonly timestamp: number
}

/** What a Notification's signature covers besides the message: no subscription, so one signature serves every subscription of a protocol. */
export type SigningContext = Pick<EnvelopeContext, 'topicArn' | 'protocol' | 'signer' | 'signatureVersion' | 'fifo' | 'sequenceNumber' | 'timestamp'>

/** The message a protocol receives: with MessageStructure json, its own entry or `default`. */
export function messageFor (message: PublishedMessage, protocol: string): string {
  if (message.json !== true) return message.message
  try {
    const parsed = JSON.parse(message.message) as Record<string, unknown>
    // A protocol's own entry counts only as a string; AWS delivers the default otherwise.
    const own = parsed[protocol]
    return typeof own === 'string' ? own : String(parsed.default ?? '')
  } catch {
    return message.message
  }
}

// The ARNs go into these URLs as they are, as AWS writes them: an ARN's characters (letters,
// digits, `:`, `-`, `_`, `.`) need no escaping in a query string.
export function unsubscribeUrl (origin: string, subscriptionArn: string): string {
  return `${origin}/?Action=Unsubscribe&SubscriptionArn=${subscriptionArn}`
}

export function subscribeUrl (origin: string, topicArn: string, token: string): string {
  return `${origin}/?Action=ConfirmSubscription&TopicArn=${topicArn}&Token=${token}`
}

/** The Notification's members up to its signature, in AWS's member order. */
function unsigned (message: PublishedMessage, ctx: SigningContext): Record<string, unknown> {
  const body: Record<string, unknown> = {
    Type: 'Notification',
    MessageId: message.id,
    ...(ctx.fifo && ctx.sequenceNumber !== undefined ? { SequenceNumber: ctx.sequenceNumber } : {}),
    TopicArn: ctx.topicArn,
    ...(message.subject === undefined ? {} : { Subject: message.subject }),
    Message: messageFor(message, ctx.protocol),
    Timestamp: new Date(ctx.timestamp).toISOString(),
    ...(ctx.fifo && message.group !== undefined ? { MessageGroupId: message.group } : {})
  }
  body.SignatureVersion = ctx.signatureVersion
  return body
}

/** Makes the signature `notification` will take, off the main thread (MessageSigner.signAhead). */
export function signNotificationAhead (message: PublishedMessage, ctx: SigningContext): Promise<void> {
  return ctx.signer.signAhead(unsigned(message, ctx), ctx.signatureVersion)
}

/** Whether the Notification's signature was made ahead, so `notification` signs nothing now. */
export function isSignedAhead (message: PublishedMessage, ctx: SigningContext): boolean {
  return ctx.signer.knows(unsigned(message, ctx), ctx.signatureVersion)
}

/** The signed Notification, as an object in AWS's member order. */
export function notification (message: PublishedMessage, ctx: EnvelopeContext): Record<string, unknown> {
  const body = unsigned(message, ctx)
  body.Signature = ctx.signer.sign(body, ctx.signatureVersion)
  body.SigningCertURL = `${ctx.origin}${ctx.signer.certPath}`
  body.UnsubscribeURL = unsubscribeUrl(ctx.origin, ctx.subscriptionArn)
  if (message.attributes !== undefined && message.attributes.length > 0) {
    body.MessageAttributes = Object.fromEntries(message.attributes.map(([name, v]) => [name, { Type: v.DataType, Value: v.StringValue ?? v.BinaryValue ?? '' }]))
  }
  return body
}

/** A SubscriptionConfirmation, signed. */
export function confirmation (topicArn: string, token: string, origin: string, signer: MessageSigner, version: '1' | '2', messageId: string, now: number): Record<string, unknown> {
  const url = subscribeUrl(origin, topicArn, token)
  const body: Record<string, unknown> = {
    Type: 'SubscriptionConfirmation',
    MessageId: messageId,
    Token: token,
    TopicArn: topicArn,
    Message: `You have chosen to subscribe to the topic ${topicArn}.\nTo confirm the subscription, visit the SubscribeURL included in this message.`,
    SubscribeURL: url,
    Timestamp: new Date(now).toISOString()
  }
  body.SignatureVersion = version
  body.Signature = signer.sign(body, version)
  body.SigningCertURL = `${origin}${signer.certPath}`
  return body
}

/** Raw delivery into SQS: the message attributes become the SQS message's (String.Array as String). */
export function sqsAttributes (message: PublishedMessage): Array<[string, MessageAttributeValue]> {
  const out: Array<[string, MessageAttributeValue]> = (message.attributes ?? []).map(([name, v]) => {
    if (v.BinaryValue !== undefined) return [name, { dataType: v.DataType, binaryValue: Buffer.from(v.BinaryValue, 'base64') }]
    return [name, { dataType: v.DataType === 'String.Array' ? 'String' : v.DataType, stringValue: v.StringValue ?? '' }]
  })
  // More than SQS's 10 fail the delivery (SubscriptionPump.toQueue), as in AWS.
  return out.sort(byName)
}

/** The event a Lambda function subscribed to the topic is invoked with. */
export function lambdaEvent (envelope: Record<string, unknown>, subscriptionArn: string): Record<string, unknown> {
  const sns: Record<string, unknown> = { ...envelope }
  // Lambda's event names the certificate and unsubscribe URLs in its own casing.
  sns.SigningCertUrl = sns.SigningCertURL
  sns.UnsubscribeUrl = sns.UnsubscribeURL
  delete sns.SigningCertURL
  delete sns.UnsubscribeURL
  sns.MessageAttributes ??= {}
  return { Records: [{ EventSource: 'aws:sns', EventVersion: '1.0', EventSubscriptionArn: subscriptionArn, Sns: sns }] }
}
