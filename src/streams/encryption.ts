/**
 * Server-side encryption as records carry it. Kinesis stores each record with the
 * encryption that was on when it arrived, so a record written before StartStreamEncryption
 * stays unencrypted and one written before StopStreamEncryption stays encrypted. No record
 * is encrypted here (there is no KMS): the label is what a reader is told.
 *
 * The label is not stored per record, which would cost the write and read paths a field
 * each: a stream keeps the times its encryption changed, and a record's label follows from
 * its arrival time. A change takes effect after every record already written (see
 * `changeAt`), so a record's label never changes once it is written, and a page read (or
 * rendered) ahead of its call keeps the labels it was given.
 */

export type EncryptionType = 'NONE' | 'KMS'

/** What a record says of its encryption: KMS, or nothing for an unencrypted record (as AWS leaves it out). */
export type RecordEncryption = 'KMS' | undefined

/** Records that arrive at or after `from` are stored with `type`, until the next change. */
export interface EncryptionChange {
  readonly from: number
  readonly type: EncryptionType
}

/** The labels of a run of records: one for all of them (the usual case), or one per arrival time when the run straddles a change. */
export type RecordLabels = RecordEncryption | ((ts: number) => RecordEncryption)

export function encryptionAt (history: readonly EncryptionChange[] | undefined, ts: number): RecordEncryption {
  if (history === undefined) return undefined
  for (let i = history.length - 1; i >= 0; i--) {
    const change = history[i]!
    if (ts >= change.from) return change.type === 'KMS' ? 'KMS' : undefined
  }
  return undefined
}

/**
 * The labels of records in arrival order (a shard's order): computed once for the run
 * unless a change falls between its first and last record.
 */
export function labelsOf (history: readonly EncryptionChange[] | undefined, records: ReadonlyArray<{ readonly ts: number }>): RecordLabels {
  if (history === undefined || history.length === 0 || records.length === 0) return undefined
  const first = encryptionAt(history, records[0]!.ts)
  const last = records[records.length - 1]!.ts
  // Labels are constant between changes: none between the two ends means one for all.
  const straddles = history.some((c) => c.from > records[0]!.ts && c.from <= last)
  return straddles ? (ts) => encryptionAt(history, ts) : first
}

/** The label of a record of a run, by its arrival time. */
export function labelOf (labels: RecordLabels, ts: number): RecordEncryption {
  return typeof labels === 'function' ? labels(ts) : labels
}

/**
 * The history with a change to `type` from `from` on. Changes older than `horizon` (the
 * retention horizon) are dropped once a later one also precedes it: no retained record
 * can carry them.
 */
export function withChange (history: readonly EncryptionChange[] | undefined, type: EncryptionType, from: number, horizon: number): EncryptionChange[] | undefined {
  const kept = (history ?? []).filter((c, i, all) => all[i + 1] === undefined || all[i + 1]!.from > horizon)
  const current = kept[kept.length - 1]?.type ?? 'NONE'
  if (current === type) return kept.length === 0 ? undefined : kept
  return [...kept, { from, type }]
}

/**
 * When a change asked for at `now` takes effect: once the stream is ACTIVE again (`activeAt`,
 * with a state-transition delay), and in any case after every record already written
 * (`newestArrival`), so no written record's label changes. As in AWS, records put within
 * that moment after the call may still carry the old encryption.
 */
export function changeAt (now: number, activeAt: number | undefined, newestArrival: number): number {
  return Math.max(activeAt ?? now + 1, newestArrival + 1)
}
