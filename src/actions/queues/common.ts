/**
 * What several SQS operations share: queue URLs as the caller reaches them, the SenderId,
 * batch entries' failures and their distinct ids.
 */
import { ERROR_CODES, ServiceError, type ErrorSpec } from '../../errors.js'
import type { Queue } from '../../queues/queue.js'
import type { ActionContext } from '../action.js'

export function queueUrl (ctx: ActionContext, queue: Queue): string {
  return ctx.queues.urlOf(queue, ctx.origin)
}

/** SQS's SenderId: the caller's access key id over HTTP; the account id otherwise. */
export function senderIdOf (ctx: ActionContext): string {
  return ctx.callerId ?? ctx.scope.accountId
}

export interface BatchFailure {
  readonly id: string
  readonly sender_fault: boolean
  readonly code: string
  readonly message: string
}

/** A batch entry's failure, with the Query-style code AWS puts in `Failed[]`. */
export function batchFailure (id: string, err: ServiceError): BatchFailure {
  const spec: ErrorSpec = ERROR_CODES[err.code]
  return {
    id,
    sender_fault: spec.senderFault ?? spec.httpStatus < 500,
    code: spec.queryCode ?? spec.awsType,
    message: err.message
  }
}

/** Entries of one batch must have distinct ids. */
export function checkDistinctIds (entries: ReadonlyArray<{ readonly id: string }>): void {
  const seen = new Set<string>()
  for (const { id } of entries) {
    if (seen.has(id)) throw new ServiceError('BATCH_IDS_NOT_DISTINCT', `Two batch entries have the Id ${id}: the Ids of a batch must be distinct.`)
    seen.add(id)
  }
}

/** Runs `each` per entry; a ServiceError becomes that entry's failure, anything else fails the call. */
export function perEntry<E extends { readonly id: string }> (entries: readonly E[], each: (entry: E) => void): BatchFailure[] {
  const failed: BatchFailure[] = []
  for (const entry of entries) {
    try {
      each(entry)
    } catch (err) {
      if (!(err instanceof ServiceError)) throw err
      failed.push(batchFailure(entry.id, err))
    }
  }
  return failed
}

/** AWS leaves out an empty Successful or Failed list. */
export function batchOutput<S> (successful: S[], failed: BatchFailure[]): { successful?: S[], failed?: BatchFailure[] } {
  return {
    ...(successful.length === 0 ? {} : { successful }),
    ...(failed.length === 0 ? {} : { failed })
  }
}
