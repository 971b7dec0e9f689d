/**
 * The one set of tag rules of every Kinesis operation that takes tags (AddTagsToStream,
 * CreateStream's Tags, TagResource, RegisterStreamConsumer's Tags) and of the keys
 * RemoveTagsFromStream names: what the schemas cannot say (TagKey and TagValue lengths and
 * the count per call are in fields.ts), as data, applied in AWS's order once the resource
 * is found. AWS's words are the ones it gives for AddTagsToStream; `failed` starts them
 * ("Failed to add tags to stream s under account 000000000000").
 */
import { ServiceError } from '../../errors.js'

/** A resource (stream or consumer) holds at most 50 tags. */
export const MAX_TAGS = 50

interface TagRule {
  /** What each key and value must match (`keysOnly`: each key). */
  readonly allowed: RegExp
  readonly keysOnly?: boolean
  readonly message: (failed: string, offending: string) => string
}

/**
 * AWS's tag characters: Unicode letters, digits, white space and _ . : / = + - @ (':'
 * included, as in every AWS service's tags), then Kinesis's own refusal of `%`, which its
 * first check lets through. Tabs and line breaks are not white space here.
 */
const TAG_RULES: readonly TagRule[] = [
  {
    allowed: /^(?!aws:)/i,
    keysOnly: true,
    message: (_failed, key) => `Tag key ${key} uses the reserved prefix 'aws:'; choose a key without it.`
  },
  {
    allowed: /^[\p{L}\p{N}\p{Zs}_.:/=+\-@%]*$/u,
    message: () => 'Some tags contain invalid characters. Valid characters: Unicode letters, digits, white space, _ . / = + - % @.'
  },
  {
    allowed: /^[^%]*$/,
    message: (failed) => `${failed} because some tags contained illegal characters. The allowed characters are Unicode letters, white-spaces, '_',',','/','=','+','-','@'.`
  }
]

/** Applies the rules to tags given as a map (keys and values) or as keys alone. */
function check (keys: readonly string[], values: readonly string[], failed: string, rules: readonly TagRule[]): void {
  for (const rule of rules) {
    const offending = keys.find((k) => !rule.allowed.test(k)) ?? (rule.keysOnly === true ? undefined : values.find((v) => !rule.allowed.test(v)))
    if (offending !== undefined) throw new ServiceError('INVALID_ARGUMENT', rule.message(failed, offending))
  }
}

/** Refuses tags that break a rule: a reserved key, or a character outside AWS's set. */
export function checkTags (tags: Record<string, string>, failed: string): void {
  check(Object.keys(tags), Object.values(tags), failed, TAG_RULES)
}

/** Refuses tag keys (RemoveTagsFromStream) with a character outside AWS's set. */
export function checkTagKeys (keys: readonly string[], failed: string): void {
  check(keys, [], failed, TAG_RULES.filter((r) => r.keysOnly !== true))
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
