import { Type } from '@sinclair/typebox'
import type { WatchEvent } from '../../leases/lease-watch.js'
import { defineStreamingAction } from '../action.js'
import { LeaseTableName, leaseShape } from './lease-fields.js'

export const watchLeases = defineStreamingAction({
  name: 'WatchLeases',
  streaming: true,
  input: Type.Object({
    lease_table: LeaseTableName,
    send_initial: Type.Optional(Type.Boolean())
  }),
  async handle (ctx, input, send: (event: Record<string, unknown>) => Promise<void>, signal) {
    await ctx.leases.watch(input.lease_table, input.send_initial ?? false, (event: WatchEvent) => send({
      type: event.type,
      ...(event.lease === undefined ? {} : { lease: leaseShape(event.lease) }),
      server_time_ms: event.serverTimeMs
    }), signal)
  }
})
