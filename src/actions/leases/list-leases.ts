import { Type } from '@sinclair/typebox'
import { defineAction } from '../action.js'
import { LeaseOwner, LeaseTableName, leaseShape } from './lease-fields.js'

export const listLeases = defineAction({
  name: 'ListLeases',
  input: Type.Object({
    lease_table: LeaseTableName,
    lease_owner: Type.Optional(LeaseOwner)
  }),
  async handle (ctx, input) {
    const leases = await ctx.leases.table(input.lease_table).list(input.lease_owner)
    return { leases: leases.map(leaseShape), server_time_ms: ctx.config.clock() }
  }
})
