/**
 * Records rendered ahead as JSON (src/http/records-renderer.ts) must be byte for byte what
 * the response writer writes for the same records' output shapes, for any page a call can
 * take from the run (any prefix), however the run arrived in batches.
 */
import { describe, expect, it } from 'vitest'
import { recordShape } from '../src/actions/streams/shapes.js'
import { writeAwsJson } from '../src/http/json-writer.js'
import { jsonRecordsRenderer } from '../src/http/records-renderer.js'
import { labelOf, type RecordLabels } from '../src/streams/encryption.js'
import { RENDERED_RECORDS } from '../src/streams/read-ahead.js'
import type { StoredRecord } from '../src/storage/store.js'

const KEYS = ['plain', 'ü "quoted" \\ back\nline \u2028 \u0001 😀', '', 'k'.repeat(256), 'ключ']

function record (i: number): StoredRecord {
  // Data below and above the writer's 256-byte direct-write threshold, and none at all.
  const size = [0, 1, 2, 3, 255, 256, 1024, 5000][i % 8]!
  return { ts: 1_767_225_600_000 + i * 37, counter: i, partitionKey: KEYS[i % KEYS.length]!, data: Buffer.alloc(size, i) }
}

const sequenceNumber = (i: number): string => `4${String(i).padStart(55, '0')}`

/** The response a call returns, written the ordinary way or from the rendering. */
function response (records: StoredRecord[], rendered?: unknown, labels: RecordLabels = undefined): Buffer {
  const shapes = records.map((r) => recordShape(r, sequenceNumber(r.counter), labelOf(labels, r.ts)))
  if (rendered !== undefined) Object.defineProperty(shapes, RENDERED_RECORDS, { value: rendered })
  return writeAwsJson({ records: shapes, next_shard_iterator: 'it', millis_behind_latest: 12 })
}

describe('JSON records rendered ahead', () => {
  const run = Array.from({ length: 600 }, (_, i) => record(i))
  const rendering = jsonRecordsRenderer.begin()
  // Batches as storage hands them over, of uneven sizes.
  for (const [from, to] of [[0, 1], [1, 250], [250, 599], [599, 600]] as const) {
    const batch = run.slice(from, to)
    rendering.add(batch, batch.map((r) => sequenceNumber(r.counter)), undefined)
  }
  const rendered = rendering.finish()

  it.each([1, 2, 7, 256, 599, 600])('writes a page of the first %i records exactly as the writer does', (count) => {
    const page = run.slice(0, count)
    expect(response(page, rendered.prefix(count)).toString('latin1')).toBe(response(page).toString('latin1'))
  })

  it.each<[string, RecordLabels]>([
    ['all encrypted', 'KMS'],
    // Encryption started at the arrival of the 300th record and stopped at the 450th's.
    ['straddling a start and a stop of encryption', (ts) => ts >= run[300]!.ts && ts < run[450]!.ts ? 'KMS' : undefined]
  ])('writes encrypted records exactly as the writer does: %s', (_, labels) => {
    const encrypted = jsonRecordsRenderer.begin()
    for (const [from, to] of [[0, 299], [299, 301], [301, 600]] as const) {
      const batch = run.slice(from, to)
      encrypted.add(batch, batch.map((r) => sequenceNumber(r.counter)), labels)
    }
    const done = encrypted.finish()
    for (const count of [1, 300, 301, 451, 600]) {
      const page = run.slice(0, count)
      expect(response(page, done.prefix(count), labels).toString('latin1')).toBe(response(page, undefined, labels).toString('latin1'))
    }
    const parsed = JSON.parse(response(run, done.prefix(600), labels).toString('utf8')) as { Records: Array<{ EncryptionType?: string }> }
    const kms = parsed.Records.map((r, i) => [i, r.EncryptionType] as const).filter(([, type]) => type === 'KMS').map(([i]) => i)
    expect(kms).toEqual(typeof labels === 'function' ? Array.from({ length: 150 }, (_, i) => 300 + i) : Array.from({ length: 600 }, (_, i) => i))
    expect(parsed.Records.every((r) => r.EncryptionType === undefined || r.EncryptionType === 'KMS')).toBe(true)
  })

  it('is what JSON.parse reads back as the records', () => {
    const parsed = JSON.parse(response(run.slice(0, 3), rendered.prefix(3)).toString('utf8')) as { Records: Array<{ PartitionKey: string, Data: string, ApproximateArrivalTimestamp: number }> }
    expect(parsed.Records.map((r) => r.PartitionKey)).toEqual(KEYS.slice(0, 3))
    expect(parsed.Records.map((r) => Buffer.from(r.Data, 'base64').byteLength)).toEqual([0, 1, 2])
    expect(parsed.Records[1]!.ApproximateArrivalTimestamp).toBe(1_767_225_600.037)
  })
})
