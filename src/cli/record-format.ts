/**
 * How `shardline tail` shows a record's data: as UTF-8 text, as JSON (compact, one line),
 * as hex or as base64.
 */
export const DECODINGS = ['text', 'json', 'hex', 'base64'] as const
export type Decoding = typeof DECODINGS[number]

export interface ShownRecord {
  readonly shardId: string
  readonly sequenceNumber: string
  readonly partitionKey: string
  readonly approximateArrivalTimestamp: number
  readonly data: Buffer
}

/** Control characters would move the cursor or ring the bell: shown escaped. */
function printable (text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).replace(/\n/g, '\\n')
}

export function decodeData (data: Buffer, decoding: Decoding): string {
  switch (decoding) {
    case 'hex': return data.toString('hex')
    case 'base64': return data.toString('base64')
    case 'json':
      try {
        return JSON.stringify(JSON.parse(data.toString('utf8')))
      } catch {
        return `(not JSON) ${printable(data.toString('utf8'))}`
      }
    case 'text': return printable(data.toString('utf8'))
  }
}

/** One line: arrival time, shard, partition key, sequence number, data. */
export function formatRecord (record: ShownRecord, decoding: Decoding): string {
  return `${new Date(record.approximateArrivalTimestamp).toISOString()}  ${record.shardId}  ${JSON.stringify(record.partitionKey)}  ${record.sequenceNumber}  ${decodeData(record.data, decoding)}`
}
