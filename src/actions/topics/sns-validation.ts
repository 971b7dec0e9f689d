/**
 * SNS words validation errors its own way: a missing member is a ValidationError ("1
 * validation error detected: Value null at 'topicArn' failed to satisfy constraint: Member
 * must not be null"), anything else an InvalidParameter naming the member ("Invalid
 * parameter: TopicArn"). Members are named as AWS names them, over gRPC too.
 */
import { ServiceError } from '../../errors.js'
import type { InputProblem } from '../validation.js'

const ACRONYMS: Record<string, string> = { aws: 'AWS', arn: 'Arn', sms: 'SMS', id: 'Id' }

/** SNS's member names: `topic_arn` -> `TopicArn`, `aws_account_id` -> `AWSAccountId`. */
export function snsName (snake: string): string {
  return snake.split('_').map((w) => ACRONYMS[w] ?? (w.charAt(0).toUpperCase() + w.slice(1))).join('')
}

function lowerFirst (s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1)
}

/** Input members that are maps: the segment after one is a key, kept as the caller wrote it. */
const MAPS = new Set(['message_attributes', 'attributes'])

/**
 * AWS's path to a member in a ValidationError: members in lowerCamelCase, and each list
 * entry (numbered from 1) and map entry followed by `member`:
 * `publishBatchRequestEntries.1.member.messageAttributes.attr1.member.dataType`.
 */
function awsPath (path: readonly unknown[]): string {
  const out: string[] = []
  for (let i = 0; i < path.length; i++) {
    const segment = path[i]
    if (i > 0 && MAPS.has(String(path[i - 1]))) out.push(String(segment), 'member')
    else if (typeof segment === 'number') out.push(String(segment + 1), 'member')
    else out.push(lowerFirst(snsName(String(segment))))
  }
  return out.join('.')
}

export function snsInvalid (problems: readonly InputProblem[]): ServiceError {
  const problem = problems.find((p) => p.keyword === 'required') ?? problems[0]
  if (problem === undefined) return new ServiceError('SNS_INVALID_PARAMETER', 'Invalid parameter: the request is not valid.')
  const awsName = (problem.schema as { awsName?: string } | undefined)?.awsName
  const names = problem.path.filter((s): s is string => typeof s === 'string').map(snsName)
  const name = awsName ?? names.join('.')
  if (problem.keyword === 'required') {
    return new ServiceError('SNS_MISSING_PARAMETER', `1 validation error detected: Value null at '${problem.path.length > 0 ? awsPath(problem.path) : lowerFirst(name)}' failed to satisfy constraint: Member must not be null`)
  }
  return new ServiceError('SNS_INVALID_PARAMETER', `Invalid parameter: ${name}`)
}
