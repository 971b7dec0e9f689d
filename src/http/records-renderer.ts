/**
 * Renders GetRecords records as the HTTP API's JSON ahead of the call that returns them
 * (see src/streams/read-ahead.ts): a JSON page of 10,000 1 KiB records is 15 MB, and
 * writing it, base64 above all, takes tens of milliseconds that the server can spend
 * while the consumer is still parsing the previous page. Records are added batch by
 * batch as storage returns them, so rendering overlaps the read.
 *
 * A record is written as the response writer writes its output shape (recordShape):
 * the same members in the same order, with the writer's own string, number and base64
 * rules, but without building the shape or looking its member names up one by one. A
 * test holds the two byte for byte equal.
 */
import { awsName } from './aws-shapes.js'
import { labelOf, type RecordEncryption } from '../streams/encryption.js'
import type { PageRenderer, RunRendering } from '../streams/read-ahead.js'
import type { StoredRecord } from '../storage/store.js'
import { ByteWriter, jsonNumber } from './json-writer.js'

const member = (key: string): string => `${JSON.stringify(awsName(key))}:`
const OPEN_SEQUENCE_NUMBER = `{${member('sequence_number')}`
const ARRIVAL = `,${member('approximate_arrival_timestamp')}`
const DATA = `,${member('data')}`
const PARTITION_KEY = `,${member('partition_key')}`
const ENCRYPTED = `,${member('encryption_type')}"KMS"}`

/** Records committed together share their arrival time: its text is worked out once. */
interface ArrivalText {
  ts: number
  seconds: string
}

function writeRecord (out: ByteWriter, record: StoredRecord, sequenceNumber: string, arrival: ArrivalText, encryption: RecordEncryption): void {
  if (record.ts !== arrival.ts) {
    // Epoch seconds, as the writer turns every *_timestamp member's milliseconds.
    arrival.seconds = jsonNumber(record.ts / 1000)
    arrival.ts = record.ts
  }
  // A sequence number is decimal digits (sequence-number.ts): no escaping to look for.
  out.ascii(OPEN_SEQUENCE_NUMBER + '"' + sequenceNumber + '"' + ARRIVAL + arrival.seconds + DATA)
  out.base64(record.data)
  out.ascii(PARTITION_KEY)
  out.string(record.partitionKey)
  // An encrypted record says so last, as recordShape puts it; an unencrypted one says nothing.
  out.ascii(encryption === undefined ? '}' : ENCRYPTED)
}

/** The first `bytes` bytes of `chunks`, as views of them. */
function leading (chunks: readonly Buffer[], bytes: number): Buffer[] {
  const out: Buffer[] = []
  let left = bytes
  for (const chunk of chunks) {
    if (left <= 0) break
    out.push(left >= chunk.byteLength ? chunk : chunk.subarray(0, left))
    left -= chunk.byteLength
  }
  return out
}

export const jsonRecordsRenderer: PageRenderer = {
  begin (): RunRendering {
    const out = new ByteWriter()
    /** Where each record's JSON ends; the comma before the next is not part of it. */
    const ends: number[] = []
    const arrival: ArrivalText = { ts: Number.NaN, seconds: '' }
    return {
      add (records, sequenceNumbers, labels) {
        for (let i = 0; i < records.length; i++) {
          if (ends.length > 0) out.ascii(',')
          const record = records[i]!
          writeRecord(out, record, sequenceNumbers[i]!, arrival, labelOf(labels, record.ts))
          ends.push(out.position)
        }
      },
      finish () {
        // Kept as the chunks they were written into: the response takes them as they are.
        const chunks = out.chunks()
        return { prefix: (count) => leading(chunks, count === 0 ? 0 : ends[count - 1]!) }
      }
    }
  }
}
