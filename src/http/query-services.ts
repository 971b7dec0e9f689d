/**
 * The services the AWS Query protocol serves (SQS; SNS plugs in the same way), keyed by
 * the SigV4 signing name of their credential scope. A service is data: its API version,
 * its XML namespace, its actions (compiled once into shape trees), how its member names
 * are spelled, and how its errors read. The Query codec (query-api.ts) is the same for all.
 *
 * SQS and SNS share action names (AddPermission, ListTagsForResource...), so a request is
 * matched by its credential scope's service first, then by its `Version`, and only then
 * by an action name no other service has.
 */
import type { AnyAction } from '../actions/index.js'
import { ERROR_CODES, type ErrorSpec, type ServiceError } from '../errors.js'
import { compileAction, type CompiledAction, type MemberNamer } from './shape-table.js'
import type { QueryErrorXml } from './xml-answers.js'

export interface QueryService {
  /** The credential scope's service (`sqs`, `sns`). */
  readonly signingName: string
  /** The `Version` parameter its requests carry (`2012-11-05`). */
  readonly version: string
  /** The namespace of its XML answers. */
  readonly xmlNamespace: string
  readonly actions: readonly AnyAction[]
  /** Its member names from the actions' snake_case keys. */
  readonly namer: MemberNamer
  /**
   * The input member a request's path stands in for when the parameters leave it out, and
   * its value for a path (SQS: QueueUrl, for a request POSTed to the queue's URL).
   */
  readonly path?: { readonly member: string, readonly value: (path: string, origin: string | undefined) => string | undefined }
  /** Its errors' Type, Code and Message in `<ErrorResponse>`. */
  readonly queryError: (error: ServiceError) => QueryErrorXml
  /** Where the service reads a decoded Query input differently from the same input over JSON. */
  readonly readQueryInput?: (action: string, input: Record<string, unknown>) => void
}

/** The catalogue's Query names of an error: `queryCode` (else the JSON name), whose fault, and the Query wording. */
export function defaultQueryError (error: ServiceError): QueryErrorXml {
  const spec: ErrorSpec = ERROR_CODES[error.code]
  return {
    type: (spec.senderFault ?? spec.httpStatus < 500) ? 'Sender' : 'Receiver',
    code: spec.queryCode ?? spec.awsType,
    message: error.queryMessage ?? error.message
  }
}

export interface RegisteredService {
  readonly service: QueryService
  readonly actions: ReadonlyMap<string, CompiledAction<AnyAction>>
}

export class QueryRegistry {
  private readonly bySigningName = new Map<string, RegisteredService>()
  private readonly byVersion = new Map<string, RegisteredService>()
  private readonly all: RegisteredService[] = []

  constructor (services: readonly QueryService[]) {
    for (const service of services) {
      const registered: RegisteredService = {
        service,
        actions: new Map(service.actions.map((a) => [a.name, compileAction(a, service.namer, service.path?.member)]))
      }
      this.bySigningName.set(service.signingName, registered)
      this.byVersion.set(service.version, registered)
      this.all.push(registered)
    }
  }

  /** The service a request is for, or undefined when nothing tells. */
  pick (signingName: string, version: string | null, action: string): RegisteredService | undefined {
    const bySigner = this.bySigningName.get(signingName)
    if (bySigner !== undefined) return bySigner
    if (version !== null) return this.byVersion.get(version)
    // Neither the scope nor a Version says: an action only one service has.
    const owners = this.all.filter((s) => s.actions.has(action))
    return owners.length === 1 ? owners[0] : undefined
  }

  /** Any registered service, to word a refusal that names none. */
  get first (): RegisteredService | undefined {
    return this.all[0]
  }
}
