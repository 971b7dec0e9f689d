/**
 * Message move tasks: redrive a dead-letter queue's messages back to the queues they came
 * from (or to one DestinationArn), in the background, at most MaxNumberOfMessagesPerSecond
 * (by the server clock). Each batch moved is one commit: the destination's records and
 * the dead-letter queue's `moved` event (naming the task); the task's start and end are
 * `task` events. So a restart knows every task's counts and status and resumes the
 * running ones.
 */
import { randomUUID } from 'node:crypto'
import type { Logger } from 'pino'
import type { ServerConfig } from '../config.js'
import { ServiceError } from '../errors.js'
import type { RecordWriter } from '../streams/record-writer.js'
import { decodeMessage } from './message-codec.js'
import type { MoveTaskState } from './queue-events.js'
import type { Queue } from './queue.js'

/** Tasks kept per source queue for ListMessageMoveTasks. */
const KEPT_PER_SOURCE = 10
const BATCH = 10
const IDLE_MS = 50

export interface MoveTaskDeps {
  readonly writer: RecordWriter
  readonly config: ServerConfig
  readonly log: Logger
  readonly find: (arn: string) => Queue | undefined
}

export function encodeTaskHandle (task: MoveTaskState): string {
  return Buffer.from(JSON.stringify({ taskId: task.taskId, sourceArn: task.sourceArn }), 'utf8').toString('base64')
}

export function decodeTaskHandle (handle: string): { taskId: string, sourceArn: string } | undefined {
  try {
    const parsed = JSON.parse(Buffer.from(handle, 'base64').toString('utf8')) as unknown
    if (typeof parsed !== 'object' || parsed === null) return undefined
    const { taskId, sourceArn } = parsed as Record<string, unknown>
    return typeof taskId === 'string' && typeof sourceArn === 'string' ? { taskId, sourceArn } : undefined
  } catch {
    return undefined
  }
}

function sleep (ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref())
}

export class MoveTasks {
  private readonly bySource = new Map<string, MoveTaskState[]>()
  private readonly runs = new Set<Promise<void>>()
  private closed = false

  constructor (private readonly deps: MoveTaskDeps) {}

  /** The tasks of a source queue, most recent first. */
  list (sourceArn: string): MoveTaskState[] {
    return [...(this.bySource.get(sourceArn) ?? [])].reverse()
  }

  /** For the source queue's snapshots. */
  stateOf (sourceArn: string): MoveTaskState[] {
    return this.bySource.get(sourceArn) ?? []
  }

  forget (sourceArn: string): void {
    this.bySource.delete(sourceArn)
  }

  /** Tasks loaded with their source queue; running ones carry on. */
  restore (source: Queue, tasks: MoveTaskState[]): void {
    const kept = tasks.sort((a, b) => a.startedAt - b.startedAt).slice(-KEPT_PER_SOURCE)
    this.bySource.set(source.arn, kept)
    for (const task of kept) if (task.status === 'RUNNING' || task.status === 'CANCELLING') this.launch(source, task)
  }

  async start (source: Queue, destinationArn: string | undefined, rate: number | undefined): Promise<MoveTaskState> {
    const tasks = this.bySource.get(source.arn) ?? []
    if (tasks.some((t) => t.status === 'RUNNING' || t.status === 'CANCELLING')) {
      throw new ServiceError('INVALID_PARAMETER_VALUE', 'There is already a task running. Only one active task is allowed for a source queue arn at a given time.')
    }
    const counts = await source.counts()
    const now = this.deps.config.clock()
    const task: MoveTaskState = {
      taskId: randomUUID(),
      sourceArn: source.arn,
      ...(destinationArn === undefined ? {} : { destinationArn }),
      ...(rate === undefined ? {} : { maxNumberOfMessagesPerSecond: rate }),
      status: 'RUNNING',
      moved: 0,
      toMove: counts.visible,
      startedAt: now
    }
    tasks.push(task)
    if (tasks.length > KEPT_PER_SOURCE) tasks.shift()
    this.bySource.set(source.arn, tasks)
    await this.record(source, task)
    this.launch(source, task)
    return task
  }

  /** Asks a running task to stop; returns it (its count so far). */
  cancel (sourceArn: string, taskId: string): MoveTaskState {
    const task = this.bySource.get(sourceArn)?.find((t) => t.taskId === taskId)
    if (task === undefined) throw new ServiceError('QUEUE_RESOURCE_NOT_FOUND', 'Task does not exist.')
    if (task.status !== 'RUNNING') {
      throw new ServiceError('INVALID_PARAMETER_VALUE', `Task ${taskId} is ${task.status}: only a RUNNING task can be cancelled.`)
    }
    task.status = 'CANCELLING'
    return task
  }

  private async record (source: Queue, task: MoveTaskState): Promise<void> {
    const now = this.deps.config.clock()
    const staged = this.deps.writer.stage()
    source.appendEvent(staged, { e: 'task', at: now, task: { ...task } }, now)
    await staged.commit()
    source.noteChanges(1)
  }

  private launch (source: Queue, task: MoveTaskState): void {
    const run = this.run(source, task).catch((err: unknown) => {
      this.deps.log.error({ err, task: task.taskId }, 'message move task failed')
    })
    this.runs.add(run)
    void run.finally(() => this.runs.delete(run))
  }

  private async run (source: Queue, task: MoveTaskState): Promise<void> {
    const clock = this.deps.config.clock
    let tokens = 0
    let refilled = clock()
    while (!this.closed && source.isOpen && task.status === 'RUNNING' && task.moved < task.toMove) {
      let n = Math.min(BATCH, task.toMove - task.moved)
      const rate = task.maxNumberOfMessagesPerSecond
      if (rate !== undefined) {
        const now = clock()
        tokens = Math.min(rate, tokens + ((now - refilled) / 1000) * rate)
        refilled = now
        n = Math.min(n, Math.floor(tokens))
        if (n <= 0) {
          await sleep(IDLE_MS)
          continue
        }
      }
      const now = clock()
      source.state.settle(now, source.horizon(now))
      const items = source.state.reserve(n, source.horizon(now))
      if (items.length === 0) {
        if (source.state.unread && source.state.windowHasRoom) {
          await source.fill()
          continue
        }
        break
      }
      tokens -= items.length
      const data = await source.readReserved(items)
      const at = clock()
      const staged = this.deps.writer.stage()
      const moved = new Map<Queue, number[]>()
      const after: Array<() => void> = []
      let missing: string | undefined
      for (const item of items) {
        const record = data.get(item.counter)
        if (!source.state.stillReserved(item) || record === undefined) continue
        const message = decodeMessage(record)
        const target = task.destinationArn ?? message.deadLetterSourceArn
        const destination = target === undefined ? undefined : this.deps.find(target)
        if (destination === undefined || !destination.isOpen) {
          missing ??= target ?? '(no source)'
          source.state.release(item)
          continue
        }
        after.push(destination.stageMoveIn(staged, message, 0, undefined, at))
        const list = moved.get(destination) ?? []
        list.push(item.counter)
        moved.set(destination, list)
      }
      for (const [destination, counters] of moved) {
        source.state.applySettled(counters)
        source.appendEvent(staged, { e: 'moved', at, c: counters, to: destination.arn, task: task.taskId }, at)
        task.moved += counters.length
      }
      if (staged.size > 0) {
        await staged.commit(() => { for (const f of after) f() })
        source.noteChanges(moved.size)
      }
      if (missing !== undefined) {
        task.status = 'FAILED'
        task.failureReason = 'AWS.SimpleQueueService.NonExistentQueue'
        break
      }
      await new Promise<void>((resolve) => setImmediate(resolve))
    }
    if (this.closed || !source.isOpen) return
    if (task.status === 'RUNNING') task.status = 'COMPLETED'
    else if (task.status === 'CANCELLING') task.status = 'CANCELLED'
    await this.record(source, task)
  }

  /** Stops every task (a restart resumes the running ones from their events). */
  async close (): Promise<void> {
    this.closed = true
    await Promise.all([...this.runs])
  }
}
