/**
 * Request and response shapes of shardline.v1.QueueService (Amazon SQS), with the proto
 * field names in lowerCamelCase: `md5OfMessageBody`, `queueOwnerAwsAccountId`. Responses
 * are normalised: lists are always arrays and maps always objects; members SQS leaves out
 * when they do not apply stay optional.
 */

export interface MessageAttributeValue {
  /** String, Number or Binary, optionally with a custom suffix ("Number.float"). */
  dataType: string
  stringValue?: string
  binaryValue?: Uint8Array
}

export interface BatchResultErrorEntry {
  id: string
  senderFault: boolean
  /** SQS's code: InvalidParameterValue, ReceiptHandleIsInvalid, ... */
  code: string
  message: string
}

export interface EmptyQueueResponse {}

export interface CreateQueueRequest {
  queueName: string
  /** SQS attribute names to string values (DelaySeconds: '5', FifoQueue: 'true', ...). */
  attributes?: Record<string, string>
  tags?: Record<string, string>
}
export interface CreateQueueResponse { queueUrl: string }

export interface QueueRef {
  /** `http://<host>/<account-id>/<queue-name>`, an AWS-style queue URL, or the bare name. */
  queueUrl: string
}

export type DeleteQueueRequest = QueueRef

export interface GetQueueUrlRequest {
  queueName: string
  queueOwnerAwsAccountId?: string
}
export interface GetQueueUrlResponse { queueUrl: string }

export interface ListQueuesRequest {
  queueNamePrefix?: string
  nextToken?: string
  maxResults?: number
}
export interface ListQueuesResponse {
  queueUrls: string[]
  nextToken?: string
}

export interface GetQueueAttributesRequest extends QueueRef {
  /** Names, or 'All'. */
  attributeNames?: string[]
}
export interface GetQueueAttributesResponse { attributes: Record<string, string> }

export interface SetQueueAttributesRequest extends QueueRef {
  attributes: Record<string, string>
}

export interface MessageFields {
  messageBody: string
  delaySeconds?: number
  messageAttributes?: Record<string, MessageAttributeValue>
  /** Only AWSTraceHeader. */
  messageSystemAttributes?: Record<string, MessageAttributeValue>
  messageDeduplicationId?: string
  messageGroupId?: string
}

export interface SendMessageRequest extends QueueRef, MessageFields {}
export interface SendMessageResponse {
  md5OfMessageBody: string
  md5OfMessageAttributes?: string
  md5OfMessageSystemAttributes?: string
  messageId: string
  /** FIFO queues only. */
  sequenceNumber?: string
}

export interface SendMessageBatchRequestEntry extends MessageFields { id: string }
export interface SendMessageBatchRequest extends QueueRef {
  entries: SendMessageBatchRequestEntry[]
}
export interface SendMessageBatchResultEntry extends SendMessageResponse { id: string }
export interface SendMessageBatchResponse {
  successful: SendMessageBatchResultEntry[]
  failed: BatchResultErrorEntry[]
}

export interface ReceiveMessageRequest extends QueueRef {
  /** The older name of messageSystemAttributeNames; both are honoured. */
  attributeNames?: string[]
  messageSystemAttributeNames?: string[]
  messageAttributeNames?: string[]
  maxNumberOfMessages?: number
  visibilityTimeout?: number
  waitTimeSeconds?: number
  receiveRequestAttemptId?: string
}
export interface ReceivedMessage {
  messageId: string
  receiptHandle: string
  md5OfBody: string
  body: string
  /** System attributes asked for: SentTimestamp, ApproximateReceiveCount, ... */
  attributes: Record<string, string>
  md5OfMessageAttributes?: string
  messageAttributes: Record<string, MessageAttributeValue>
}
export interface ReceiveMessageResponse { messages: ReceivedMessage[] }

export interface DeleteMessageRequest extends QueueRef { receiptHandle: string }

export interface BatchResultEntry { id: string }

export interface DeleteMessageBatchRequest extends QueueRef {
  entries: Array<{ id: string, receiptHandle: string }>
}
export interface BatchResponse {
  successful: BatchResultEntry[]
  failed: BatchResultErrorEntry[]
}

export interface ChangeMessageVisibilityRequest extends QueueRef {
  receiptHandle: string
  visibilityTimeout: number
}
export interface ChangeMessageVisibilityBatchRequest extends QueueRef {
  entries: Array<{ id: string, receiptHandle: string, visibilityTimeout?: number }>
}

export type PurgeQueueRequest = QueueRef

export interface TagQueueRequest extends QueueRef { tags: Record<string, string> }
export interface UntagQueueRequest extends QueueRef { tagKeys: string[] }
export type ListQueueTagsRequest = QueueRef
export interface ListQueueTagsResponse { tags: Record<string, string> }

export interface ListDeadLetterSourceQueuesRequest extends QueueRef {
  nextToken?: string
  maxResults?: number
}
export interface ListDeadLetterSourceQueuesResponse {
  queueUrls: string[]
  nextToken?: string
}

export interface StartMessageMoveTaskRequest {
  /** The dead-letter queue's ARN. */
  sourceArn: string
  /** Absent: each message goes back to the queue it came from. */
  destinationArn?: string
  maxNumberOfMessagesPerSecond?: number
}
export interface StartMessageMoveTaskResponse { taskHandle: string }

export type MoveTaskStatus = 'RUNNING' | 'COMPLETED' | 'CANCELLING' | 'CANCELLED' | 'FAILED'

export interface ListMessageMoveTasksRequest {
  sourceArn: string
  maxResults?: number
}
export interface MessageMoveTask {
  /** Only while RUNNING. */
  taskHandle?: string
  status: MoveTaskStatus
  sourceArn: string
  destinationArn?: string
  maxNumberOfMessagesPerSecond?: number
  approximateNumberOfMessagesMoved: number
  approximateNumberOfMessagesToMove?: number
  failureReason?: string
  /** Milliseconds since the epoch. */
  startedTimestamp: number
}
export interface ListMessageMoveTasksResponse { results: MessageMoveTask[] }

export interface CancelMessageMoveTaskRequest { taskHandle: string }
export interface CancelMessageMoveTaskResponse { approximateNumberOfMessagesMoved: number }

export interface AddPermissionRequest extends QueueRef {
  label: string
  awsAccountIds: string[]
  /** Action names without the SQS: prefix, or '*'. */
  actions: string[]
}
export interface RemovePermissionRequest extends QueueRef { label: string }
