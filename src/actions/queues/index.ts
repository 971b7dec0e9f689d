/**
 * The SQS operations (QueueService), by their AWS action names.
 */
import type { AnyAction } from '../action.js'
import { addPermissionAction } from './add-permission.js'
import { cancelMessageMoveTask } from './cancel-message-move-task.js'
import { changeMessageVisibility } from './change-message-visibility.js'
import { changeMessageVisibilityBatch } from './change-message-visibility-batch.js'
import { createQueue } from './create-queue.js'
import { deleteMessage } from './delete-message.js'
import { deleteMessageBatch } from './delete-message-batch.js'
import { deleteQueue } from './delete-queue.js'
import { getQueueAttributes } from './get-queue-attributes.js'
import { getQueueUrl } from './get-queue-url.js'
import { listDeadLetterSourceQueues } from './list-dead-letter-source-queues.js'
import { listMessageMoveTasks } from './list-message-move-tasks.js'
import { listQueueTags } from './list-queue-tags.js'
import { listQueues } from './list-queues.js'
import { purgeQueue } from './purge-queue.js'
import { receiveMessage } from './receive-message.js'
import { removePermissionAction } from './remove-permission.js'
import { sendMessage } from './send-message.js'
import { sendMessageBatch } from './send-message-batch.js'
import { setQueueAttributes } from './set-queue-attributes.js'
import { startMessageMoveTask } from './start-message-move-task.js'
import { tagQueue } from './tag-queue.js'
import { untagQueue } from './untag-queue.js'

export const QUEUE_ACTIONS: readonly AnyAction[] = [
  createQueue,
  deleteQueue,
  getQueueUrl,
  listQueues,
  getQueueAttributes,
  setQueueAttributes,
  sendMessage,
  sendMessageBatch,
  receiveMessage,
  deleteMessage,
  deleteMessageBatch,
  changeMessageVisibility,
  changeMessageVisibilityBatch,
  purgeQueue,
  tagQueue,
  untagQueue,
  listQueueTags,
  listDeadLetterSourceQueues,
  startMessageMoveTask,
  listMessageMoveTasks,
  cancelMessageMoveTask,
  addPermissionAction,
  removePermissionAction
]
