import { GrpcClient, type CallOptions, type StreamClientOptions } from './grpc-client.js'
import { requestEncodingError } from './errors.js'
import { streamingMethod, streamService, unaryMethod } from './proto.js'
import type { MethodName, UnaryMethod } from './proto.js'
import { recordsDeserializer } from './records-decoder.js'
import { putRecordsDeserializer, putRecordsSerializer } from './put-records-codec.js'
import { encodeCreateStream, encodeGetShardIterator, encodeListStreamConsumers, encodeSubscribeToShard, encodeUpdateShardCount, encodeUpdateStreamMode, encodeListShards, encodePutRecord, encodePutRecords, encodeStreamEncryption, encodeUpdateAccountSettings } from './requests.js'
import {
  toAccountSettingsResponse,
  toEnhancedMonitoringResponse,
  toGetResourcePolicyResponse,
  toListTagsForResourceResponse,
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
  toUpdateStreamWarmThroughputResponse,
  toConsumerResponse,
  toListStreamConsumersResponse
} from './responses.js'
import { ShardSubscription } from './shard-subscription.js'
import type {
  DeleteResourcePolicyRequest,
  DeleteResourcePolicyResponse,
  DescribeAccountSettingsResponse,
  DisableEnhancedMonitoringRequest,
  DisableEnhancedMonitoringResponse,
  EnableEnhancedMonitoringRequest,
  EnableEnhancedMonitoringResponse,
  GetResourcePolicyRequest,
  GetResourcePolicyResponse,
  ListTagsForResourceRequest,
  ListTagsForResourceResponse,
  PutResourcePolicyRequest,
  PutResourcePolicyResponse,
  StartStreamEncryptionRequest,
  StartStreamEncryptionResponse,
  StopStreamEncryptionRequest,
  StopStreamEncryptionResponse,
  TagResourceRequest,
  TagResourceResponse,
  UntagResourceRequest,
  UntagResourceResponse,
  UpdateAccountSettingsRequest,
  UpdateAccountSettingsResponse,
  UpdateMaxRecordSizeRequest,
  UpdateMaxRecordSizeResponse,
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
  UpdateShardCountResponse,
  UpdateStreamModeRequest,
  UpdateStreamModeResponse,
  UpdateStreamWarmThroughputRequest,
  UpdateStreamWarmThroughputResponse
} from './types.js'

export { DEFAULT_DEADLINE_MS, type CallOptions, type StreamClientOptions } from './grpc-client.js'

/**
 * A promise-based client of shardline.v1.StreamService. Every method rejects with a
 * ShardlineError.
 */
export class StreamClient extends GrpcClient {
  constructor (options: StreamClientOptions) {
    super(options, 'StreamClient', true)
    // Loading here makes a missing proto file fail at construction rather than on first use.
    streamService()
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

  /** Tags a stream or a registered consumer, by ARN. */
  tagResource (request: TagResourceRequest, options?: CallOptions): Promise<TagResourceResponse> {
    return this.#unary('TagResource', () => request, toEmptyResponse, options)
  }

  untagResource (request: UntagResourceRequest, options?: CallOptions): Promise<UntagResourceResponse> {
    return this.#unary('UntagResource', () => request, toEmptyResponse, options)
  }

  listTagsForResource (request: ListTagsForResourceRequest, options?: CallOptions): Promise<ListTagsForResourceResponse> {
    return this.#unary('ListTagsForResource', () => request, toListTagsForResourceResponse, options)
  }

  /** Turns on (or changes the key of) server-side encryption; the stream is UPDATING meanwhile. */
  startStreamEncryption (request: StartStreamEncryptionRequest, options?: CallOptions): Promise<StartStreamEncryptionResponse> {
    return this.#unary('StartStreamEncryption', () => encodeStreamEncryption(request), toEmptyResponse, options)
  }

  stopStreamEncryption (request: StopStreamEncryptionRequest, options?: CallOptions): Promise<StopStreamEncryptionResponse> {
    return this.#unary('StopStreamEncryption', () => encodeStreamEncryption(request), toEmptyResponse, options)
  }

  enableEnhancedMonitoring (request: EnableEnhancedMonitoringRequest, options?: CallOptions): Promise<EnableEnhancedMonitoringResponse> {
    return this.#unary('EnableEnhancedMonitoring', () => request, toEnhancedMonitoringResponse, options)
  }

  disableEnhancedMonitoring (request: DisableEnhancedMonitoringRequest, options?: CallOptions): Promise<DisableEnhancedMonitoringResponse> {
    return this.#unary('DisableEnhancedMonitoring', () => request, toEnhancedMonitoringResponse, options)
  }

  /** Attaches a resource policy to a stream or consumer, by ARN: kept and returned, not enforced. */
  putResourcePolicy (request: PutResourcePolicyRequest, options?: CallOptions): Promise<PutResourcePolicyResponse> {
    return this.#unary('PutResourcePolicy', () => request, toEmptyResponse, options)
  }

  getResourcePolicy (request: GetResourcePolicyRequest, options?: CallOptions): Promise<GetResourcePolicyResponse> {
    return this.#unary('GetResourcePolicy', () => request, toGetResourcePolicyResponse, options)
  }

  deleteResourcePolicy (request: DeleteResourcePolicyRequest, options?: CallOptions): Promise<DeleteResourcePolicyResponse> {
    return this.#unary('DeleteResourcePolicy', () => request, toEmptyResponse, options)
  }

  /** Sets the stream's largest record (data plus partition key), 1,024 to 10,240 KiB. */
  updateMaxRecordSize (request: UpdateMaxRecordSizeRequest, options?: CallOptions): Promise<UpdateMaxRecordSizeResponse> {
    return this.#unary('UpdateMaxRecordSize', () => request, toEmptyResponse, options)
  }

  describeAccountSettings (options?: CallOptions): Promise<DescribeAccountSettingsResponse> {
    return this.#unary('DescribeAccountSettings', () => ({}), toAccountSettingsResponse, options)
  }

  updateAccountSettings (request: UpdateAccountSettingsRequest, options?: CallOptions): Promise<UpdateAccountSettingsResponse> {
    return this.#unary('UpdateAccountSettings', () => encodeUpdateAccountSettings(request), toAccountSettingsResponse, options)
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
    this.assertOpen()
    const definition = handCodedMethod('SubscribeToShard')
    let encoded: object
    try {
      encoded = encodeSubscribeToShard(request)
    } catch (err) {
      throw requestEncodingError(err)
    }
    return new ShardSubscription(() => this.openServerStream(definition, encoded))
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

  /** Switches between PROVISIONED and ON_DEMAND; the stream keeps its shards. */
  updateStreamMode (request: UpdateStreamModeRequest, options?: CallOptions): Promise<UpdateStreamModeResponse> {
    return this.#unary('UpdateStreamMode', () => encodeUpdateStreamMode(request), toEmptyResponse, options)
  }

  /** Warms an ON_DEMAND stream: it splits at once to take `warmThroughputMiBps`, and never merges below. */
  updateStreamWarmThroughput (request: UpdateStreamWarmThroughputRequest, options?: CallOptions): Promise<UpdateStreamWarmThroughputResponse> {
    return this.#unary('UpdateStreamWarmThroughput', () => request, toUpdateStreamWarmThroughputResponse, options)
  }

  listTagsForStream (request: ListTagsForStreamRequest, options?: CallOptions): Promise<ListTagsForStreamResponse> {
    return this.#unary('ListTagsForStream', () => request, toListTagsForStreamResponse, options)
  }

  putRecord (request: PutRecordRequest, options?: CallOptions): Promise<PutRecordResponse> {
    return this.#unary('PutRecord', () => encodePutRecord(request), toPutRecordResponse, options)
  }

  putRecords (request: PutRecordsRequest, options?: CallOptions): Promise<PutRecordsResponse> {
    return this.unaryCall(handCodedMethod('PutRecords'), () => encodePutRecords(request), toPutRecordsResponse, options)
  }

  getShardIterator (request: GetShardIteratorRequest, options?: CallOptions): Promise<GetShardIteratorResponse> {
    return this.#unary('GetShardIterator', () => encodeGetShardIterator(request), toGetShardIteratorResponse, options)
  }

  getRecords (request: GetRecordsRequest, options?: CallOptions): Promise<GetRecordsResponse> {
    return this.unaryCall(handCodedMethod('GetRecords'), () => request, toGetRecordsResponse, options)
  }

  #unary<W, R> (method: MethodName, encode: () => object, decode: (wire: W) => R, options?: CallOptions): Promise<R> {
    return this.unaryCall(unaryMethod(method), encode, decode, options)
  }
}

const handCoded = new Map<MethodName | 'SubscribeToShard', UnaryMethod>()

/**
 * The calls whose messages are large or frequent enough for proto-loader's generic codec
 * to cost real CPU, with hand-rolled codecs that fall back to it (records-decoder.ts,
 * put-records-codec.ts). SubscribeToShard is here for latency: its events are decoded on
 * the put-to-delivery path.
 */
function handCodedMethod (name: 'GetRecords' | 'PutRecords' | 'SubscribeToShard'): UnaryMethod {
  let method = handCoded.get(name)
  if (method === undefined) {
    if (name === 'PutRecords') {
      const generic = unaryMethod(name)
      method = { ...generic, requestSerialize: putRecordsSerializer(generic.requestSerialize), responseDeserialize: putRecordsDeserializer(generic.responseDeserialize) }
    } else {
      const generic = name === 'GetRecords' ? unaryMethod(name) : streamingMethod(name)
      method = { ...generic, responseDeserialize: recordsDeserializer(generic.responseDeserialize) }
    }
    handCoded.set(name, method)
  }
  return method
}
