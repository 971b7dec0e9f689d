/**
 * SMS settings, opt-outs, the SMS sandbox and origination numbers: kept and returned.
 * shardline sends no SMS: a sandbox number's one-time password goes to the outbox (protocol
 * sms), where a test reads it to call VerifySMSSandboxPhoneNumber. The account stays in
 * the sandbox (as a new AWS account is) and owns no origination numbers. Some of these
 * operations name their members in lowerCamelCase in AWS's model (`phoneNumber`,
 * `isOptedOut`, `attributes`): `awsName` says so.
 */
import { randomInt } from 'node:crypto'
import { Type } from '@sinclair/typebox'
import { ServiceError } from '../../errors.js'
import { defineAction } from '../action.js'
import { pageOf } from './common.js'
import { AttributeMap, EmptyResult, invalid, MemberList, NextToken } from './fields.js'

const SMS_ATTRIBUTES = new Set(['MonthlySpendLimit', 'DeliveryStatusIAMRole', 'DeliveryStatusSuccessSamplingRate', 'DefaultSenderID', 'DefaultSMSType', 'UsageReportS3Bucket'])
const E164 = /^\+[1-9][0-9]{4,14}$/

function checkNumber (phoneNumber: string, reason = `${phoneNumber} is not a phone number in E.164 format`): void {
  if (!E164.test(phoneNumber)) throw new ServiceError('SNS_INVALID_PARAMETER', `Invalid parameter: PhoneNumber Reason: ${reason}`)
}

/** What GetSMSAttributes shows for an account that set nothing (AWS: a spend limit of 1 USD). */
const SMS_DEFAULTS: Readonly<Record<string, string>> = { MonthlySpendLimit: '1' }

export const setSMSAttributes = defineAction({
  name: 'SetSMSAttributes',
  input: Type.Object({ attributes: AttributeMap({ awsName: 'attributes' }) }),
  output: EmptyResult,
  invalid,
  async handle (ctx, input) {
    for (const [name, value] of Object.entries(input.attributes)) {
      // AWS's texts here have no "Invalid parameter:" prefix.
      if (!SMS_ATTRIBUTES.has(name)) throw new ServiceError('SNS_INVALID_PARAMETER', `${name} is not a valid attribute`)
      if (name === 'DefaultSMSType' && value !== 'Promotional' && value !== 'Transactional') throw new ServiceError('SNS_INVALID_PARAMETER', 'DefaultSMSType is invalid')
    }
    await ctx.topics.changeResources((r) => { r.smsAttributes = { ...r.smsAttributes, ...input.attributes } })
    return {}
  }
})

export const getSMSAttributes = defineAction({
  name: 'GetSMSAttributes',
  input: Type.Object({ attributes: Type.Optional(MemberList({ awsName: 'attributes' })) }),
  output: Type.Object({ attributes: Type.Optional(AttributeMap({ awsName: 'attributes' })) }),
  invalid,
  async handle (ctx, input) {
    const all = { ...SMS_DEFAULTS, ...ctx.topics.resources.smsAttributes }
    const names = input.attributes ?? []
    return { attributes: names.length === 0 ? { ...all } : Object.fromEntries(names.filter((n) => n in all).map((n) => [n, all[n]!])) }
  }
})

export const checkIfPhoneNumberIsOptedOut = defineAction({
  name: 'CheckIfPhoneNumberIsOptedOut',
  input: Type.Object({ phone_number: Type.String({ awsName: 'phoneNumber' }) }),
  output: Type.Object({ is_opted_out: Type.Boolean({ awsName: 'isOptedOut' }) }),
  invalid,
  async handle (ctx, input) {
    checkNumber(input.phone_number)
    return { is_opted_out: ctx.topics.resources.optedOut.includes(input.phone_number) }
  }
})

export const listPhoneNumbersOptedOut = defineAction({
  name: 'ListPhoneNumbersOptedOut',
  input: Type.Object({ next_token: Type.Optional(Type.String({ awsName: 'nextToken' })) }),
  output: Type.Object({ phone_numbers: Type.Optional(MemberList({ awsName: 'phoneNumbers' })), next_token: Type.Optional(Type.String({ awsName: 'nextToken' })) }),
  invalid,
  async handle (ctx, input) {
    const { page, next } = pageOf(ctx, 'ListPhoneNumbersOptedOut', [...ctx.topics.resources.optedOut].sort(), (n) => n, input.next_token)
    return { phone_numbers: page, ...(next === undefined ? {} : { next_token: next }) }
  }
})

export const optInPhoneNumber = defineAction({
  name: 'OptInPhoneNumber',
  input: Type.Object({ phone_number: Type.String({ awsName: 'phoneNumber' }) }),
  output: EmptyResult,
  invalid,
  async handle (ctx, input) {
    checkNumber(input.phone_number, 'input incorrectly formatted')
    await ctx.topics.changeResources((r) => { r.optedOut = r.optedOut.filter((n) => n !== input.phone_number) })
    return {}
  }
})

export const createSMSSandboxPhoneNumber = defineAction({
  name: 'CreateSMSSandboxPhoneNumber',
  input: Type.Object({ phone_number: Type.String(), language_code: Type.Optional(Type.String()) }),
  output: EmptyResult,
  invalid,
  async handle (ctx, input) {
    checkNumber(input.phone_number)
    const otp = String(randomInt(0, 1_000_000)).padStart(6, '0')
    await ctx.topics.changeResources((r) => {
      r.sandbox[input.phone_number] = { phoneNumber: input.phone_number, status: 'Pending', oneTimePassword: otp, ...(input.language_code === undefined ? {} : { languageCode: input.language_code }) }
    })
    await ctx.topics.deliverToOutbox({ at: ctx.config.clock(), topicArn: '', subscriptionArn: '', protocol: 'sms', endpoint: input.phone_number, messageId: otp, body: `Your verification code is ${otp}` })
    return {}
  }
})

export const verifySMSSandboxPhoneNumber = defineAction({
  name: 'VerifySMSSandboxPhoneNumber',
  input: Type.Object({ phone_number: Type.String(), one_time_password: Type.String() }),
  output: EmptyResult,
  invalid,
  async handle (ctx, input) {
    const entry = ctx.topics.resources.sandbox[input.phone_number]
    if (entry === undefined) throw new ServiceError('SNS_RESOURCE_NOT_FOUND', 'Phone number does not exist in the sandbox')
    if (entry.oneTimePassword !== input.one_time_password) throw new ServiceError('SNS_VERIFICATION', 'Invalid one-time password')
    await ctx.topics.changeResources(() => { entry.status = 'Verified' })
    return {}
  }
})

export const deleteSMSSandboxPhoneNumber = defineAction({
  name: 'DeleteSMSSandboxPhoneNumber',
  input: Type.Object({ phone_number: Type.String() }),
  output: EmptyResult,
  invalid,
  async handle (ctx, input) {
    if (ctx.topics.resources.sandbox[input.phone_number] === undefined) throw new ServiceError('SNS_RESOURCE_NOT_FOUND', 'Phone number does not exist in the sandbox')
    await ctx.topics.changeResources((r) => { delete r.sandbox[input.phone_number] })
    return {}
  }
})

export const listSMSSandboxPhoneNumbers = defineAction({
  name: 'ListSMSSandboxPhoneNumbers',
  input: Type.Object({ next_token: Type.Optional(NextToken), max_results: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })) }),
  output: Type.Object({ phone_numbers: Type.Array(Type.Object({ phone_number: Type.String(), status: Type.String() })), next_token: Type.Optional(Type.String()) }),
  invalid,
  async handle (ctx, input) {
    const all = Object.values(ctx.topics.resources.sandbox).sort((a, b) => (a.phoneNumber < b.phoneNumber ? -1 : 1))
    const { page, next } = pageOf(ctx, 'ListSMSSandboxPhoneNumbers', all, (n) => n.phoneNumber, input.next_token)
    return { phone_numbers: page.map((n) => ({ phone_number: n.phoneNumber, status: n.status })), ...(next === undefined ? {} : { next_token: next }) }
  }
})

export const getSMSSandboxAccountStatus = defineAction({
  name: 'GetSMSSandboxAccountStatus',
  input: Type.Object({}),
  output: Type.Object({ is_in_sandbox: Type.Boolean() }),
  invalid,
  async handle () {
    return { is_in_sandbox: true }
  }
})

export const listOriginationNumbers = defineAction({
  name: 'ListOriginationNumbers',
  input: Type.Object({ next_token: Type.Optional(NextToken), max_results: Type.Optional(Type.Integer({ minimum: 1, maximum: 30 })) }),
  output: Type.Object({ phone_numbers: Type.Optional(Type.Array(Type.Object({ phone_number: Type.String() }))), next_token: Type.Optional(Type.String()) }),
  invalid,
  async handle () {
    return { phone_numbers: [] }
  }
})
