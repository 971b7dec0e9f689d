/**
 * A RedrivePolicy must name an existing queue of the same type that lets the source use
 * it (its RedriveAllowPolicy: allowAll when absent, denyAll, or byQueue listing sources).
 */
import { ServiceError } from '../../errors.js'
import type { QueueSettings } from '../../queues/queue-model.js'
import type { ActionContext } from '../action.js'

export function checkRedrive (ctx: ActionContext, sourceArn: string, fifo: boolean, settings: QueueSettings, raw: string | undefined): void {
  const policy = settings.redrivePolicy
  if (policy === undefined || raw === undefined || raw === '') return
  const fail = (reason: string): ServiceError => new ServiceError('INVALID_PARAMETER_VALUE', `Value ${raw} for parameter RedrivePolicy is invalid. Reason: ${reason}`)
  const target = ctx.queues.byArn(policy.deadLetterTargetArn)
  if (target === undefined || !target.isOpen) throw fail('Dead letter target does not exist.')
  if (target.fifo !== fifo) throw fail('Dead-letter queue must be same type of queue as the source.')
  const allow = target.doc.settings.redriveAllowPolicy
  if (allow === undefined || allow.redrivePermission === 'allowAll') return
  if (allow.redrivePermission === 'denyAll' || !(allow.sourceQueueArns ?? []).includes(sourceArn)) {
    throw fail(`Queue ${sourceArn} is not allowed to use ${target.arn} as its dead-letter queue: its RedriveAllowPolicy does not allow it.`)
  }
}
