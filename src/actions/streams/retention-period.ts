/**
 * IncreaseStreamRetentionPeriod and DecreaseStreamRetentionPeriod share one input and one
 * rule: Kinesis accepts 24 to 8,760 hours, and each call may move in one direction only.
 */
import { Type } from '@sinclair/typebox'
import { ServiceError } from '../../errors.js'
import { defineAction } from '../action.js'
import { StreamRefInput } from './fields.js'

const MIN_HOURS = 24
const MAX_HOURS = 8760

const input = StreamRefInput({
  // AWS validates 1..8760 and reports values under 24 as InvalidArgumentException.
  retention_period_hours: Type.Integer({ minimum: 1, maximum: MAX_HOURS })
})

function retentionAction (name: string, direction: 'increase' | 'decrease') {
  return defineAction({
    name,
    input,
    async handle (ctx, request) {
      const stream = ctx.streams.require(request, 'mutable', name)
      const hours = request.retention_period_hours
      const current = stream.doc.retentionHours
      if (hours < MIN_HOURS) {
        throw new ServiceError('INVALID_ARGUMENT', `Minimum allowed retention period is ${MIN_HOURS} hours. Requested retention period (${hours} hours) is too short.`)
      }
      if (direction === 'increase' && hours < current) {
        throw new ServiceError('INVALID_ARGUMENT', `Requested retention period (${hours} hours) for stream ${stream.name} can not be shorter than existing retention period (${current} hours). Use DecreaseRetentionPeriod API.`)
      }
      if (direction === 'decrease' && hours > current) {
        throw new ServiceError('INVALID_ARGUMENT', `Requested retention period (${hours} hours) for stream ${stream.name} can not be longer than existing retention period (${current} hours). Use IncreaseRetentionPeriod API.`)
      }
      if (hours > current) stream.doc.expiredBefore = stream.horizon(ctx.config.clock())
      stream.doc.retentionHours = hours
      await ctx.streams.save(stream)
      return {}
    }
  })
}

export const increaseStreamRetentionPeriod = retentionAction('IncreaseStreamRetentionPeriod', 'increase')
export const decreaseStreamRetentionPeriod = retentionAction('DecreaseStreamRetentionPeriod', 'decrease')
