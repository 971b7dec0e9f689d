/**
 * How the Query layer tells services apart when more than SQS is registered (SNS plugs in
 * so): the credential scope's service first, then `Version`, then an action only one
 * service has; and a second service's actions compile into shape trees of their own names.
 */
import { Type } from '@sinclair/typebox'
import { describe, expect, it } from 'vitest'
import { defineAction } from '../src/actions/action.js'
import { QUEUE_ACTIONS, type AnyAction } from '../src/actions/index.js'
import { sqsName } from '../src/actions/queues/sqs-validation.js'
import { defaultQueryError, QueryRegistry } from '../src/http/query-services.js'
import { decodeQueryStruct, encodeXmlStruct, paramTree } from '../src/http/shape-query.js'
import { sqsQueryService } from '../src/http/sqs-api.js'

// A stand-in for SNS: an action SQS also has (AddPermission) and one of its own.
const publish = defineAction({
  name: 'Publish',
  input: Type.Object({ topic_arn: Type.String(), message: Type.String(), message_attributes: Type.Optional(Type.Record(Type.String(), Type.Object({ data_type: Type.String(), string_value: Type.Optional(Type.String()) }))) }),
  output: Type.Object({ message_id: Type.String(), tags: Type.Array(Type.String()) }),
  async handle () { return { message_id: 'm', tags: ['a', 'b'] } }
})
const addPermission = defineAction({ name: 'AddPermission', input: Type.Object({ topic_arn: Type.String() }), async handle () { return {} } })
const snsLike = {
  signingName: 'sns',
  version: '2010-03-31',
  xmlNamespace: 'http://sns.amazonaws.com/doc/2010-03-31/',
  actions: [publish, addPermission] as AnyAction[],
  namer: sqsName,
  queryError: defaultQueryError
}

const registry = new QueryRegistry([sqsQueryService(QUEUE_ACTIONS), snsLike])

describe('QueryRegistry', () => {
  it('picks by the credential scope, then by Version, then by an action only one service has', () => {
    expect(registry.pick('sns', '2012-11-05', 'AddPermission')?.service.signingName).toBe('sns')
    expect(registry.pick('sqs', null, 'AddPermission')?.service.signingName).toBe('sqs')
    expect(registry.pick('', '2010-03-31', 'AddPermission')?.service.signingName).toBe('sns')
    expect(registry.pick('kinesis', '2012-11-05', 'AddPermission')?.service.signingName).toBe('sqs')
    expect(registry.pick('', null, 'Publish')?.service.signingName).toBe('sns')
    expect(registry.pick('', null, 'AddPermission')).toBeUndefined()
    expect(registry.pick('', '1999-01-01', 'Publish')).toBeUndefined()
  })

  it('reads unflattened maps (`entry.N.key`) and writes unflattened lists (`member`) for a service whose shapes carry no Query marks', () => {
    const compiled = registry.pick('sns', null, 'Publish')!.actions.get('Publish')!
    const input = decodeQueryStruct(compiled.input, paramTree(new URLSearchParams({
      Action: 'Publish',
      TopicArn: 'arn:aws:sns:us-east-1:000000000000:t',
      Message: 'hi',
      'MessageAttributes.entry.2.key': 'b',
      'MessageAttributes.entry.2.value.DataType': 'Number',
      'MessageAttributes.entry.2.value.StringValue': '2',
      'MessageAttributes.entry.1.key': 'a',
      'MessageAttributes.entry.1.value.DataType': 'String',
      'MessageAttributes.entry.1.value.StringValue': 'one'
    })))
    expect(input).toEqual({ topic_arn: 'arn:aws:sns:us-east-1:000000000000:t', message: 'hi', message_attributes: { a: { data_type: 'String', string_value: 'one' }, b: { data_type: 'Number', string_value: '2' } } })
    expect(encodeXmlStruct(compiled.output, { message_id: 'm', tags: ['a', 'b'] })).toEqual({ MessageId: 'm', Tags: { member: ['a', 'b'] } })
  })
})
