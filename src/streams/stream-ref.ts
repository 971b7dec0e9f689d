/**
 * How a call names a stream: by name within the caller's account and region, or by ARN,
 * which may name another account's stream.
 */
import { ServiceError } from '../errors.js'
import { scopeOf, type Scope } from '../scope.js'

export interface StreamRef {
  readonly stream_name?: string | undefined
  readonly stream_arn?: string | undefined
}

/** The ARN of a stream: `arn:aws:kinesis:<region>:<account>:stream/<name>`. */
export function streamArn (scope: Scope, name: string): string {
  return `arn:aws:kinesis:${scope.region}:${scope.accountId}:stream/${name}`
}

// shardline serves the `aws` partition; an ARN of another (aws-cn, aws-us-gov) names no stream here.
const STREAM_ARN = /^arn:aws:kinesis:([^:]*):([^:]*):stream\/(.+)$/

/** The scope and name a stream ARN names, or undefined when it is not one of this partition's stream ARNs. */
export function parseStreamArn (arn: string): { region: string, accountId: string, name: string } | undefined {
  const match = STREAM_ARN.exec(arn)
  return match === null ? undefined : { region: match[1]!, accountId: match[2]!, name: match[3]! }
}

/**
 * The scope and name a reference names. An ARN names its own account, which may be
 * another than the caller's (AWS lets resource policies share a stream across
 * accounts; the registry's `require` enforces them), and must name the caller's region:
 * a regional endpoint only knows its own region's streams.
 */
export function resolveStreamRef (scope: Scope, ref: StreamRef): { scope: Scope, name: string } {
  const { stream_name: name, stream_arn: arn } = ref
  if (arn === undefined || arn === '') {
    if (name === undefined || name === '') {
      throw new ServiceError('VALIDATION_FAILED', 'Either stream_name or stream_arn must be provided.')
    }
    return { scope, name }
  }
  const parsed = parseStreamArn(arn)
  if (parsed === undefined) {
    throw new ServiceError('STREAM_NOT_FOUND', `Stream ${arn} not found: a stream ARN has the form arn:aws:kinesis:<region>:<account-id>:stream/<name>.`)
  }
  if (parsed.region !== scope.region) {
    throw new ServiceError('STREAM_NOT_FOUND', `Stream ${arn} not found: it names region ${parsed.region}, and this request was made in region ${scope.region}.`)
  }
  if (name !== undefined && name !== '' && name !== parsed.name) {
    throw new ServiceError('INVALID_ARGUMENT', `stream_name ${name} and stream_arn ${arn} name different streams; give one of them, or both for the same stream.`)
  }
  return { scope: parsed.accountId === scope.accountId ? scope : scopeOf(parsed.accountId, parsed.region), name: parsed.name }
}
