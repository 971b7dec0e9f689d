/**
 * The requests and responses of TopicClient: SNS's members in lowerCamelCase. Maps are
 * plain objects; absent lists and maps come back empty.
 */

export interface TopicTag { key: string, value: string }

export interface TopicMessageAttributeValue {
  /** String, Number, Binary or String.Array, optionally with a custom suffix. */
  dataType: string
  stringValue?: string
  binaryValue?: Uint8Array
}

export interface CreateTopicRequest { name: string, attributes?: Record<string, string>, tags?: TopicTag[], dataProtectionPolicy?: string }
export interface SetTopicAttributesRequest { topicArn: string, attributeName: string, attributeValue?: string }
export interface SubscribeRequest { topicArn: string, protocol: string, endpoint?: string, attributes?: Record<string, string>, returnSubscriptionArn?: boolean }
export interface ConfirmSubscriptionRequest { topicArn: string, token: string, authenticateOnUnsubscribe?: string }
export interface SetSubscriptionAttributesRequest { subscriptionArn: string, attributeName: string, attributeValue?: string }

export interface PublishMessageFields {
  message: string
  subject?: string
  messageStructure?: 'json'
  messageAttributes?: Record<string, TopicMessageAttributeValue>
  messageDeduplicationId?: string
  messageGroupId?: string
}
export interface PublishRequest extends PublishMessageFields { topicArn?: string, targetArn?: string, phoneNumber?: string }
export interface PublishResponse { messageId: string, sequenceNumber?: string }
export interface PublishBatchRequest { topicArn: string, publishBatchRequestEntries: Array<PublishMessageFields & { id: string }> }
export interface PublishBatchResponse {
  successful: Array<{ id: string, messageId: string, sequenceNumber?: string }>
  failed: Array<{ id: string, code: string, message: string, senderFault: boolean }>
}

export interface SubscriptionSummary { subscriptionArn: string, owner: string, protocol: string, endpoint: string, topicArn: string }
export interface ListSubscriptionsResponse { subscriptions: SubscriptionSummary[], nextToken?: string }
export interface ListTopicsResponse { topics: Array<{ topicArn: string }>, nextToken?: string }

export interface OutboxEntry {
  timestamp: number
  topicArn: string
  subscriptionArn: string
  protocol: string
  endpoint: string
  messageId: string
  /** What the endpoint would have received. */
  body: string
  subject?: string
}
