import { Type } from '@sinclair/typebox'
import { ServiceError } from '../../errors.js'
import { isFifoTopicName, isValidTopicName, MAX_TOPICS } from '../../topics/topic-model.js'
import { defineAction } from '../action.js'
import { AttributeMap, invalid, TagList } from './fields.js'
import { checkTags, tagsOf } from './tags.js'
import { archivePolicyChanges, checkTopicAttribute, DATA_PROTECTION_POLICY, defaultPolicy, firstDifference } from './topic-attributes.js'

export const createTopic = defineAction({
  name: 'CreateTopic',
  input: Type.Object({
    name: Type.String(),
    attributes: Type.Optional(AttributeMap()),
    tags: Type.Optional(TagList),
    data_protection_policy: Type.Optional(Type.String())
  }),
  output: Type.Object({ topic_arn: Type.String() }),
  invalid,
  async handle (ctx, input) {
    const name = input.name
    const attributes = { ...input.attributes }
    const fifoAsked = attributes.FifoTopic === 'true'
    if (isFifoTopicName(name) !== fifoAsked || !isValidTopicName(name)) {
      // AWS: a `.fifo` name needs FifoTopic true, and FifoTopic true needs a `.fifo` name;
      // AWS answers every name problem with the same text.
      throw new ServiceError('SNS_INVALID_PARAMETER', 'Invalid parameter: Topic Name')
    }
    const fifo = fifoAsked
    // AWS keeps no explicit FifoTopic false.
    if (attributes.FifoTopic === 'false') delete attributes.FifoTopic
    for (const [attr, value] of Object.entries(attributes)) checkTopicAttribute(attr, value, fifo, true)
    const tags = tagsOf(input.tags ?? [])
    const existing = ctx.topics.get(name)
    if (existing !== undefined) {
      const differs = firstDifference(existing, attributes)
      if (differs !== undefined) throw new ServiceError('SNS_INVALID_PARAMETER', 'Invalid parameter: Attributes Reason: Topic already exists with different attributes')
      for (const [key, value] of Object.entries(tags)) {
        if (existing.state.tags[key] !== value) throw new ServiceError('SNS_INVALID_PARAMETER', 'Invalid parameter: Tags Reason: Topic already exists with different tags')
      }
      return { topic_arn: existing.arn }
    }
    checkTags(tags)
    if (ctx.config.limits === 'aws' && ctx.topics.list().length >= MAX_TOPICS) throw new ServiceError('SNS_TOPIC_LIMIT', `Topic limit exceeded: an account takes ${MAX_TOPICS} topics per region.`)
    const initial: Record<string, string> = { Policy: defaultPolicy(ctx.topics.arnOf(name), ctx.scope), ...attributes }
    if (attributes.ArchivePolicy !== undefined) {
      for (const [attr, value] of archivePolicyChanges({}, attributes.ArchivePolicy, ctx.config.clock())) {
        if (value === undefined) delete initial[attr]
        else initial[attr] = value
      }
    }
    if (input.data_protection_policy !== undefined && input.data_protection_policy !== '') initial[DATA_PROTECTION_POLICY] = input.data_protection_policy
    const { topic } = await ctx.topics.create(name, initial, tags)
    return { topic_arn: topic.arn }
  }
})
