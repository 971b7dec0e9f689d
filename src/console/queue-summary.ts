/**
 * A queue as the console shows it: its exact counts (the numbers GetQueueAttributes
 * reports as ApproximateNumberOfMessages*), every attribute, its dead-letter links both
 * ways, and its move tasks, pushed with the feed. Read in-process with the same functions
 * GetQueueAttributes uses, so the page sees the numbers an SQS client would.
 */
import { renderAttributes, requestedNames } from '../actions/queues/queue-attributes.js'
import type { MoveTaskState } from '../queues/queue-events.js'
import type { QueueRegistry } from '../queues/queue-registry.js'
import type { Queue } from '../queues/queue.js'

export interface QueueSummary {
  readonly name: string
  readonly url: string
  readonly arn: string
  readonly fifo: boolean
  readonly visible: number
  readonly inFlight: number
  readonly delayed: number
  readonly attributes: Record<string, string>
  /** The name of the queue this one's RedrivePolicy sends to, if any. */
  readonly deadLetterTarget: string | undefined
  /** The queues whose RedrivePolicy names this one. */
  readonly deadLetterSources: string[]
  readonly moveTasks: MoveTaskState[]
}

const ALL = requestedNames(['All'])

export async function queueSummary (queue: Queue, registry: QueueRegistry): Promise<QueueSummary> {
  const counts = await queue.counts()
  const targetArn = queue.doc.settings.redrivePolicy?.deadLetterTargetArn
  const scoped = registry.in(queue.scope)
  return {
    name: queue.name,
    url: scoped.urlOf(queue),
    arn: queue.arn,
    fifo: queue.fifo,
    visible: counts.visible,
    inFlight: counts.notVisible,
    delayed: counts.delayed,
    attributes: renderAttributes(queue, ALL, counts),
    deadLetterTarget: targetArn === undefined ? undefined : (registry.findByArn(targetArn)?.name ?? targetArn),
    deadLetterSources: scoped.sourcesOf(queue.arn).map((q) => q.name),
    moveTasks: registry.tasks.list(queue.arn)
  }
}
