/**
 * The one catalogue of shardline error codes.
 *
 * A code is a stable string: clients branch on it (and on `retriable`), never on message
 * text, so codes never change once published. Each code maps to the gRPC status a gRPC
 * client sees, the AWS `__type` name an AWS SDK sees, and the HTTP status of the
 * AWS-compatible API. Messages say what was wrong and what is allowed; they may improve.
 */

/** gRPC status numbers, spelled out so this file depends on no transport. */
export const GrpcStatus = {
  INVALID_ARGUMENT: 3,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  ABORTED: 10,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  UNAUTHENTICATED: 16
} as const

export interface ErrorSpec {
  /** AWS error name, sent as `__type` over HTTP and as `shardline-aws-type` over gRPC. */
  readonly awsType: string
  readonly grpcStatus: number
  readonly httpStatus: number
  /** True when the same request may succeed if sent again later, unchanged. */
  readonly retriable: boolean
  readonly description: string
  /**
   * The error's code in AWS's Query protocol, where it differs from `awsType` (SQS:
   * `AWS.SimpleQueueService.NonExistentQueue` for QueueDoesNotExist). JSON 1.0 clients read
   * it too, from the `x-amzn-query-error` header.
   */
  readonly queryCode?: string
  /** Whose fault AWS says it is (`Sender` or `Receiver`); by default 4xx are the sender's. */
  readonly senderFault?: boolean
}

export const ERROR_CODES = {
  SERIALIZATION_FAILED: {
    awsType: 'SerializationException',
    grpcStatus: GrpcStatus.INVALID_ARGUMENT,
    httpStatus: 400,
    retriable: false,
    description: 'The request could not be decoded: a field has the wrong type or the body is malformed.'
  },
  VALIDATION_FAILED: {
    awsType: 'ValidationException',
    grpcStatus: GrpcStatus.INVALID_ARGUMENT,
    httpStatus: 400,
    retriable: false,
    description: 'A field is missing, out of range, too long, or does not match its pattern.'
  },
  INVALID_ARGUMENT: {
    awsType: 'InvalidArgumentException',
    grpcStatus: GrpcStatus.INVALID_ARGUMENT,
    httpStatus: 400,
    retriable: false,
    description: 'The request is well formed but not valid for the stream in its current state.'
  },
  INVALID_HASH_KEY: {
    awsType: 'InvalidArgumentException',
    grpcStatus: GrpcStatus.INVALID_ARGUMENT,
    httpStatus: 400,
    retriable: false,
    description: 'An explicit hash key or hash range lies outside [0, 2^128 - 1].'
  },
  INVALID_SEQUENCE_NUMBER: {
    awsType: 'InvalidArgumentException',
    grpcStatus: GrpcStatus.INVALID_ARGUMENT,
    httpStatus: 400,
    retriable: false,
    description: 'A sequence number AWS would refuse here: not one of its layouts, of another shard or stream, or from the future.'
  },
  INVALID_ITERATOR: {
    awsType: 'InvalidArgumentException',
    grpcStatus: GrpcStatus.INVALID_ARGUMENT,
    httpStatus: 400,
    retriable: false,
    description: 'A shard iterator is malformed, edited, or was not issued by this server.'
  },
  INVALID_NEXT_TOKEN: {
    awsType: 'InvalidArgumentException',
    grpcStatus: GrpcStatus.INVALID_ARGUMENT,
    httpStatus: 400,
    retriable: false,
    description: 'A pagination token is malformed, expired, or does not belong to this listing.'
  },
  ITERATOR_EXPIRED: {
    awsType: 'ExpiredIteratorException',
    grpcStatus: GrpcStatus.FAILED_PRECONDITION,
    httpStatus: 400,
    retriable: false,
    description: 'A shard iterator is older than 5 minutes; get a new one with GetShardIterator.'
  },
  STREAM_NOT_FOUND: {
    awsType: 'ResourceNotFoundException',
    grpcStatus: GrpcStatus.NOT_FOUND,
    httpStatus: 400,
    retriable: false,
    description: 'No stream of that name or ARN exists (or it is still being created).'
  },
  SHARD_NOT_FOUND: {
    awsType: 'ResourceNotFoundException',
    grpcStatus: GrpcStatus.NOT_FOUND,
    httpStatus: 400,
    retriable: false,
    description: 'The stream has no shard with that id.'
  },
  CONSUMER_NOT_FOUND: {
    awsType: 'ResourceNotFoundException',
    grpcStatus: GrpcStatus.NOT_FOUND,
    httpStatus: 400,
    retriable: false,
    description: 'No consumer of that name or ARN is registered on the stream (or it was deregistered).'
  },
  POLICY_NOT_FOUND: {
    awsType: 'ResourceNotFoundException',
    grpcStatus: GrpcStatus.NOT_FOUND,
    httpStatus: 400,
    retriable: false,
    description: 'The stream or consumer has no resource policy to delete.'
  },
  CONSUMER_EXISTS: {
    awsType: 'ResourceInUseException',
    grpcStatus: GrpcStatus.ALREADY_EXISTS,
    httpStatus: 400,
    retriable: false,
    description: 'A consumer of that name is already registered on the stream.'
  },
  STREAM_EXISTS: {
    awsType: 'ResourceInUseException',
    grpcStatus: GrpcStatus.ALREADY_EXISTS,
    httpStatus: 400,
    retriable: false,
    description: 'A stream of that name already exists.'
  },
  RESOURCE_IN_USE: {
    awsType: 'ResourceInUseException',
    grpcStatus: GrpcStatus.FAILED_PRECONDITION,
    httpStatus: 400,
    retriable: true,
    description: 'The stream or consumer is not ACTIVE (being created, updated or deleted), or the shard already has a live subscription for this consumer; retry later.'
  },
  LIMIT_EXCEEDED: {
    awsType: 'LimitExceededException',
    grpcStatus: GrpcStatus.RESOURCE_EXHAUSTED,
    httpStatus: 400,
    retriable: false,
    description: 'A quota would be exceeded: shards, consumers, calls per day, or similar.'
  },
  TAG_LIMIT_EXCEEDED: {
    awsType: 'InvalidArgumentException',
    grpcStatus: GrpcStatus.RESOURCE_EXHAUSTED,
    httpStatus: 400,
    retriable: false,
    description: 'The call would leave the stream with more than 50 tags (AWS answers it as an InvalidArgumentException).'
  },
  THROUGHPUT_EXCEEDED: {
    awsType: 'ProvisionedThroughputExceededException',
    grpcStatus: GrpcStatus.RESOURCE_EXHAUSTED,
    httpStatus: 400,
    retriable: true,
    description: 'A shard\'s read or write limit was reached; back off and retry.'
  },
  LEASE_NOT_FOUND: {
    awsType: 'ResourceNotFoundException',
    grpcStatus: GrpcStatus.NOT_FOUND,
    httpStatus: 400,
    retriable: false,
    description: 'The lease table has no lease with that key.'
  },
  LEASE_COUNTER_MISMATCH: {
    awsType: 'ConditionalCheckFailedException',
    grpcStatus: GrpcStatus.ABORTED,
    httpStatus: 400,
    retriable: false,
    description: 'The lease changed since it was read: its lease_counter differs from the expected one. The current lease travels with the error.'
  },
  UNKNOWN_OPERATION: {
    awsType: 'UnknownOperationException',
    grpcStatus: GrpcStatus.UNIMPLEMENTED,
    httpStatus: 400,
    retriable: false,
    description: 'The X-Amz-Target header names no supported action.'
  },
  INVALID_ACTION: {
    awsType: 'InvalidAction',
    queryCode: 'InvalidAction',
    grpcStatus: GrpcStatus.UNIMPLEMENTED,
    httpStatus: 400,
    retriable: false,
    description: 'An AWS Query request (a form body with `Action`) names no action of the service it is for, or no service.'
  },
  ACCESS_DENIED: {
    awsType: 'AccessDeniedException',
    grpcStatus: GrpcStatus.PERMISSION_DENIED,
    httpStatus: 403,
    retriable: false,
    description: 'The HTTP request names no service and operation: it is not a POST, or its body has no AWS Content-Type and X-Amz-Target. Answered in XML, as AWS does.'
  },
  MISSING_AUTHENTICATION_TOKEN: {
    awsType: 'MissingAuthenticationTokenException',
    grpcStatus: GrpcStatus.UNAUTHENTICATED,
    httpStatus: 400,
    retriable: false,
    description: 'The request carries no AWS Signature Version 4 authorization.'
  },
  INCOMPLETE_SIGNATURE: {
    awsType: 'IncompleteSignatureException',
    grpcStatus: GrpcStatus.UNAUTHENTICATED,
    httpStatus: 400,
    retriable: false,
    description: 'The authorization header lacks a Credential, SignedHeaders or Signature part, or a required signed header.'
  },
  UNRECOGNIZED_CLIENT: {
    awsType: 'UnrecognizedClientException',
    grpcStatus: GrpcStatus.UNAUTHENTICATED,
    httpStatus: 400,
    retriable: false,
    description: 'With --auth on, the access key id is not in the key file.'
  },
  INVALID_SIGNATURE: {
    awsType: 'InvalidSignatureException',
    grpcStatus: GrpcStatus.UNAUTHENTICATED,
    httpStatus: 400,
    retriable: false,
    description: 'With --auth on, the request signature does not match the one computed with the secret key.'
  },
  REQUEST_TOO_LARGE: {
    awsType: 'RequestEntityTooLargeException',
    grpcStatus: GrpcStatus.RESOURCE_EXHAUSTED,
    httpStatus: 413,
    retriable: false,
    description: 'The HTTP request body is larger than the server accepts (16 MiB, room for a 10 MiB PutRecords in base64).'
  },
  STREAM_READ_ONLY: {
    awsType: 'AccessDeniedException',
    grpcStatus: GrpcStatus.PERMISSION_DENIED,
    httpStatus: 400,
    retriable: false,
    description: 'The stream is a queue\'s internal stream: it can be listed, described and read, never written, resharded, retagged or deleted through the stream API.'
  },
  RESOURCE_ACCESS_DENIED: {
    awsType: 'AccessDeniedException',
    grpcStatus: GrpcStatus.PERMISSION_DENIED,
    httpStatus: 400,
    retriable: false,
    description: 'The stream or consumer belongs to another account, and its resource policy (PutResourcePolicy) does not allow the caller\'s account this action.'
  },
  QUEUE_NOT_FOUND: {
    awsType: 'QueueDoesNotExist',
    queryCode: 'AWS.SimpleQueueService.NonExistentQueue',
    grpcStatus: GrpcStatus.NOT_FOUND,
    httpStatus: 400,
    retriable: false,
    description: 'No queue of that name or URL exists in the account and region.'
  },
  QUEUE_EXISTS: {
    awsType: 'QueueNameExists',
    queryCode: 'QueueAlreadyExists',
    grpcStatus: GrpcStatus.ALREADY_EXISTS,
    httpStatus: 400,
    retriable: false,
    description: 'A queue of that name exists with a different value for an attribute the request gives.'
  },
  QUEUE_DELETED_RECENTLY: {
    awsType: 'QueueDeletedRecently',
    queryCode: 'AWS.SimpleQueueService.QueueDeletedRecently',
    grpcStatus: GrpcStatus.FAILED_PRECONDITION,
    httpStatus: 400,
    retriable: true,
    description: 'A queue of that name was deleted less than 60 seconds ago.'
  },
  PURGE_IN_PROGRESS: {
    awsType: 'PurgeQueueInProgress',
    queryCode: 'AWS.SimpleQueueService.PurgeQueueInProgress',
    grpcStatus: GrpcStatus.FAILED_PRECONDITION,
    httpStatus: 403,
    retriable: true,
    description: 'The queue was purged less than 60 seconds ago.'
  },
  INVALID_PARAMETER_VALUE: {
    awsType: 'InvalidParameterValueException',
    queryCode: 'InvalidParameterValue',
    grpcStatus: GrpcStatus.INVALID_ARGUMENT,
    httpStatus: 400,
    retriable: false,
    description: 'An SQS request parameter is out of range, malformed, or not valid for the queue or message.'
  },
  MISSING_PARAMETER: {
    awsType: 'MissingRequiredParameterException',
    queryCode: 'MissingParameter',
    grpcStatus: GrpcStatus.INVALID_ARGUMENT,
    httpStatus: 400,
    retriable: false,
    description: 'An SQS request lacks a parameter it must carry.'
  },
  INVALID_ATTRIBUTE_NAME: {
    awsType: 'InvalidAttributeName',
    queryCode: 'InvalidAttributeName',
    grpcStatus: GrpcStatus.INVALID_ARGUMENT,
    httpStatus: 400,
    retriable: false,
    description: 'A queue attribute name is unknown, read-only, or not valid for this type of queue.'
  },
  INVALID_ATTRIBUTE_VALUE: {
    awsType: 'InvalidAttributeValue',
    queryCode: 'InvalidAttributeValue',
    grpcStatus: GrpcStatus.INVALID_ARGUMENT,
    httpStatus: 400,
    retriable: false,
    description: 'A queue attribute value is out of range or malformed.'
  },
  RECEIPT_HANDLE_INVALID: {
    awsType: 'ReceiptHandleIsInvalid',
    queryCode: 'ReceiptHandleIsInvalid',
    grpcStatus: GrpcStatus.INVALID_ARGUMENT,
    httpStatus: 404,
    retriable: false,
    description: 'A receipt handle was not issued by this queue (or was altered).'
  },
  MESSAGE_NOT_INFLIGHT: {
    awsType: 'MessageNotInflight',
    queryCode: 'AWS.SimpleQueueService.MessageNotInflight',
    grpcStatus: GrpcStatus.FAILED_PRECONDITION,
    httpStatus: 400,
    retriable: false,
    description: 'The message is not in flight under that receipt handle: its visibility timeout ended, or a later receive issued a newer handle.'
  },
  BATCH_IDS_NOT_DISTINCT: {
    awsType: 'BatchEntryIdsNotDistinct',
    queryCode: 'AWS.SimpleQueueService.BatchEntryIdsNotDistinct',
    grpcStatus: GrpcStatus.INVALID_ARGUMENT,
    httpStatus: 400,
    retriable: false,
    description: 'Two entries of a batch request have the same Id.'
  },
  EMPTY_BATCH: {
    awsType: 'EmptyBatchRequest',
    queryCode: 'AWS.SimpleQueueService.EmptyBatchRequest',
    grpcStatus: GrpcStatus.INVALID_ARGUMENT,
    httpStatus: 400,
    retriable: false,
    description: 'A batch request has no entries.'
  },
  TOO_MANY_ENTRIES: {
    awsType: 'TooManyEntriesInBatchRequest',
    queryCode: 'AWS.SimpleQueueService.TooManyEntriesInBatchRequest',
    grpcStatus: GrpcStatus.INVALID_ARGUMENT,
    httpStatus: 400,
    retriable: false,
    description: 'A batch request has more than 10 entries.'
  },
  INVALID_BATCH_ENTRY_ID: {
    awsType: 'InvalidBatchEntryId',
    queryCode: 'AWS.SimpleQueueService.InvalidBatchEntryId',
    grpcStatus: GrpcStatus.INVALID_ARGUMENT,
    httpStatus: 400,
    retriable: false,
    description: 'A batch entry Id is not 1 to 80 letters, digits, hyphens and underscores.'
  },
  BATCH_REQUEST_TOO_LONG: {
    awsType: 'BatchRequestTooLong',
    queryCode: 'AWS.SimpleQueueService.BatchRequestTooLong',
    grpcStatus: GrpcStatus.INVALID_ARGUMENT,
    httpStatus: 400,
    retriable: false,
    description: 'The messages of a SendMessageBatch add up to more than 1 MiB.'
  },
  INVALID_MESSAGE_CONTENTS: {
    awsType: 'InvalidMessageContents',
    queryCode: 'InvalidMessageContents',
    grpcStatus: GrpcStatus.INVALID_ARGUMENT,
    httpStatus: 400,
    retriable: false,
    description: 'A message body or attribute value holds characters outside the XML character set SQS allows.'
  },
  UNSUPPORTED_OPERATION: {
    awsType: 'UnsupportedOperation',
    queryCode: 'AWS.SimpleQueueService.UnsupportedOperation',
    grpcStatus: GrpcStatus.FAILED_PRECONDITION,
    httpStatus: 400,
    retriable: false,
    description: 'The operation is not supported for this queue.'
  },
  OVER_LIMIT: {
    awsType: 'OverLimit',
    queryCode: 'OverLimit',
    grpcStatus: GrpcStatus.RESOURCE_EXHAUSTED,
    httpStatus: 403,
    retriable: true,
    description: 'A queue quota was reached (with --limits aws): 120,000 messages in flight on a standard queue, or the permissions of a policy.'
  },
  REQUEST_THROTTLED: {
    awsType: 'RequestThrottled',
    queryCode: 'RequestThrottled',
    grpcStatus: GrpcStatus.RESOURCE_EXHAUSTED,
    httpStatus: 403,
    retriable: true,
    description: 'A FIFO queue without high throughput took its 300 calls per second of this kind (with --limits aws); back off and retry.'
  },
  QUEUE_RESOURCE_NOT_FOUND: {
    awsType: 'ResourceNotFoundException',
    queryCode: 'ResourceNotFoundException',
    grpcStatus: GrpcStatus.NOT_FOUND,
    httpStatus: 404,
    retriable: false,
    description: 'A message move task, or the queue an ARN of a move task names, does not exist.'
  },
  SNS_NOT_FOUND: {
    awsType: 'NotFoundException',
    queryCode: 'NotFound',
    grpcStatus: GrpcStatus.NOT_FOUND,
    httpStatus: 404,
    retriable: false,
    senderFault: true,
    description: 'No topic, subscription, platform application or endpoint of that ARN exists.'
  },
  SNS_INVALID_PARAMETER: {
    awsType: 'InvalidParameterException',
    queryCode: 'InvalidParameter',
    grpcStatus: GrpcStatus.INVALID_ARGUMENT,
    httpStatus: 400,
    retriable: false,
    senderFault: true,
    description: 'An SNS request parameter is missing, malformed, or not valid for the topic or subscription.'
  },
  SNS_MISSING_PARAMETER: {
    awsType: 'ValidationError',
    queryCode: 'ValidationError',
    grpcStatus: GrpcStatus.INVALID_ARGUMENT,
    httpStatus: 400,
    retriable: false,
    senderFault: true,
    description: 'An SNS request lacks a member it must carry.'
  },
  SNS_INVALID_PARAMETER_VALUE: {
    awsType: 'InvalidParameterValueException',
    queryCode: 'ParameterValueInvalid',
    grpcStatus: GrpcStatus.INVALID_ARGUMENT,
    httpStatus: 400,
    retriable: false,
    senderFault: true,
    description: 'An SNS parameter value is not valid (a message attribute, a message too long).'
  },
  SNS_AUTHORIZATION_ERROR: {
    awsType: 'AuthorizationErrorException',
    queryCode: 'AuthorizationError',
    grpcStatus: GrpcStatus.PERMISSION_DENIED,
    httpStatus: 403,
    retriable: false,
    senderFault: true,
    description: 'The topic belongs to another account, and its access policy (Policy, AddPermission) does not allow the caller\'s account this action, or denies it.'
  },
  SNS_SUBSCRIPTION_LIMIT: {
    awsType: 'SubscriptionLimitExceededException',
    queryCode: 'SubscriptionLimitExceeded',
    grpcStatus: GrpcStatus.RESOURCE_EXHAUSTED,
    httpStatus: 403,
    retriable: false,
    senderFault: true,
    description: 'The topic has as many subscriptions as SNS allows.'
  },
  SNS_TOPIC_LIMIT: {
    awsType: 'TopicLimitExceededException',
    queryCode: 'TopicLimitExceeded',
    grpcStatus: GrpcStatus.RESOURCE_EXHAUSTED,
    httpStatus: 403,
    retriable: false,
    senderFault: true,
    description: 'The account has as many topics as SNS allows (100,000).'
  },
  SNS_FILTER_POLICY_LIMIT: {
    awsType: 'FilterPolicyLimitExceededException',
    queryCode: 'FilterPolicyLimitExceeded',
    grpcStatus: GrpcStatus.RESOURCE_EXHAUSTED,
    httpStatus: 403,
    retriable: false,
    senderFault: true,
    description: 'The topic has 200 subscriptions with filter policies, the most SNS allows.'
  },
  SNS_RESOURCE_NOT_FOUND: {
    awsType: 'ResourceNotFoundException',
    queryCode: 'ResourceNotFound',
    grpcStatus: GrpcStatus.NOT_FOUND,
    httpStatus: 404,
    retriable: false,
    senderFault: true,
    description: 'The resource a tag operation or data protection policy names does not exist.'
  },
  SNS_TAG_LIMIT: {
    awsType: 'TagLimitExceededException',
    queryCode: 'TagLimitExceeded',
    grpcStatus: GrpcStatus.INVALID_ARGUMENT,
    httpStatus: 400,
    retriable: false,
    senderFault: true,
    description: 'A topic takes at most 50 tags.'
  },
  SNS_TAG_POLICY: {
    awsType: 'TagPolicyException',
    queryCode: 'TagPolicy',
    grpcStatus: GrpcStatus.INVALID_ARGUMENT,
    httpStatus: 400,
    retriable: false,
    senderFault: true,
    description: 'A tag key or value is not valid.'
  },
  SNS_BATCH_IDS_NOT_DISTINCT: {
    awsType: 'BatchEntryIdsNotDistinctException',
    queryCode: 'BatchEntryIdsNotDistinct',
    grpcStatus: GrpcStatus.INVALID_ARGUMENT,
    httpStatus: 400,
    retriable: false,
    senderFault: true,
    description: 'Two entries of a PublishBatch have the same Id.'
  },
  SNS_EMPTY_BATCH: {
    awsType: 'EmptyBatchRequestException',
    queryCode: 'EmptyBatchRequest',
    grpcStatus: GrpcStatus.INVALID_ARGUMENT,
    httpStatus: 400,
    retriable: false,
    senderFault: true,
    description: 'A PublishBatch has no entries.'
  },
  SNS_TOO_MANY_ENTRIES: {
    awsType: 'TooManyEntriesInBatchRequestException',
    queryCode: 'TooManyEntriesInBatchRequest',
    grpcStatus: GrpcStatus.INVALID_ARGUMENT,
    httpStatus: 400,
    retriable: false,
    senderFault: true,
    description: 'A PublishBatch has more than 10 entries.'
  },
  SNS_INVALID_BATCH_ENTRY_ID: {
    awsType: 'InvalidBatchEntryIdException',
    queryCode: 'InvalidBatchEntryId',
    grpcStatus: GrpcStatus.INVALID_ARGUMENT,
    httpStatus: 400,
    retriable: false,
    senderFault: true,
    description: 'A PublishBatch entry Id is not 1 to 80 letters, digits, hyphens and underscores.'
  },
  SNS_BATCH_REQUEST_TOO_LONG: {
    awsType: 'BatchRequestTooLongException',
    queryCode: 'BatchRequestTooLong',
    grpcStatus: GrpcStatus.INVALID_ARGUMENT,
    httpStatus: 400,
    retriable: false,
    senderFault: true,
    description: 'The messages of a PublishBatch add up to more than 256 KiB.'
  },
  SNS_VALIDATION: {
    awsType: 'ValidationException',
    queryCode: 'ValidationException',
    grpcStatus: GrpcStatus.INVALID_ARGUMENT,
    httpStatus: 400,
    retriable: false,
    senderFault: true,
    description: 'An SNS input fails validation (data protection policies, SMS sandbox numbers).'
  },
  SNS_INVALID_STATE: {
    awsType: 'InvalidStateException',
    queryCode: 'InvalidState',
    grpcStatus: GrpcStatus.FAILED_PRECONDITION,
    httpStatus: 400,
    retriable: false,
    senderFault: true,
    description: 'The resource is not in a state that allows this (a replay while one runs).'
  },
  SNS_OPTED_OUT: {
    awsType: 'OptedOutException',
    queryCode: 'OptedOut',
    grpcStatus: GrpcStatus.FAILED_PRECONDITION,
    httpStatus: 400,
    retriable: false,
    senderFault: true,
    description: 'The phone number opted out of SMS.'
  },
  SNS_VERIFICATION: {
    awsType: 'VerificationException',
    queryCode: 'VerificationException',
    grpcStatus: GrpcStatus.INVALID_ARGUMENT,
    httpStatus: 400,
    retriable: false,
    senderFault: true,
    description: 'A one-time password does not verify the SMS sandbox phone number.'
  },
  SNS_ENDPOINT_DISABLED: {
    awsType: 'EndpointDisabledException',
    queryCode: 'EndpointDisabled',
    grpcStatus: GrpcStatus.FAILED_PRECONDITION,
    httpStatus: 400,
    retriable: false,
    senderFault: true,
    description: 'The platform endpoint is disabled.'
  },
  SNS_PLATFORM_APPLICATION_DISABLED: {
    awsType: 'PlatformApplicationDisabledException',
    queryCode: 'PlatformApplicationDisabled',
    grpcStatus: GrpcStatus.FAILED_PRECONDITION,
    httpStatus: 400,
    retriable: false,
    senderFault: true,
    description: 'The platform application is disabled.'
  },
  SHUTTING_DOWN: {
    awsType: 'ServiceUnavailable',
    grpcStatus: GrpcStatus.UNAVAILABLE,
    httpStatus: 503,
    retriable: true,
    description: 'The server is shutting down and takes no new work.'
  },
  INTERNAL: {
    awsType: 'InternalFailure',
    grpcStatus: GrpcStatus.INTERNAL,
    httpStatus: 500,
    retriable: true,
    description: 'An unexpected server failure; nothing was acknowledged.'
  }
} as const satisfies Record<string, ErrorSpec>

export type ErrorCode = keyof typeof ERROR_CODES

/**
 * A message that travels with an error, such as the current lease of a
 * LEASE_COUNTER_MISMATCH. Over gRPC it is protobuf-encoded (as `messageType`, from the
 * proto field names in `value`) into the binary trailing metadata key `metadataKey`.
 */
export interface ErrorAttachment {
  readonly metadataKey: string
  /** Fully qualified proto message name, e.g. `shardline.v1.Lease`. */
  readonly messageType: string
  readonly value: Record<string, unknown>
}

/** The only error actions throw. Transports turn it into a gRPC status or an AWS error body. */
export class ServiceError extends Error {
  readonly code: ErrorCode
  readonly awsType: string
  readonly grpcStatus: number
  readonly httpStatus: number
  readonly retriable: boolean
  readonly attachment: ErrorAttachment | undefined
  /**
   * The text AWS's Query protocol gives instead of `message`, where it differs (SQS:
   * "The specified queue does not exist for this wsdl version.").
   */
  readonly queryMessage: string | undefined
  /**
   * AWS answers this error with its `__type` alone (a protocol-level refusal, an internal
   * failure): the AWS-compatible API sends no message in the body, and the readable one in
   * the `x-shardline-message` header.
   */
  readonly bare: boolean

  constructor (code: ErrorCode, message: string, options?: { cause?: unknown, attachment?: ErrorAttachment, queryMessage?: string, bare?: boolean }) {
    super(message, options)
    this.attachment = options?.attachment
    this.queryMessage = options?.queryMessage
    this.bare = options?.bare ?? code === 'INTERNAL'
    const spec: ErrorSpec = ERROR_CODES[code]
    this.name = 'ServiceError'
    this.code = code
    this.awsType = spec.awsType
    this.grpcStatus = spec.grpcStatus
    this.httpStatus = spec.httpStatus
    this.retriable = spec.retriable
  }
}

/** Wraps anything unexpected so that callers only ever see catalogue codes. */
export function toServiceError (err: unknown): ServiceError {
  if (err instanceof ServiceError) return err
  const detail = err instanceof Error ? err.message : String(err)
  return new ServiceError('INTERNAL', `Internal failure: ${detail}`, { cause: err })
}

/** Metadata keys that carry the error details over gRPC. */
export const ERROR_METADATA = {
  code: 'shardline-code',
  awsType: 'shardline-aws-type',
  retriable: 'shardline-retriable',
  /** LEASE_COUNTER_MISMATCH: the lease as it is now, an encoded shardline.v1.Lease. */
  currentLease: 'shardline-current-lease-bin'
} as const
