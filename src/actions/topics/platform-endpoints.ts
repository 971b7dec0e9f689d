/**
 * Platform endpoints (one device of a platform application): kept and returned. AWS
 * makes CreatePlatformEndpoint idempotent for the same token and attributes.
 */
import { randomUUID } from 'node:crypto'
import { Type } from '@sinclair/typebox'
import { ServiceError } from '../../errors.js'
import { defineAction, type ActionContext } from '../action.js'
import { pageOf } from './common.js'
import { AttributeMap, Empty, invalid, NextToken } from './fields.js'
import { requireApplication } from './platform-applications.js'

function requireEndpoint (ctx: ActionContext, arn: string) {
  const endpoint = ctx.topics.resources.endpoints[arn]
  if (endpoint === undefined) throw new ServiceError('SNS_NOT_FOUND', 'Endpoint does not exist')
  return endpoint
}

/** The attributes an endpoint takes (AWS's model). */
const ENDPOINT_ATTRIBUTES = new Set(['CustomUserData', 'Enabled', 'Token'])
const MAX_CUSTOM_USER_DATA_BYTES = 2048

/** Refuses, with AWS's texts, attributes an endpoint does not take. */
function checkEndpointAttributes (attributes: Record<string, string>): void {
  for (const [name, value] of Object.entries(attributes)) {
    if (!ENDPOINT_ATTRIBUTES.has(name)) throw new ServiceError('SNS_INVALID_PARAMETER', `Invalid parameter: Attributes Reason: Invalid attribute name: ${name}`)
    if (name === 'CustomUserData' && Buffer.byteLength(value, 'utf8') > MAX_CUSTOM_USER_DATA_BYTES) {
      throw new ServiceError('SNS_INVALID_PARAMETER', `Invalid parameter: Attributes Reason: Invalid value for attribute: CustomUserData: must be at most ${MAX_CUSTOM_USER_DATA_BYTES} bytes long in UTF-8 encoding`)
    }
  }
}

export const createPlatformEndpoint = defineAction({
  name: 'CreatePlatformEndpoint',
  input: Type.Object({
    platform_application_arn: Type.String(),
    token: Type.String(),
    custom_user_data: Type.Optional(Type.String()),
    attributes: Type.Optional(AttributeMap())
  }),
  output: Type.Object({ endpoint_arn: Type.String() }),
  invalid,
  async handle (ctx, input) {
    const app = requireApplication(ctx, input.platform_application_arn)
    if (input.token === '') throw new ServiceError('SNS_INVALID_PARAMETER', 'Invalid parameter: Token Reason: cannot be empty')
    checkEndpointAttributes(input.attributes ?? {})
    // CustomUserData given both ways: the one in Attributes wins, as in AWS.
    const attributes: Record<string, string> = { Enabled: 'true', ...(input.custom_user_data === undefined ? {} : { CustomUserData: input.custom_user_data }), ...input.attributes, Token: input.token }
    const same = Object.values(ctx.topics.resources.endpoints).find((e) => e.applicationArn === app.arn && e.attributes.Token === input.token)
    if (same !== undefined) {
      const differs = Object.entries(attributes).some(([k, v]) => same.attributes[k] !== v)
      if (differs) throw new ServiceError('SNS_INVALID_PARAMETER', `Invalid parameter: Token Reason: Endpoint ${same.arn} already exists with the same Token, but different attributes.`)
      return { endpoint_arn: same.arn }
    }
    const arn = `arn:aws:sns:${ctx.scope.region}:${ctx.scope.accountId}:endpoint/${app.platform}/${app.name}/${randomUUID()}`
    await ctx.topics.changeResources((r) => { r.endpoints[arn] = { arn, applicationArn: app.arn, attributes } })
    return { endpoint_arn: arn }
  }
})

export const deleteEndpoint = defineAction({
  name: 'DeleteEndpoint',
  input: Type.Object({ endpoint_arn: Type.String() }),
  output: Empty,
  invalid,
  async handle (ctx, input) {
    await ctx.topics.changeResources((r) => { delete r.endpoints[input.endpoint_arn] })
    return {}
  }
})

export const getEndpointAttributes = defineAction({
  name: 'GetEndpointAttributes',
  input: Type.Object({ endpoint_arn: Type.String() }),
  output: Type.Object({ attributes: Type.Optional(AttributeMap()) }),
  invalid,
  async handle (ctx, input) {
    return { attributes: { ...requireEndpoint(ctx, input.endpoint_arn).attributes } }
  }
})

export const setEndpointAttributes = defineAction({
  name: 'SetEndpointAttributes',
  input: Type.Object({ endpoint_arn: Type.String(), attributes: AttributeMap() }),
  output: Empty,
  invalid,
  async handle (ctx, input) {
    const endpoint = requireEndpoint(ctx, input.endpoint_arn)
    checkEndpointAttributes(input.attributes)
    await ctx.topics.changeResources(() => { endpoint.attributes = { ...endpoint.attributes, ...input.attributes } })
    return {}
  }
})

export const listEndpointsByPlatformApplication = defineAction({
  name: 'ListEndpointsByPlatformApplication',
  input: Type.Object({ platform_application_arn: Type.String(), next_token: Type.Optional(NextToken) }),
  output: Type.Object({
    endpoints: Type.Optional(Type.Array(Type.Object({ endpoint_arn: Type.String(), attributes: AttributeMap() }))),
    next_token: Type.Optional(Type.String())
  }),
  invalid,
  async handle (ctx, input) {
    const app = requireApplication(ctx, input.platform_application_arn)
    const endpoints = Object.values(ctx.topics.resources.endpoints).filter((e) => e.applicationArn === app.arn).sort((a, b) => (a.arn < b.arn ? -1 : 1))
    const { page, next } = pageOf(ctx, 'ListEndpointsByPlatformApplication', endpoints, (e) => e.arn, input.next_token)
    return { endpoints: page.map((e) => ({ endpoint_arn: e.arn, attributes: { ...e.attributes } })), ...(next === undefined ? {} : { next_token: next }) }
  }
})
