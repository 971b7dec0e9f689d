/**
 * StartStreamEncryption and StopStreamEncryption share one input and one course: the
 * setting (KMS and its key) is kept and shown by DescribeStream at once, the stream is
 * UPDATING for the state-transition delay, and records written once it is ACTIVE again
 * carry the new encryption (encryption.ts). No KMS is called: a key is never looked up,
 * so the KMS errors do not occur.
 */
import { Type } from '@sinclair/typebox'
import { ServiceError } from '../../errors.js'
import { changeAt, withChange } from '../../streams/encryption.js'
import type { Stream } from '../../streams/stream-model.js'
import { defineAction, type ActionContext } from '../action.js'
import { StringEnum } from '../schema.js'
import { countDailyCall } from './daily-quota.js'
import { StreamRefFields } from './fields.js'
import { checkKeyId } from './rules.js'

/** AWS: each may succeed 25 times per stream in a rolling 24 hours. */
const CALLS_PER_DAY = 25

const input = Type.Object({
  ...StreamRefFields,
  encryption_type: StringEnum(['NONE', 'KMS']),
  key_id: Type.String({ minLength: 1, maxLength: 2048 })
})

/** Counts the call against its quota, or refuses it; returns the calls of the last 24 hours, this one included. */
function countCall (ctx: ActionContext, stream: Stream, kind: 'start' | 'stop', now: number): number[] {
  const operation = kind === 'start' ? 'StartStreamEncryption' : 'StopStreamEncryption'
  return countDailyCall(ctx, stream.doc.encryptionCalls?.[kind], now, CALLS_PER_DAY, (count) =>
    `${operation} has succeeded ${count} times for stream ${stream.name} in the last 24 hours; it is allowed ${CALLS_PER_DAY} times per rolling 24 hours.`)
}

function encryptionAction (name: string, kind: 'start' | 'stop') {
  return defineAction({
    name,
    input,
    async handle (ctx, request) {
      const stream = ctx.streams.require(request, 'mutable', name)
      if (request.encryption_type !== 'KMS') {
        throw new ServiceError('INVALID_ARGUMENT', `${name} takes encryption_type KMS, the only server-side encryption Kinesis has; ${request.encryption_type} was given.`)
      }
      checkKeyId(request.key_id)
      const now = ctx.config.clock()
      const calls = countCall(ctx, stream, kind, now)
      await ctx.streams.update(stream, (activeAt) => {
        const type = kind === 'start' ? 'KMS' : 'NONE'
        stream.doc.encryption = kind === 'start' ? { type: 'KMS', keyId: request.key_id } : undefined
        stream.doc.encryptionHistory = withChange(stream.doc.encryptionHistory, type, changeAt(now, activeAt, stream.newestArrival), stream.horizon(now))
        stream.doc.encryptionCalls = { ...stream.doc.encryptionCalls, [kind]: calls }
      })
      return {}
    }
  })
}

export const startStreamEncryption = encryptionAction('StartStreamEncryption', 'start')
export const stopStreamEncryption = encryptionAction('StopStreamEncryption', 'stop')
