/**
 * SNS on the AWS Query protocol (botocore's SNS model is `query` only): the service
 * description the shared Query codec (query-api.ts) serves, Version 2010-03-31, answers in
 * SNS's namespace. The member layout (`member` lists, `entry` maps, MessageAttributes'
 * Name/Value) comes from the actions' schemas (src/actions/topics/fields.ts).
 */
import type { AnyAction } from '../actions/index.js'
import { snsName } from '../actions/topics/sns-validation.js'
import { defaultQueryError, type QueryService } from './query-services.js'

export const SNS_VERSION = '2010-03-31'
export const SNS_NAMESPACE = `http://sns.amazonaws.com/doc/${SNS_VERSION}/`

export function snsQueryService (actions: readonly AnyAction[]): QueryService {
  return {
    signingName: 'sns',
    version: SNS_VERSION,
    xmlNamespace: SNS_NAMESPACE,
    actions,
    namer: snsName,
    queryError: defaultQueryError
  }
}
