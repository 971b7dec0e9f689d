/**
 * Publish straight to a platform endpoint (TargetArn) or a phone number (PhoneNumber):
 * the delivery goes to the outbox, as shardline sends no push notifications or SMS.
 */
import { ServiceError } from '../../errors.js'
import { badArn } from '../../topics/scoped-topics.js'
import type { ActionContext } from '../action.js'

export async function deliverDirect (ctx: ActionContext, targetArn: string | undefined, phoneNumber: string | undefined, messageId: string, message: string, subject: string | undefined): Promise<void> {
  const at = ctx.config.clock()
  if (targetArn !== undefined && targetArn !== '') {
    const endpoint = ctx.topics.resources.endpoints[targetArn]
    if (endpoint === undefined) {
      if (/^arn:aws:sns:[^:]+:\d{12}:endpoint\//.test(targetArn)) throw new ServiceError('SNS_INVALID_PARAMETER', 'Invalid parameter: TargetArn Reason: No endpoint found for the target arn specified')
      throw badArn('TargetArn', targetArn)
    }
    if (endpoint.attributes.Enabled === 'false') throw new ServiceError('SNS_ENDPOINT_DISABLED', 'Endpoint is disabled')
    await ctx.topics.deliverToOutbox({ at, topicArn: '', subscriptionArn: '', protocol: 'application', endpoint: targetArn, messageId, body: message, subject })
    return
  }
  const number = phoneNumber ?? ''
  if (!/^\+?[1-9][0-9]{4,14}$/.test(number)) throw new ServiceError('SNS_INVALID_PARAMETER', `Invalid parameter: PhoneNumber Reason: ${number} is not valid to publish to`)
  if (ctx.topics.resources.optedOut.includes(number)) throw new ServiceError('SNS_OPTED_OUT', 'Phone number is opted out')
  await ctx.topics.deliverToOutbox({ at, topicArn: '', subscriptionArn: '', protocol: 'sms', endpoint: number, messageId, body: message, subject })
}
