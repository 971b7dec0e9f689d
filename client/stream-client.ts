import { Client, Metadata, credentials as grpcCredentials, status } from '@grpc/grpc-js'
import type { ChannelCredentials } from '@grpc/grpc-js'
import { closedClientError, requestEncodingError, toShardlineError } from './errors.js'
import { streamingMethod, streamService, unaryMethod } from './proto.js'
import type { MethodName } from './proto.js'
import { encodeCreateStream, encodeGetShardIterator, encodeListStreamConsumers, encodeSubscribeToShard, encodeUpdateShardCount, encodeListShards, encodePutRecord, encodePutRecords } from './requests.js'
import {
  toDescribeStreamResponse,
  toDescribeStreamSummaryResponse,
  toDescribeLimitsResponse,
  toEmptyResponse,
  toGetRecordsResponse,
  toGetShardIteratorResponse,
  toListShardsResponse,
  toListStreamsResponse,
  toListTagsForStreamResponse,
  toPutRecordResponse,
  toPutRecordsResponse,
  toUpdateShardCountResponse,
  toConsumerResponse,
  toListStreamConsumersResponse
} from './responses.js'
import { ShardSubscription } from './shard-subscription.js'
import type {
  AddTagsToStreamRequest,
  AddTagsToStreamResponse,
  CreateStreamRequest,
  CreateStreamResponse,
  DecreaseStreamRetentionPeriodRequest,
  DecreaseStreamRetentionPeriodResponse,
  DeleteStreamRequest,
  DeleteStreamResponse,
  DescribeStreamRequest,
  DescribeStreamResponse,
  DescribeStreamSummaryRequest,
  DescribeStreamSummaryResponse,
  DescribeLimitsResponse,
  GetRecordsRequest,
  GetRecordsResponse,
  GetShardIteratorRequest,
  GetShardIteratorResponse,
  IncreaseStreamRetentionPeriodRequest,
  IncreaseStreamRetentionPeriodResponse,
  ListShardsRequest,
  ListShardsResponse,
  ListStreamsRequest,
  ListStreamsResponse,
  ListTagsForStreamRequest,
  ListTagsForStreamResponse,
  PutRecordRequest,
  PutRecordResponse,
  PutRecordsRequest,
  PutRecordsResponse,
  MergeShardsRequest,
  MergeShardsResponse,
  RegisterStreamConsumerRequest,
  RegisterStreamConsumerResponse,
  DescribeStreamConsumerRequest,
  DescribeStreamConsumerResponse,
  ListStreamConsumersRequest,
  ListStreamConsumersResponse,
  DeregisterStreamConsumerRequest,
  DeregisterStreamConsumerResponse,
  SubscribeToShardRequest,
  RemoveTagsFromStreamRequest,
  RemoveTagsFromStreamResponse,
  SplitShardRequest,
  SplitShardResponse,
  UpdateShardCountRequest,
  UpdateShardCountResponse
} from './types.js'

export const DEFAULT_DEADLINE_MS = 10_000

/** Room for a 10 MiB GetRecords answer plus framing. */
const MAX_MESSAGE_BYTES = 16 * 1024 * 1024

export interface StreamClientOptions {
  /** host:port of a shardline gRPC listener, e.g. '127.0.0.1:4568'. */
  endpoint: string
  /** Defaults to an insecure (plaintext) channel. */
  credentials?: ChannelCredentials
  /** Deadline of each call unless the call says otherwise; default 10,000. Infinity for none. */
  deadlineMs?: number
}

export interface CallOptions {
  /** Overrides the client's deadline for this call. */
  deadlineMs?: number
}

/**
 * A promise-based client of shardline.v1.StreamService. Every method rejects with a
 * ShardlineError.
 */
export class StreamClient {
  readonly endpoint: string
  readonly #channel: Client
  readonly #deadlineMs: number
  #closed = false

  constructor (options: StreamClientOptions) {
    // Loading here makes a missing proto file fail at construction rather than on first use.
    streamService()
    this.endpoint = options.endpoint
    this.#deadlineMs = options.deadlineMs ?? DEFAULT_DEADLINE_MS
    // GetRecords answers reach 10 MiB and PutRecords requests 5 MiB, past gRPC's 4 MiB default.
    this.#channel = new Client(options.endpoint, options.credentials ?? grpcCredentials.createInsecure(), {
      'grpc.max_receive_message_length': MAX_MESSAGE_BYTES,
      'grpc.max_send_message_length': MAX_MESSAGE_BYTES,
      // A 64 KiB HTTP/2 window would make a 10 MiB answer wait for ~160 window updates.
      'grpc-node.flow_control_window': MAX_MESSAGE_BYTES
    })
  }

  createStream (request: CreateStreamRequest, options?: CallOptions): Promise<CreateStreamResponse> {
    return this.#unary('CreateStream', () => encodeCreateStream(request), toEmptyResponse, options)
  }

  deleteStream (request: DeleteStreamRequest, options?: CallOptions): Promise<DeleteStreamResponse> {
    return this.#unary('DeleteStream', () => request, toEmptyResponse, options)
  }

  describeStream (request: DescribeStreamRequest, options?: CallOptions): Promise<DescribeStreamResponse> {
    return this.#unary('DescribeStream', () => request, toDescribeStreamResponse, options)
  }

  describeStreamSummary (request: DescribeStreamSummaryRequest, options?: CallOptions): Promise<DescribeStreamSummaryResponse> {
    return this.#unary('DescribeStreamSummary', () => request, toDescribeStreamSummaryResponse, options)
  }

  describeLimits (options?: CallOptions): Promise<DescribeLimitsResponse> {
    return this.#unary('DescribeLimits', () => ({}), toDescribeLimitsResponse, options)
  }

  listStreams (request: ListStreamsRequest = {}, options?: CallOptions): Promise<ListStreamsResponse> {
    return this.#unary('ListStreams', () => request, toListStreamsResponse, options)
  }

  listShards (request: ListShardsRequest, options?: CallOptions): Promise<ListShardsResponse> {
    return this.#unary('ListShards', () => encodeListShards(request), toListShardsResponse, options)
  }

  increaseStreamRetentionPeriod (request: IncreaseStreamRetentionPeriodRequest, options?: CallOptions): Promise<IncreaseStreamRetentionPeriodResponse> {
    return this.#unary('IncreaseStreamRetentionPeriod', () => request, toEmptyResponse, options)
  }

  decreaseStreamRetentionPeriod (request: DecreaseStreamRetentionPeriodRequest, options?: CallOptions): Promise<DecreaseStreamRetentionPeriodResponse> {
    return this.#unary('DecreaseStreamRetentionPeriod', () => request, toEmptyResponse, options)
  }

  addTagsToStream (request: AddTagsToStreamRequest, options?: CallOptions): Promise<AddTagsToStreamResponse> {
    return this.#unary('AddTagsToStream', () => request, toEmptyResponse, options)
  }

  removeTagsFromStream (request: RemoveTagsFromStreamRequest, options?: CallOptions): Promise<RemoveTagsFromStreamResponse> {
    return this.#unary('RemoveTagsFromStream', () => request, toEmptyResponse, options)
  }

  registerStreamConsumer (request: RegisterStreamConsumerRequest, options?: CallOptions): Promise<RegisterStreamConsumerResponse> {
    return this.#unary('RegisterStreamConsumer', () => request, toConsumerResponse('consumer'), options)
  }

  describeStreamConsumer (request: DescribeStreamConsumerRequest, options?: CallOptions): Promise<DescribeStreamConsumerResponse> {
    return this.#unary('DescribeStreamConsumer', () => request, toConsumerResponse('consumerDescription'), options)
  }

  listStreamConsumers (request: ListStreamConsumersRequest, options?: CallOptions): Promise<ListStreamConsumersResponse> {
    return this.#unary('ListStreamConsumers', () => encodeListStreamConsumers(request), toListStreamConsumersResponse, options)
  }

  deregisterStreamConsumer (request: DeregisterStreamConsumerRequest, options?: CallOptions): Promise<DeregisterStreamConsumerResponse> {
    return this.#unary('DeregisterStreamConsumer', () => request, toEmptyResponse, options)
  }

  /**
   * An enhanced fan-out subscription: an async iterable of events pushed as records
   * commit. The subscription opens when iteration starts. It ends after the server's
   * subscription lifetime (5 minutes) or at the end of a closed shard; `followShard`
   * resubscribes for you. No deadline applies.
   */
  subscribeToShard (request: SubscribeToShardRequest): ShardSubscription {
    this.#assertOpen()
    const definition = streamingMethod('SubscribeToShard')
    let encoded: object
    try {
      encoded = encodeSubscribeToShard(request)
    } catch (err) {
      throw requestEncodingError(err)
    }
    return new ShardSubscription(() => {
      this.#assertOpen()
      return this.#channel.makeServerStreamRequest(definition.path, definition.requestSerialize, definition.responseDeserialize, encoded, new Metadata(), {})
    })
  }

  splitShard (request: SplitShardRequest, options?: CallOptions): Promise<SplitShardResponse> {
    return this.#unary('SplitShard', () => request, toEmptyResponse, options)
  }

  mergeShards (request: MergeShardsRequest, options?: CallOptions): Promise<MergeShardsResponse> {
    return this.#unary('MergeShards', () => request, toEmptyResponse, options)
  }

  updateShardCount (request: UpdateShardCountRequest, options?: CallOptions): Promise<UpdateShardCountResponse> {
    return this.#unary('UpdateShardCount', () => encodeUpdateShardCount(request), toUpdateShardCountResponse, options)
  }

  listTagsForStream (request: ListTagsForStreamRequest, options?: CallOptions): Promise<ListTagsForStreamResponse> {
    return this.#unary('ListTagsForStream', () => request, toListTagsForStreamResponse, options)
  }

  putRecord (request: PutRecordRequest, options?: CallOptions): Promise<PutRecordResponse> {
    return this.#unary('PutRecord', () => encodePutRecord(request), toPutRecordResponse, options)
  }

  putRecords (request: PutRecordsRequest, options?: CallOptions): Promise<PutRecordsResponse> {
    return this.#unary('PutRecords', () => encodePutRecords(request), toPutRecordsResponse, options)
  }

  getShardIterator (request: GetShardIteratorRequest, options?: CallOptions): Promise<GetShardIteratorResponse> {
    return this.#unary('GetShardIterator', () => encodeGetShardIterator(request), toGetShardIteratorResponse, options)
  }

  getRecords (request: GetRecordsRequest, options?: CallOptions): Promise<GetRecordsResponse> {
    return this.#unary('GetRecords', () => request, toGetRecordsResponse, options)
  }

  /**
   * Resolves once the channel is connected; rejects with a DEADLINE_EXCEEDED ShardlineError
   * if it is not within `timeoutMs`. Calls do not need this: they connect on demand.
   */
  ready (timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      try {
        this.#assertOpen()
        this.#channel.waitForReady(Date.now() + timeoutMs, (err) => {
          if (err === undefined) resolve()
          else reject(toShardlineError(err, status.DEADLINE_EXCEEDED))
        })
      } catch (err) {
        reject(toShardlineError(err, status.CANCELLED))
      }
    })
  }

  /** Closes the channel. Calls in flight fail; later calls reject at once. */
  close (): void {
    this.#closed = true
    this.#channel.close()
  }

  /**
   * The whole of the gRPC plumbing. Encoding and decoding run inside the promise so that a
   * malformed request or response rejects with a ShardlineError instead of throwing.
   */
  #unary<W, R> (method: MethodName, encode: () => object, decode: (wire: W) => R, options: CallOptions = {}): Promise<R> {
    return new Promise((resolve, reject) => {
      let request: object
      try {
        request = encode()
      } catch (err) {
        reject(requestEncodingError(err))
        return
      }
      try {
        this.#assertOpen()
        const definition = unaryMethod(method)
        const deadline = Date.now() + (options.deadlineMs ?? this.#deadlineMs)
        this.#channel.makeUnaryRequest(
          definition.path,
          definition.requestSerialize,
          definition.responseDeserialize,
          request,
          new Metadata(),
          { deadline },
          (err, response) => {
            if (err !== null) {
              reject(toShardlineError(err))
              return
            }
            try {
              // proto-loader decodes into the W shape; nothing here can check that statically.
              resolve(decode((response ?? {}) as W))
            } catch (decodeErr) {
              reject(toShardlineError(decodeErr))
            }
          }
        )
      } catch (err) {
        reject(toShardlineError(err, this.#closed ? status.CANCELLED : status.INTERNAL))
      }
    })
  }

  #assertOpen (): void {
    if (this.#closed) throw closedClientError(this.endpoint)
  }
}
