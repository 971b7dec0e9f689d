/**
 * Platform applications (mobile push): kept and returned. Endpoints of an application are
 * in platform-endpoints.ts; publishing to one goes to the outbox.
 */
import { Type } from '@sinclair/typebox'
import { ServiceError } from '../../errors.js'
import { defineAction, type ActionContext } from '../action.js'
import { pageOf } from './common.js'
import { badArn } from '../../topics/scoped-topics.js'
import { AttributeMap, Empty, invalid, NextToken } from './fields.js'

const PLATFORMS = new Set(['ADM', 'APNS', 'APNS_SANDBOX', 'APNS_VOIP', 'APNS_VOIP_SANDBOX', 'BAIDU', 'GCM', 'MACOS', 'MACOS_SANDBOX', 'MPNS', 'WNS'])

export function requireApplication (ctx: ActionContext, arn: string) {
  if (arn.split(':').length < 6) throw badArn('PlatformApplicationArn', arn)
  const app = ctx.topics.resources.applications[arn]
  if (app === undefined) throw new ServiceError('SNS_NOT_FOUND', 'PlatformApplication does not exist')
  return app
}

/** Credentials are write-only in AWS: GetPlatformApplicationAttributes does not return them. */
const SECRET = new Set(['PlatformCredential', 'PlatformPrincipal'])

function visible (attributes: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(attributes).filter(([k]) => !SECRET.has(k)))
}

export const createPlatformApplication = defineAction({
  name: 'CreatePlatformApplication',
  input: Type.Object({ name: Type.String(), platform: Type.String(), attributes: AttributeMap() }),
  output: Type.Object({ platform_application_arn: Type.String() }),
  invalid,
  async handle (ctx, input) {
    const name = input.name
    const nameProblem = name === '' ? 'cannot be empty' : name.length > 256 ? 'must be at most 256 characters long' : /^[A-Za-z0-9_.-]+$/.test(name) ? undefined : "must contain only characters 'a'-'z', 'A'-'Z', '0'-'9', '_', '-', and '.'"
    if (nameProblem !== undefined) throw new ServiceError('SNS_INVALID_PARAMETER', `Invalid parameter: ${name} Reason: ${nameProblem}`)
    if (!PLATFORMS.has(input.platform)) throw new ServiceError('SNS_INVALID_PARAMETER', `Invalid parameter: Platform Reason: ${input.platform} is not supported`)
    const { PlatformCredential: credential, PlatformPrincipal: principal } = input.attributes
    if (principal !== undefined && credential === undefined) throw new ServiceError('SNS_INVALID_PARAMETER', 'Invalid parameter: Attributes Reason: PlatformPrincipal attribute provided without PlatformCredential')
    if (credential === undefined) throw new ServiceError('SNS_INVALID_PARAMETER', 'Invalid parameter: Attributes Reason: PlatformCredential attribute required.')
    // Every platform but GCM (an API key alone) signs in with a principal and a credential.
    if (principal === undefined && input.platform !== 'GCM') throw new ServiceError('SNS_INVALID_PARAMETER', 'Invalid parameter: Attributes Reason: PlatformCredential attribute provided without PlatformPrincipal')
    const arn = `arn:aws:sns:${ctx.scope.region}:${ctx.scope.accountId}:app/${input.platform}/${input.name}`
    await ctx.topics.changeResources((r) => {
      r.applications[arn] = { arn, name: input.name, platform: input.platform, attributes: { Enabled: 'true', ...input.attributes } }
    })
    return { platform_application_arn: arn }
  }
})

export const deletePlatformApplication = defineAction({
  name: 'DeletePlatformApplication',
  input: Type.Object({ platform_application_arn: Type.String() }),
  output: Empty,
  invalid,
  async handle (ctx, input) {
    await ctx.topics.changeResources((r) => {
      delete r.applications[input.platform_application_arn]
      for (const [arn, e] of Object.entries(r.endpoints)) if (e.applicationArn === input.platform_application_arn) delete r.endpoints[arn]
    })
    return {}
  }
})

export const getPlatformApplicationAttributes = defineAction({
  name: 'GetPlatformApplicationAttributes',
  input: Type.Object({ platform_application_arn: Type.String() }),
  output: Type.Object({ attributes: Type.Optional(AttributeMap()) }),
  invalid,
  async handle (ctx, input) {
    return { attributes: visible(requireApplication(ctx, input.platform_application_arn).attributes) }
  }
})

export const setPlatformApplicationAttributes = defineAction({
  name: 'SetPlatformApplicationAttributes',
  // Attributes optional in the schema: AWS checks the ARN before it misses them.
  input: Type.Object({ platform_application_arn: Type.String(), attributes: Type.Optional(AttributeMap()) }),
  output: Empty,
  invalid,
  async handle (ctx, input) {
    const app = requireApplication(ctx, input.platform_application_arn)
    if (input.attributes === undefined) throw new ServiceError('SNS_MISSING_PARAMETER', "1 validation error detected: Value null at 'attributes' failed to satisfy constraint: Member must not be null")
    await ctx.topics.changeResources(() => { app.attributes = { ...app.attributes, ...input.attributes } })
    return {}
  }
})

export const listPlatformApplications = defineAction({
  name: 'ListPlatformApplications',
  input: Type.Object({ next_token: Type.Optional(NextToken) }),
  output: Type.Object({
    platform_applications: Type.Optional(Type.Array(Type.Object({ platform_application_arn: Type.String(), attributes: AttributeMap() }))),
    next_token: Type.Optional(Type.String())
  }),
  invalid,
  async handle (ctx, input) {
    const apps = Object.values(ctx.topics.resources.applications).sort((a, b) => (a.arn < b.arn ? -1 : 1))
    const { page, next } = pageOf(ctx, 'ListPlatformApplications', apps, (a) => a.arn, input.next_token)
    return { platform_applications: page.map((a) => ({ platform_application_arn: a.arn, attributes: visible(a.attributes) })), ...(next === undefined ? {} : { next_token: next }) }
  }
})
