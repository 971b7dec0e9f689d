import { Type } from '@sinclair/typebox'
import { defineAction } from '../action.js'
import { commitmentShape } from './shapes.js'

export const describeAccountSettings = defineAction({
  name: 'DescribeAccountSettings',
  input: Type.Object({}),
  async handle (ctx) {
    return { minimum_throughput_billing_commitment: commitmentShape(ctx.accounts.commitment(ctx.scope)) }
  }
})
