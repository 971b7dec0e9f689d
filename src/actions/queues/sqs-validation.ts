/**
 * SQS words its validation errors its own way ("Value 11 for parameter
 * MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided."), with
 * its own codes: MissingParameter for an absent member, InvalidParameterValue for a bad
 * one, and the batch codes for batch shapes. Schemas say which: a member may carry
 * `reason` (the text after "Reason:") and `errors` (a code and message per failed JSON
 * Schema keyword; `{count}` and `{value}` in the message are filled in). Messages name
 * members as AWS does, over gRPC too: they are AWS's text.
 */
import type { TSchema } from '@sinclair/typebox'
import { ServiceError, type ErrorCode } from '../../errors.js'
import type { InputProblem } from '../validation.js'

export interface SqsErrorMark {
  readonly code: ErrorCode
  readonly message: string
}

export interface SqsMarks {
  readonly reason?: string
  readonly errors?: Partial<Record<'required' | 'minItems' | 'maxItems' | 'minLength' | 'maxLength' | 'pattern' | 'minimum' | 'maximum' | 'minProperties' | 'maxProperties', SqsErrorMark>>
  /** The member's AWS name where the naming rule does not give it. */
  readonly awsName?: string
}

const ACRONYMS: Record<string, string> = { md5: 'MD5', aws: 'AWS' }

/** SQS's member names: `md5_of_body` -> `MD5OfBody`, `queue_owner_aws_account_id` -> `QueueOwnerAWSAccountId`. */
export function sqsName (snake: string): string {
  return snake.split('_').map((w) => ACRONYMS[w] ?? (w.charAt(0).toUpperCase() + w.slice(1))).join('')
}

/**
 * A member path as SQS names it: `Entries.2.Id` (lists count from 1), with a map's key as
 * the caller gave it (`Tags.other_Key`), never renamed. `along` holds each step's schema
 * (InputProblem.along); `query` names a flattened list by its Query parameter instead
 * (`SendMessageBatchRequestEntry.2.Id`), as a Query caller spelled it.
 */
export function sqsPath (path: ReadonlyArray<string | number>, along: ReadonlyArray<TSchema | undefined> = [], query = false): string {
  return path.map((s, i) => {
    if (typeof s === 'number') return String(s + 1)
    const holder = along[i] as { properties?: Record<string, unknown> } | undefined
    if (holder !== undefined && holder.properties?.[s] === undefined) return s
    const listName = (along[i + 1] as { queryName?: string } | undefined)?.queryName
    return query && listName !== undefined && typeof path[i + 1] === 'number' ? listName : sqsName(s)
  }).join('.')
}

function show (value: unknown): string {
  if (value instanceof Uint8Array) return `<${value.byteLength} bytes>`
  if (typeof value === 'object' && value !== null) return JSON.stringify(value)
  return String(value as string | number | boolean | undefined)
}

function marksOf (schema: TSchema | undefined): SqsMarks {
  return (schema ?? {}) as SqsMarks
}

function defaultReason (problem: InputProblem): string {
  const s = (problem.schema ?? {}) as { minimum?: number, maximum?: number, enum?: unknown[] }
  switch (problem.keyword) {
    case 'minimum':
    case 'maximum':
      return s.minimum !== undefined && s.maximum !== undefined ? `Must be between ${s.minimum} and ${s.maximum}, if provided.` : `Must be ${problem.keyword === 'minimum' ? '>=' : '<='} ${String(problem.params.limit)}.`
    case 'type':
    case 'multipleOf':
      return `Must be ${problem.params.type === 'integer' || problem.keyword === 'multipleOf' ? 'an integer' : `of type ${String(problem.params.type)}`}.`
    case 'enum':
      return `Must be one of: ${(s.enum ?? []).map(String).join(', ')}.`
    case 'maxLength':
    case 'maxItems':
    case 'maxProperties':
      return `Must have at most ${String(problem.params.limit)} ${problem.keyword === 'maxLength' ? 'characters' : 'entries'}.`
    case 'minLength':
    case 'minItems':
    case 'minProperties':
      return `Must have at least ${String(problem.params.limit)} ${problem.keyword === 'minLength' ? 'characters' : 'entries'}.`
    default:
      return 'It is not a valid value.'
  }
}

/** The first failed constraint, worded as SQS words it. */
export function sqsInvalid (problems: readonly InputProblem[]): ServiceError {
  // AWS reports one problem; a missing member first, as it cannot even read the request.
  const missing = (p: InputProblem): boolean => p.keyword === 'required' || marksOf(p.schema).errors?.[p.keyword as keyof NonNullable<SqsMarks['errors']>]?.code === 'MISSING_PARAMETER'
  const problem = problems.find(missing) ?? problems[0]
  if (problem === undefined) return new ServiceError('INVALID_PARAMETER_VALUE', 'The request is not valid.')
  const marks = marksOf(problem.schema)
  const mark = marks.errors?.[problem.keyword as keyof NonNullable<SqsMarks['errors']>]
  const name = marks.awsName ?? sqsPath(problem.path, problem.along)
  const queryName = marks.awsName ?? sqsPath(problem.path, problem.along, true)
  let code: ErrorCode
  let word: (name: string) => string
  if (mark !== undefined) {
    const count = Array.isArray(problem.value) ? problem.value.length : 0
    code = mark.code
    word = (n) => mark.message.replace('{count}', String(count)).replace('{value}', show(problem.value)).replace('{name}', n)
  } else if (problem.keyword === 'required') {
    code = 'MISSING_PARAMETER'
    word = (n) => `The request must contain the parameter ${n}.`
  } else {
    code = 'INVALID_PARAMETER_VALUE'
    word = (n) => `Value ${show(problem.value)} for parameter ${n} is invalid. Reason: ${marks.reason ?? defaultReason(problem)}`
  }
  return new ServiceError(code, word(name), queryName === name ? undefined : { queryMessage: word(queryName) })
}
