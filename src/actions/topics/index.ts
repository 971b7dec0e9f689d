/**
 * The SNS operations (TopicService), by their AWS action names: all 42 of botocore's
 * model, plus ListOutbox (shardline's own: the deliveries to email, sms, application and
 * firehose endpoints).
 */
import type { AnyAction } from '../action.js'
import { confirmSubscription } from './confirm-subscription.js'
import { createTopic } from './create-topic.js'
import { getDataProtectionPolicy, putDataProtectionPolicy } from './data-protection-policy.js'
import { deleteTopic } from './delete-topic.js'
import { getSubscriptionAttributes } from './get-subscription-attributes.js'
import { getTopicAttributes } from './get-topic-attributes.js'
import { listOutbox } from './list-outbox.js'
import { listSubscriptions, listSubscriptionsByTopic } from './list-subscriptions.js'
import { listTagsForResource } from './list-tags-for-resource.js'
import { listTopics } from './list-topics.js'
import { addPermission, removePermission } from './permissions.js'
import { createPlatformApplication, deletePlatformApplication, getPlatformApplicationAttributes, listPlatformApplications, setPlatformApplicationAttributes } from './platform-applications.js'
import { createPlatformEndpoint, deleteEndpoint, getEndpointAttributes, listEndpointsByPlatformApplication, setEndpointAttributes } from './platform-endpoints.js'
import { publish } from './publish.js'
import { publishBatch } from './publish-batch.js'
import { setSubscriptionAttributes } from './set-subscription-attributes.js'
import { setTopicAttributes } from './set-topic-attributes.js'
import {
  checkIfPhoneNumberIsOptedOut, createSMSSandboxPhoneNumber, deleteSMSSandboxPhoneNumber, getSMSAttributes, getSMSSandboxAccountStatus,
  listOriginationNumbers, listPhoneNumbersOptedOut, listSMSSandboxPhoneNumbers, optInPhoneNumber, setSMSAttributes, verifySMSSandboxPhoneNumber
} from './sms.js'
import { subscribe } from './subscribe.js'
import { tagResource } from './tag-resource.js'
import { unsubscribe } from './unsubscribe.js'
import { untagResource } from './untag-resource.js'

export const TOPIC_ACTIONS: readonly AnyAction[] = [
  createTopic, deleteTopic, getTopicAttributes, setTopicAttributes, listTopics,
  subscribe, confirmSubscription, unsubscribe, getSubscriptionAttributes, setSubscriptionAttributes, listSubscriptions, listSubscriptionsByTopic,
  publish, publishBatch,
  tagResource, untagResource, listTagsForResource,
  addPermission, removePermission,
  getDataProtectionPolicy, putDataProtectionPolicy,
  createPlatformApplication, deletePlatformApplication, getPlatformApplicationAttributes, setPlatformApplicationAttributes, listPlatformApplications,
  createPlatformEndpoint, deleteEndpoint, getEndpointAttributes, setEndpointAttributes, listEndpointsByPlatformApplication,
  setSMSAttributes, getSMSAttributes, checkIfPhoneNumberIsOptedOut, listPhoneNumbersOptedOut, optInPhoneNumber,
  createSMSSandboxPhoneNumber, verifySMSSandboxPhoneNumber, deleteSMSSandboxPhoneNumber, listSMSSandboxPhoneNumbers, getSMSSandboxAccountStatus,
  listOriginationNumbers,
  listOutbox
]
