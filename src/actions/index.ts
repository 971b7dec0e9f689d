/**
 * Every operation, by service (one folder each) and AWS action name. Transports look
 * actions up here.
 */
export { STREAM_ACTIONS, STREAM_STREAMING_ACTIONS } from './streams/index.js'
export { LEASE_ACTIONS, LEASE_STREAMING_ACTIONS } from './leases/index.js'
export { QUEUE_ACTIONS } from './queues/index.js'
export { invoke, invokeStreaming, type Action, type ActionContext, type AnyAction, type AnyStreamingAction } from './action.js'
export { ActionContexts, type Services } from './contexts.js'
export { TOPIC_ACTIONS } from './topics/index.js'
