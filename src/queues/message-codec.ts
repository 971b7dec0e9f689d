/**
 * The record data of a queue's message stream (`__queue.<name>`): one message, in a
 * compact, versioned binary layout, written once at send time with everything a receive
 * needs (the MD5s included, so a receive computes nothing unless it returns a subset of
 * the attributes). The README documents the layout for readers of the stream API.
 *
 * Version 1, big-endian:
 *   u8  version (1)
 *   u8  flags: 1 MD5OfMessageAttributes, 2 MD5OfMessageSystemAttributes, 4 MessageGroupId,
 *       8 MessageDeduplicationId, 16 AWSTraceHeader, 32 DeadLetterQueueSourceArn
 *   f64 SentTimestamp (ms; kept from the original queue when a message is moved)
 *   f64 visible-at (ms; 0 when the message was sent without a delay)
 *   u32 receives before this queue (a message moved from a dead-letter source keeps counting)
 *   16  MD5OfMessageBody, then 16 MD5OfMessageAttributes, 16 MD5OfMessageSystemAttributes if flagged
 *   str MessageId, SenderId, then the flagged strings in flag order (str: u16 length, UTF-8)
 *   u8  message attribute count, each: str name, str DataType, u8 kind (1 string, 2 binary),
 *       u32 length, value (UTF-8 or bytes), in name order
 *   u32 body length, body UTF-8
 */

export const MESSAGE_FORMAT_VERSION = 1

const F_MD5_ATTRS = 1
const F_MD5_SYSTEM = 2
const F_GROUP = 4
const F_DEDUP = 8
const F_TRACE = 16
const F_DLQ_SOURCE = 32

export interface MessageAttributeValue {
  readonly dataType: string
  readonly stringValue?: string | undefined
  readonly binaryValue?: Uint8Array | undefined
}

export interface QueueMessage {
  readonly messageId: string
  readonly body: string
  /** Sorted by name (ordinal), as the MD5 algorithm reads them. */
  readonly attributes: ReadonlyArray<readonly [string, MessageAttributeValue]>
  /** Lower-case hex. */
  readonly md5OfBody: string
  readonly md5OfMessageAttributes?: string | undefined
  readonly md5OfMessageSystemAttributes?: string | undefined
  readonly sentTimestamp: number
  /** When a delayed message becomes visible; 0 for none. */
  readonly visibleAt: number
  readonly priorReceiveCount: number
  readonly senderId: string
  readonly groupId?: string | undefined
  readonly deduplicationId?: string | undefined
  readonly traceHeader?: string | undefined
  readonly deadLetterSourceArn?: string | undefined
}

function strBytes (text: string | undefined): number {
  return text === undefined ? 0 : 2 + Buffer.byteLength(text, 'utf8')
}

/** The encoded size of a message, in bytes. */
export function encodedSize (m: QueueMessage): number {
  let size = 1 + 1 + 8 + 8 + 4 + 16 + strBytes(m.messageId) + strBytes(m.senderId) + 1 + 4 + Buffer.byteLength(m.body, 'utf8')
  if (m.md5OfMessageAttributes !== undefined) size += 16
  if (m.md5OfMessageSystemAttributes !== undefined) size += 16
  size += strBytes(m.groupId) + strBytes(m.deduplicationId) + strBytes(m.traceHeader) + strBytes(m.deadLetterSourceArn)
  for (const [name, value] of m.attributes) {
    size += strBytes(name) + strBytes(value.dataType) + 1 + 4 +
      (value.binaryValue !== undefined ? value.binaryValue.byteLength : Buffer.byteLength(value.stringValue ?? '', 'utf8'))
  }
  return size
}

export function encodeMessage (m: QueueMessage): Buffer {
  const out = Buffer.allocUnsafe(encodedSize(m))
  encodeMessageInto(m, out)
  return out
}

/**
 * Encodes a message at the start of `out` (exactly encodedSize(m) bytes long). A send
 * encodes its messages into one allocation: a new 8 KiB pool every seven 1 KiB messages
 * was a tenth of the send path.
 */
export function encodeMessageInto (m: QueueMessage, out: Buffer): void {
  let flags = 0
  if (m.md5OfMessageAttributes !== undefined) flags |= F_MD5_ATTRS
  if (m.md5OfMessageSystemAttributes !== undefined) flags |= F_MD5_SYSTEM
  if (m.groupId !== undefined) flags |= F_GROUP
  if (m.deduplicationId !== undefined) flags |= F_DEDUP
  if (m.traceHeader !== undefined) flags |= F_TRACE
  if (m.deadLetterSourceArn !== undefined) flags |= F_DLQ_SOURCE
  let off = 0
  out[off++] = MESSAGE_FORMAT_VERSION
  out[off++] = flags
  off = out.writeDoubleBE(m.sentTimestamp, off)
  off = out.writeDoubleBE(m.visibleAt, off)
  off = out.writeUInt32BE(m.priorReceiveCount, off)
  off += out.write(m.md5OfBody, off, 16, 'hex')
  if (m.md5OfMessageAttributes !== undefined) off += out.write(m.md5OfMessageAttributes, off, 16, 'hex')
  if (m.md5OfMessageSystemAttributes !== undefined) off += out.write(m.md5OfMessageSystemAttributes, off, 16, 'hex')
  const writeStr = (text: string): void => {
    const length = out.write(text, off + 2, 'utf8')
    out.writeUInt16BE(length, off)
    off += 2 + length
  }
  writeStr(m.messageId)
  writeStr(m.senderId)
  if (m.groupId !== undefined) writeStr(m.groupId)
  if (m.deduplicationId !== undefined) writeStr(m.deduplicationId)
  if (m.traceHeader !== undefined) writeStr(m.traceHeader)
  if (m.deadLetterSourceArn !== undefined) writeStr(m.deadLetterSourceArn)
  out[off++] = m.attributes.length
  for (const [name, value] of m.attributes) {
    writeStr(name)
    writeStr(value.dataType)
    if (value.binaryValue !== undefined) {
      out[off++] = 2
      off = out.writeUInt32BE(value.binaryValue.byteLength, off)
      out.set(value.binaryValue, off)
      off += value.binaryValue.byteLength
    } else {
      out[off++] = 1
      const length = out.write(value.stringValue ?? '', off + 4, 'utf8')
      out.writeUInt32BE(length, off)
      off += 4 + length
    }
  }
  const bodyLength = out.write(m.body, off + 4, 'utf8')
  out.writeUInt32BE(bodyLength, off)
}

export class MessageFormatError extends Error {}

/** What a scan of the stream needs, without decoding bodies and attributes. */
export interface MessageHeader {
  readonly visibleAt: number
  readonly sentTimestamp: number
  readonly messageId: string
  readonly deduplicationId: string | undefined
  readonly groupId: string | undefined
}

function checkVersion (data: Uint8Array): Buffer {
  const buf = Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength)
  if (buf.byteLength < 38 || buf[0] !== MESSAGE_FORMAT_VERSION) {
    throw new MessageFormatError(`not a version ${MESSAGE_FORMAT_VERSION} queue message (first byte ${String(buf[0])}, ${buf.byteLength} bytes)`)
  }
  return buf
}

class Reader {
  off: number
  constructor (readonly buf: Buffer, off: number) { this.off = off }
  str (): string {
    const length = this.buf.readUInt16BE(this.off)
    const text = this.buf.toString('utf8', this.off + 2, this.off + 2 + length)
    this.off += 2 + length
    return text
  }

  hex16 (): string {
    const text = this.buf.toString('hex', this.off, this.off + 16)
    this.off += 16
    return text
  }
}

export function decodeMessageHeader (data: Uint8Array): MessageHeader {
  const buf = checkVersion(data)
  const flags = buf[1]!
  const r = new Reader(buf, 38 + ((flags & F_MD5_ATTRS) !== 0 ? 16 : 0) + ((flags & F_MD5_SYSTEM) !== 0 ? 16 : 0))
  const messageId = r.str()
  r.str()
  const groupId = (flags & F_GROUP) !== 0 ? r.str() : undefined
  const deduplicationId = (flags & F_DEDUP) !== 0 ? r.str() : undefined
  return { visibleAt: buf.readDoubleBE(10), sentTimestamp: buf.readDoubleBE(2), messageId, deduplicationId, groupId }
}

/** When the message at the start of `data` stops being delayed (0: it never was). */
export function visibleAtOf (data: Uint8Array): number {
  return checkVersion(data).readDoubleBE(10)
}

export function decodeMessage (data: Uint8Array): QueueMessage {
  const buf = checkVersion(data)
  const flags = buf[1]!
  const sentTimestamp = buf.readDoubleBE(2)
  const visibleAt = buf.readDoubleBE(10)
  const priorReceiveCount = buf.readUInt32BE(18)
  const r = new Reader(buf, 22)
  const md5OfBody = r.hex16()
  const md5OfMessageAttributes = (flags & F_MD5_ATTRS) !== 0 ? r.hex16() : undefined
  const md5OfMessageSystemAttributes = (flags & F_MD5_SYSTEM) !== 0 ? r.hex16() : undefined
  const messageId = r.str()
  const senderId = r.str()
  const groupId = (flags & F_GROUP) !== 0 ? r.str() : undefined
  const deduplicationId = (flags & F_DEDUP) !== 0 ? r.str() : undefined
  const traceHeader = (flags & F_TRACE) !== 0 ? r.str() : undefined
  const deadLetterSourceArn = (flags & F_DLQ_SOURCE) !== 0 ? r.str() : undefined
  const count = buf[r.off++]!
  const attributes: Array<[string, MessageAttributeValue]> = []
  for (let i = 0; i < count; i++) {
    const name = r.str()
    const dataType = r.str()
    const kind = buf[r.off++]
    const length = buf.readUInt32BE(r.off)
    r.off += 4
    const value: MessageAttributeValue = kind === 2
      ? { dataType, binaryValue: Buffer.from(buf.subarray(r.off, r.off + length)) }
      : { dataType, stringValue: buf.toString('utf8', r.off, r.off + length) }
    r.off += length
    attributes.push([name, value])
  }
  const bodyLength = buf.readUInt32BE(r.off)
  const body = buf.toString('utf8', r.off + 4, r.off + 4 + bodyLength)
  return {
    messageId,
    body,
    attributes,
    md5OfBody,
    md5OfMessageAttributes,
    md5OfMessageSystemAttributes,
    sentTimestamp,
    visibleAt,
    priorReceiveCount,
    senderId,
    groupId,
    deduplicationId,
    traceHeader,
    deadLetterSourceArn
  }
}
