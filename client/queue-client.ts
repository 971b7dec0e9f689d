/**
 * A promise-based client of shardline.v1.QueueService: Amazon SQS over gRPC, with the SQS
 * action names as methods (`sendMessage`, `receiveMessage`, ...) and members in
 * lowerCamelCase. Every method rejects with a ShardlineError (`code` QUEUE_NOT_FOUND,
 * `awsType` QueueDoesNotExist, ...).
 */
import { GrpcClient, type CallOptions, type StreamClientOptions } from './grpc-client.js'
import { queueMethod, queueService, type QueueMethodName } from './proto.js'
import type {
  AddPermissionRequest,
  BatchResponse,
  BatchResultErrorEntry,
  CancelMessageMoveTaskRequest,
  CancelMessageMoveTaskResponse,
  ChangeMessageVisibilityBatchRequest,
  ChangeMessageVisibilityRequest,
  CreateQueueRequest,
  CreateQueueResponse,
  DeleteMessageBatchRequest,
  DeleteMessageRequest,
  DeleteQueueRequest,
  EmptyQueueResponse,
  GetQueueAttributesRequest,
  GetQueueAttributesResponse,
  GetQueueUrlRequest,
  GetQueueUrlResponse,
  ListDeadLetterSourceQueuesRequest,
  ListDeadLetterSourceQueuesResponse,
  ListMessageMoveTasksRequest,
  ListMessageMoveTasksResponse,
  ListQueuesRequest,
  ListQueuesResponse,
  ListQueueTagsRequest,
  ListQueueTagsResponse,
  MessageAttributeValue,
  MessageMoveTask,
  PurgeQueueRequest,
  ReceivedMessage,
  ReceiveMessageRequest,
  ReceiveMessageResponse,
  RemovePermissionRequest,
  SendMessageBatchRequest,
  SendMessageBatchResponse,
  SendMessageRequest,
  SendMessageResponse,
  SetQueueAttributesRequest,
  StartMessageMoveTaskRequest,
  StartMessageMoveTaskResponse,
  TagQueueRequest,
  UntagQueueRequest
} from './queue-types.js'

export type QueueClientOptions = StreamClientOptions

type Message = Record<string, unknown>

/** Headroom a long poll's deadline gets beyond its wait. */
const LONG_POLL_SLACK_MS = 5000

function strings (value: unknown): string[] {
  return Array.isArray(value) ? value.map(String) : []
}

function stringMap (value: unknown): Record<string, string> {
  return typeof value === 'object' && value !== null ? { ...(value as Record<string, string>) } : {}
}

function optional<K extends string> (key: K, value: unknown): { [P in K]?: string } {
  return (typeof value === 'string' ? { [key]: value } : {}) as { [P in K]?: string }
}

function attributeValue (wire: Message): MessageAttributeValue {
  return {
    dataType: String(wire.dataType ?? ''),
    ...(typeof wire.stringValue === 'string' ? { stringValue: wire.stringValue } : {}),
    ...(wire.binaryValue instanceof Uint8Array ? { binaryValue: wire.binaryValue } : {})
  }
}

function failures (value: unknown): BatchResultErrorEntry[] {
  return ((value ?? []) as Message[]).map((f) => ({ id: String(f.id ?? ''), senderFault: f.senderFault === true, code: String(f.code ?? ''), message: String(f.message ?? '') }))
}

function sendResult (wire: Message): SendMessageResponse {
  return {
    md5OfMessageBody: String(wire.md5OfMessageBody ?? ''),
    ...optional('md5OfMessageAttributes', wire.md5OfMessageAttributes),
    ...optional('md5OfMessageSystemAttributes', wire.md5OfMessageSystemAttributes),
    messageId: String(wire.messageId ?? ''),
    ...optional('sequenceNumber', wire.sequenceNumber)
  }
}

function received (wire: Message): ReceivedMessage {
  const attributes = (wire.messageAttributes ?? {}) as Record<string, Message>
  return {
    messageId: String(wire.messageId ?? ''),
    receiptHandle: String(wire.receiptHandle ?? ''),
    md5OfBody: String(wire.md5OfBody ?? ''),
    body: String(wire.body ?? ''),
    attributes: stringMap(wire.attributes),
    ...optional('md5OfMessageAttributes', wire.md5OfMessageAttributes),
    messageAttributes: Object.fromEntries(Object.entries(attributes).map(([name, value]) => [name, attributeValue(value)]))
  }
}

function task (wire: Message): MessageMoveTask {
  return {
    ...optional('taskHandle', wire.taskHandle),
    status: String(wire.status ?? '') as MessageMoveTask['status'],
    sourceArn: String(wire.sourceArn ?? ''),
    ...optional('destinationArn', wire.destinationArn),
    ...(typeof wire.maxNumberOfMessagesPerSecond === 'number' ? { maxNumberOfMessagesPerSecond: wire.maxNumberOfMessagesPerSecond } : {}),
    approximateNumberOfMessagesMoved: Number(wire.approximateNumberOfMessagesMoved ?? 0),
    ...(wire.approximateNumberOfMessagesToMove === undefined ? {} : { approximateNumberOfMessagesToMove: Number(wire.approximateNumberOfMessagesToMove) }),
    ...optional('failureReason', wire.failureReason),
    startedTimestamp: Number(wire.startedTimestamp ?? 0)
  }
}

function batch (wire: Message): BatchResponse {
  return { successful: ((wire.successful ?? []) as Message[]).map((s) => ({ id: String(s.id ?? '') })), failed: failures(wire.failed) }
}

const empty = (): EmptyQueueResponse => ({})

export class QueueClient extends GrpcClient {
  constructor (options: QueueClientOptions) {
    super(options, 'QueueClient', false)
    queueService()
  }

  createQueue (input: CreateQueueRequest, options?: CallOptions): Promise<CreateQueueResponse> {
    return this.#call('CreateQueue', input, (w) => ({ queueUrl: String(w.queueUrl ?? '') }), options)
  }

  deleteQueue (input: DeleteQueueRequest, options?: CallOptions): Promise<EmptyQueueResponse> {
    return this.#call('DeleteQueue', input, empty, options)
  }

  getQueueUrl (input: GetQueueUrlRequest, options?: CallOptions): Promise<GetQueueUrlResponse> {
    return this.#call('GetQueueUrl', input, (w) => ({ queueUrl: String(w.queueUrl ?? '') }), options)
  }

  listQueues (input: ListQueuesRequest = {}, options?: CallOptions): Promise<ListQueuesResponse> {
    return this.#call('ListQueues', input, (w) => ({ queueUrls: strings(w.queueUrls), ...optional('nextToken', w.nextToken) }), options)
  }

  getQueueAttributes (input: GetQueueAttributesRequest, options?: CallOptions): Promise<GetQueueAttributesResponse> {
    return this.#call('GetQueueAttributes', input, (w) => ({ attributes: stringMap(w.attributes) }), options)
  }

  setQueueAttributes (input: SetQueueAttributesRequest, options?: CallOptions): Promise<EmptyQueueResponse> {
    return this.#call('SetQueueAttributes', input, empty, options)
  }

  sendMessage (input: SendMessageRequest, options?: CallOptions): Promise<SendMessageResponse> {
    return this.#call('SendMessage', input, sendResult, options)
  }

  sendMessageBatch (input: SendMessageBatchRequest, options?: CallOptions): Promise<SendMessageBatchResponse> {
    return this.#call('SendMessageBatch', input, (w) => ({
      successful: ((w.successful ?? []) as Message[]).map((s) => ({ id: String(s.id ?? ''), ...sendResult(s) })),
      failed: failures(w.failed)
    }), options)
  }

  /** A long poll's deadline is its wait plus a few seconds unless the call says otherwise. */
  receiveMessage (input: ReceiveMessageRequest, options?: CallOptions): Promise<ReceiveMessageResponse> {
    const wait = (input.waitTimeSeconds ?? 0) * 1000
    const callOptions = options?.deadlineMs === undefined && wait > 0 ? { ...options, deadlineMs: wait + LONG_POLL_SLACK_MS } : options
    return this.#call('ReceiveMessage', input, (w) => ({ messages: ((w.messages ?? []) as Message[]).map(received) }), callOptions)
  }

  deleteMessage (input: DeleteMessageRequest, options?: CallOptions): Promise<EmptyQueueResponse> {
    return this.#call('DeleteMessage', input, empty, options)
  }

  deleteMessageBatch (input: DeleteMessageBatchRequest, options?: CallOptions): Promise<BatchResponse> {
    return this.#call('DeleteMessageBatch', input, batch, options)
  }

  changeMessageVisibility (input: ChangeMessageVisibilityRequest, options?: CallOptions): Promise<EmptyQueueResponse> {
    return this.#call('ChangeMessageVisibility', input, empty, options)
  }

  changeMessageVisibilityBatch (input: ChangeMessageVisibilityBatchRequest, options?: CallOptions): Promise<BatchResponse> {
    return this.#call('ChangeMessageVisibilityBatch', input, batch, options)
  }

  purgeQueue (input: PurgeQueueRequest, options?: CallOptions): Promise<EmptyQueueResponse> {
    return this.#call('PurgeQueue', input, empty, options)
  }

  tagQueue (input: TagQueueRequest, options?: CallOptions): Promise<EmptyQueueResponse> {
    return this.#call('TagQueue', input, empty, options)
  }

  untagQueue (input: UntagQueueRequest, options?: CallOptions): Promise<EmptyQueueResponse> {
    return this.#call('UntagQueue', input, empty, options)
  }

  listQueueTags (input: ListQueueTagsRequest, options?: CallOptions): Promise<ListQueueTagsResponse> {
    return this.#call('ListQueueTags', input, (w) => ({ tags: stringMap(w.tags) }), options)
  }

  listDeadLetterSourceQueues (input: ListDeadLetterSourceQueuesRequest, options?: CallOptions): Promise<ListDeadLetterSourceQueuesResponse> {
    return this.#call('ListDeadLetterSourceQueues', input, (w) => ({ queueUrls: strings(w.queueUrls), ...optional('nextToken', w.nextToken) }), options)
  }

  startMessageMoveTask (input: StartMessageMoveTaskRequest, options?: CallOptions): Promise<StartMessageMoveTaskResponse> {
    return this.#call('StartMessageMoveTask', input, (w) => ({ taskHandle: String(w.taskHandle ?? '') }), options)
  }

  listMessageMoveTasks (input: ListMessageMoveTasksRequest, options?: CallOptions): Promise<ListMessageMoveTasksResponse> {
    return this.#call('ListMessageMoveTasks', input, (w) => ({ results: ((w.results ?? []) as Message[]).map(task) }), options)
  }

  cancelMessageMoveTask (input: CancelMessageMoveTaskRequest, options?: CallOptions): Promise<CancelMessageMoveTaskResponse> {
    return this.#call('CancelMessageMoveTask', input, (w) => ({ approximateNumberOfMessagesMoved: Number(w.approximateNumberOfMessagesMoved ?? 0) }), options)
  }

  addPermission (input: AddPermissionRequest, options?: CallOptions): Promise<EmptyQueueResponse> {
    return this.#call('AddPermission', input, empty, options)
  }

  removePermission (input: RemovePermissionRequest, options?: CallOptions): Promise<EmptyQueueResponse> {
    return this.#call('RemovePermission', input, empty, options)
  }

  #call<R> (method: QueueMethodName, request: object, decode: (wire: Message) => R, options?: CallOptions): Promise<R> {
    return this.unaryCall(queueMethod(method), () => request, decode, options)
  }
}
