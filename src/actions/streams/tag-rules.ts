/**
 * The tag rules of TagResource and of the tags RegisterStreamConsumer takes, beyond what
 * the schemas say (lengths, count per call): AddTagsToStream's reserved prefix and its
 * 50 tags per resource, and the characters AWS allows.
 */
import { ServiceError } from '../../errors.js'
import { MAX_TAGS } from './add-tags-to-stream.js'
import { rejectReservedTagKeys } from './rules.js'

/** AWS: "Unicode letters, digits, white space, or these symbols: _ . : / = + - @". */
const TAG_TEXT = /^[\p{L}\p{N}\p{Zs}_.:/=+\-@]*$/u

/** Refuses reserved keys and characters outside AWS's set, in keys and values alike. */
export function checkTags (tags: Record<string, string>): void {
  const keys = Object.keys(tags)
  rejectReservedTagKeys(keys)
  const bad = keys.find((key) => !TAG_TEXT.test(key) || !TAG_TEXT.test(tags[key]!))
  if (bad !== undefined) {
    throw new ServiceError('INVALID_ARGUMENT', `Tag ${bad} has a character tags may not hold: keys and values take Unicode letters, digits, white space and _ . : / = + - @.`)
  }
}

/** `current` with `added` over it, if the resource may hold that many tags. */
export function mergeTags (current: Record<string, string> | undefined, added: Record<string, string>, resource: string): Record<string, string> {
  const merged = { ...current, ...added }
  const count = Object.keys(merged).length
  if (count > MAX_TAGS) {
    throw new ServiceError('LIMIT_EXCEEDED', `Failed to add tags to ${resource}: a resource can have at most ${MAX_TAGS} tags, and this would make ${count}.`)
  }
  return merged
}
