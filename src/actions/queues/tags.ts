/**
 * Queue tags: keys 1 to 128 characters, values up to 256 (may be empty); AWS recommends
 * at most 50 per queue and shardline holds it to that.
 */
import { Type } from '@sinclair/typebox'
import { ServiceError } from '../../errors.js'

export const MAX_TAGS = 50

export function TagsInput (options: Record<string, unknown> = {}) {
  return Type.Record(Type.String(), Type.String({ maxLength: 256, reason: 'A tag value is at most 256 characters.' }), {
    queryName: 'Tag',
    queryKey: 'Key',
    queryValue: 'Value',
    ...options
  })
}

export function checkTags (tags: Record<string, string>, existing: Record<string, string> = {}): void {
  for (const key of Object.keys(tags)) {
    if (key.length < 1 || key.length > 128) {
      throw new ServiceError('INVALID_PARAMETER_VALUE', `Value ${key} for parameter TagKey is invalid. Reason: A tag key is 1 to 128 characters.`)
    }
  }
  const count = new Set([...Object.keys(existing), ...Object.keys(tags)]).size
  if (count > MAX_TAGS) {
    throw new ServiceError('INVALID_PARAMETER_VALUE', `Too many tags: a queue takes at most ${MAX_TAGS}, and this would give it ${count}.`)
  }
}
