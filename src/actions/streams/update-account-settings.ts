import { Type } from '@sinclair/typebox'
import { defineAction } from '../action.js'
import { StringEnum } from '../schema.js'
import { commitmentShape } from './shapes.js'

export const updateAccountSettings = defineAction({
  name: 'UpdateAccountSettings',
  input: Type.Object({
    minimum_throughput_billing_commitment: Type.Object({
      status: StringEnum(['ENABLED', 'DISABLED'])
    })
  }),
  async handle (ctx, input) {
    const state = await ctx.accounts.updateCommitment(ctx.scope, input.minimum_throughput_billing_commitment.status)
    return { minimum_throughput_billing_commitment: commitmentShape(state) }
  }
})
