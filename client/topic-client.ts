/**
 * A promise-based client of shardline.v1.TopicService: Amazon SNS over gRPC, with the SNS
 * action names as methods (`createTopic`, `publish`, ...) and members in lowerCamelCase.
 * Every method rejects with a ShardlineError (`code` SNS_NOT_FOUND, `awsType`
 * NotFoundException, ...).
 */
import { GrpcClient, type CallOptions, type StreamClientOptions } from './grpc-client.js'
import { topicMethod, topicService, type TopicMethodName } from './proto.js'
import type {
  ConfirmSubscriptionRequest,
  CreateTopicRequest,
  ListSubscriptionsResponse,
  ListTopicsResponse,
  OutboxEntry,
  PublishBatchRequest,
  PublishBatchResponse,
  PublishRequest,
  PublishResponse,
  SetSubscriptionAttributesRequest,
  SetTopicAttributesRequest,
  SubscribeRequest,
  SubscriptionSummary,
  TopicTag
} from './topic-types.js'

export type TopicClientOptions = StreamClientOptions

type Message = Record<string, unknown>

function stringMap (value: unknown): Record<string, string> {
  return typeof value === 'object' && value !== null ? { ...(value as Record<string, string>) } : {}
}

function list (value: unknown): Message[] {
  return Array.isArray(value) ? value as Message[] : []
}

function optional<K extends string> (key: K, value: unknown): { [P in K]?: string } {
  return (typeof value === 'string' ? { [key]: value } : {}) as { [P in K]?: string }
}

const empty = (): Record<string, never> => ({})
const attributes = (w: Message): { attributes: Record<string, string> } => ({ attributes: stringMap(w.attributes) })

function subscriptions (w: Message): ListSubscriptionsResponse {
  return {
    subscriptions: list(w.subscriptions).map((s): SubscriptionSummary => ({
      subscriptionArn: String(s.subscriptionArn ?? ''),
      owner: String(s.owner ?? ''),
      protocol: String(s.protocol ?? ''),
      endpoint: String(s.endpoint ?? ''),
      topicArn: String(s.topicArn ?? '')
    })),
    ...optional('nextToken', w.nextToken)
  }
}

export class TopicClient extends GrpcClient {
  constructor (options: TopicClientOptions) {
    super(options, 'TopicClient', false)
    topicService()
  }

  createTopic (input: CreateTopicRequest, options?: CallOptions): Promise<{ topicArn: string }> {
    return this.#call('CreateTopic', input, (w) => ({ topicArn: String(w.topicArn ?? '') }), options)
  }

  deleteTopic (input: { topicArn: string }, options?: CallOptions): Promise<Record<string, never>> {
    return this.#call('DeleteTopic', input, empty, options)
  }

  getTopicAttributes (input: { topicArn: string }, options?: CallOptions): Promise<{ attributes: Record<string, string> }> {
    return this.#call('GetTopicAttributes', input, attributes, options)
  }

  setTopicAttributes (input: SetTopicAttributesRequest, options?: CallOptions): Promise<Record<string, never>> {
    return this.#call('SetTopicAttributes', input, empty, options)
  }

  listTopics (input: { nextToken?: string } = {}, options?: CallOptions): Promise<ListTopicsResponse> {
    return this.#call('ListTopics', input, (w) => ({ topics: list(w.topics).map((t) => ({ topicArn: String(t.topicArn ?? '') })), ...optional('nextToken', w.nextToken) }), options)
  }

  subscribe (input: SubscribeRequest, options?: CallOptions): Promise<{ subscriptionArn: string }> {
    return this.#call('Subscribe', input, (w) => ({ subscriptionArn: String(w.subscriptionArn ?? '') }), options)
  }

  confirmSubscription (input: ConfirmSubscriptionRequest, options?: CallOptions): Promise<{ subscriptionArn: string }> {
    return this.#call('ConfirmSubscription', input, (w) => ({ subscriptionArn: String(w.subscriptionArn ?? '') }), options)
  }

  unsubscribe (input: { subscriptionArn: string }, options?: CallOptions): Promise<Record<string, never>> {
    return this.#call('Unsubscribe', input, empty, options)
  }

  getSubscriptionAttributes (input: { subscriptionArn: string }, options?: CallOptions): Promise<{ attributes: Record<string, string> }> {
    return this.#call('GetSubscriptionAttributes', input, attributes, options)
  }

  setSubscriptionAttributes (input: SetSubscriptionAttributesRequest, options?: CallOptions): Promise<Record<string, never>> {
    return this.#call('SetSubscriptionAttributes', input, empty, options)
  }

  listSubscriptions (input: { nextToken?: string } = {}, options?: CallOptions): Promise<ListSubscriptionsResponse> {
    return this.#call('ListSubscriptions', input, subscriptions, options)
  }

  listSubscriptionsByTopic (input: { topicArn: string, nextToken?: string }, options?: CallOptions): Promise<ListSubscriptionsResponse> {
    return this.#call('ListSubscriptionsByTopic', input, subscriptions, options)
  }

  publish (input: PublishRequest, options?: CallOptions): Promise<PublishResponse> {
    return this.#call('Publish', input, (w) => ({ messageId: String(w.messageId ?? ''), ...optional('sequenceNumber', w.sequenceNumber) }), options)
  }

  publishBatch (input: PublishBatchRequest, options?: CallOptions): Promise<PublishBatchResponse> {
    return this.#call('PublishBatch', input, (w) => ({
      successful: list(w.successful).map((s) => ({ id: String(s.id ?? ''), messageId: String(s.messageId ?? ''), ...optional('sequenceNumber', s.sequenceNumber) })),
      failed: list(w.failed).map((f) => ({ id: String(f.id ?? ''), code: String(f.code ?? ''), message: String(f.message ?? ''), senderFault: f.senderFault === true }))
    }), options)
  }

  tagResource (input: { resourceArn: string, tags: TopicTag[] }, options?: CallOptions): Promise<Record<string, never>> {
    return this.#call('TagResource', input, empty, options)
  }

  untagResource (input: { resourceArn: string, tagKeys: string[] }, options?: CallOptions): Promise<Record<string, never>> {
    return this.#call('UntagResource', input, empty, options)
  }

  listTagsForResource (input: { resourceArn: string }, options?: CallOptions): Promise<{ tags: TopicTag[] }> {
    return this.#call('ListTagsForResource', input, (w) => ({ tags: list(w.tags).map((t) => ({ key: String(t.key ?? ''), value: String(t.value ?? '') })) }), options)
  }

  addPermission (input: { topicArn: string, label: string, awsAccountId: string[], actionName: string[] }, options?: CallOptions): Promise<Record<string, never>> {
    return this.#call('AddPermission', input, empty, options)
  }

  removePermission (input: { topicArn: string, label: string }, options?: CallOptions): Promise<Record<string, never>> {
    return this.#call('RemovePermission', input, empty, options)
  }

  getDataProtectionPolicy (input: { resourceArn: string }, options?: CallOptions): Promise<{ dataProtectionPolicy?: string }> {
    return this.#call('GetDataProtectionPolicy', input, (w) => optional('dataProtectionPolicy', w.dataProtectionPolicy), options)
  }

  putDataProtectionPolicy (input: { resourceArn: string, dataProtectionPolicy: string }, options?: CallOptions): Promise<Record<string, never>> {
    return this.#call('PutDataProtectionPolicy', input, empty, options)
  }

  /** Deliveries to email, email-json, sms, application and firehose endpoints (shardline's outbox). */
  listOutbox (input: { endpoint?: string, topicArn?: string, protocol?: string } = {}, options?: CallOptions): Promise<{ entries: OutboxEntry[] }> {
    return this.#call('ListOutbox', input, (w) => ({
      entries: list(w.entries).map((e) => ({
        timestamp: Number(e.timestamp ?? 0),
        topicArn: String(e.topicArn ?? ''),
        subscriptionArn: String(e.subscriptionArn ?? ''),
        protocol: String(e.protocol ?? ''),
        endpoint: String(e.endpoint ?? ''),
        messageId: String(e.messageId ?? ''),
        body: String(e.body ?? ''),
        ...optional('subject', e.subject)
      }))
    }), options)
  }

  /**
   * Any other TopicService RPC (platform applications and endpoints, SMS), with the
   * response as decoded (lowerCamelCase members, absent lists and maps left out).
   */
  call (method: TopicMethodName, input: object, options?: CallOptions): Promise<Record<string, unknown>> {
    return this.#call(method, input, (w) => ({ ...w }), options)
  }

  #call<R> (method: TopicMethodName, request: object, decode: (wire: Message) => R, options?: CallOptions): Promise<R> {
    return this.unaryCall(topicMethod(method), () => request, decode, options)
  }
}
