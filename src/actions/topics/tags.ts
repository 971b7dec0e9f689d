/**
 * Topic tags: keys 1 to 128 characters, values up to 256, at most 50 per topic (AWS).
 */
import { ServiceError } from '../../errors.js'

export const MAX_TAGS = 50

export interface TagInput { readonly key: string, readonly value: string }

/** TagResource refuses a key named twice, as AWS does, rather than keeping the last value. */
export function checkDistinctTagKeys (list: readonly TagInput[]): void {
  if (new Set(list.map((t) => t.key)).size !== list.length) throw new ServiceError('SNS_INVALID_PARAMETER', 'Invalid parameter: Duplicated keys are not allowed.')
}

export function tagsOf (list: readonly TagInput[]): Record<string, string> {
  const out: Record<string, string> = {}
  for (const { key, value } of list) out[key] = value
  return out
}

export function checkTags (tags: Record<string, string>, existing: Record<string, string> = {}): void {
  for (const [key, value] of Object.entries(tags)) {
    if (key.length < 1 || key.length > 128 || key.startsWith('aws:')) throw new ServiceError('SNS_TAG_POLICY', `Invalid tag key: ${key}. A tag key is 1 to 128 characters and does not start with aws:.`)
    if (value.length > 256) throw new ServiceError('SNS_TAG_POLICY', `Invalid tag value for key ${key}: a tag value is at most 256 characters.`)
  }
  const count = new Set([...Object.keys(existing), ...Object.keys(tags)]).size
  if (count > MAX_TAGS) throw new ServiceError('SNS_TAG_LIMIT', 'Could not complete request: tag quota of per resource exceeded')
}
