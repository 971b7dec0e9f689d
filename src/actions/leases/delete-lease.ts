import { Type } from '@sinclair/typebox'
import { defineAction } from '../action.js'
import { LeaseCounter, LeaseKey, LeaseTableName, withCurrentLease } from './lease-fields.js'

export const deleteLease = defineAction({
  name: 'DeleteLease',
  input: Type.Object({
    lease_table: LeaseTableName,
    lease_key: LeaseKey,
    expected_lease_counter: LeaseCounter
  }),
  async handle (ctx, input) {
    await withCurrentLease(ctx.leases.table(input.lease_table).delete(input.lease_key, input.expected_lease_counter))
    return { server_time_ms: ctx.config.clock() }
  }
})
