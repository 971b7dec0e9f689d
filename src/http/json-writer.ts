/**
 * An action's output straight to AWS JSON bytes, in one pass: the same shape as
 * `JSON.stringify(encodeResponse(output, json types))`, without building the intermediate
 * objects, the 15 MB string a full GetRecords page makes, or its UTF-8 copy.
 *
 * Printable ASCII (base64 data, names, sequence numbers) is gathered in a JS string and
 * copied into the buffer as Latin-1 once it reaches FLUSH_CHARS: one native write per
 * few kilobytes, not one per token (a token-per-write writer spent more time crossing
 * into C++ than copying). Anything else goes through JSON.stringify and is written as UTF-8.
 */
import { RENDERED_RECORDS } from '../streams/read-ahead.js'
import { awsName, isTimestampKey } from './aws-shapes.js'
import { POOLED_CHUNK_BYTES, takeChunk } from './chunk-pool.js'

/** Characters a JSON string may hold as they are: printable ASCII except `"` and `\`. */
const NEEDS_ESCAPE_OR_UTF8 = /[^\x20\x21\x23-\x5b\x5d-\x7e]/

/** Pending text is copied to the buffer past this length (a few records of a page). */
const FLUSH_CHARS = 16 * 1024

/**
 * Output goes into chunks; a full one is kept and a new one started, so a 14 MB GetRecords
 * page is never copied into ever larger buffers on its way out, and the chunks are joined
 * once at the end. Chunks start small (a small answer holds no large buffer while it is
 * sent) and double up to the largest size.
 */
const FIRST_CHUNK_BYTES = 32 * 1024
/** Chunks of the largest size come from the chunk pool: only large bodies reach it. */
const MAX_CHUNK_BYTES = POOLED_CHUNK_BYTES

export class ByteWriter {
  /** Full chunks, in order. */
  private readonly done: Buffer[] = []
  private doneBytes = 0
  private buf: Buffer | undefined
  private off = 0
  /** Printable ASCII not yet in `buf`. */
  private text = ''

  /** A buffer with `bytes` free at `off`: the current chunk, or a new one. */
  private room (bytes: number): Buffer {
    const buf = this.buf
    if (buf !== undefined && this.off + bytes <= buf.length) return buf
    if (buf !== undefined && this.off > 0) {
      this.done.push(buf.subarray(0, this.off))
      this.doneBytes += this.off
    }
    const size = buf === undefined ? FIRST_CHUNK_BYTES : Math.min(buf.length * 2, MAX_CHUNK_BYTES)
    const chunk = size === MAX_CHUNK_BYTES && bytes <= size ? takeChunk() : Buffer.allocUnsafe(Math.max(bytes, size))
    this.buf = chunk
    this.off = 0
    return chunk
  }

  /** Bytes written so far (pending text is ASCII: one byte a character). */
  get position (): number {
    return this.doneBytes + this.off + this.text.length
  }

  flush (): void {
    const text = this.text
    if (text === '') return
    this.text = ''
    // room() first: it may start a new chunk and reset `off`.
    const buf = this.room(text.length)
    this.off += buf.write(text, this.off, 'latin1')
  }

  ascii (text: string): void {
    this.text += text
    if (this.text.length >= FLUSH_CHARS) this.flush()
  }

  utf8 (text: string): void {
    this.flush()
    const buf = this.room(text.length * 3)
    this.off += buf.write(text, this.off, 'utf8')
  }

  string (text: string): void {
    if (NEEDS_ESCAPE_OR_UTF8.test(text)) {
      this.utf8(JSON.stringify(text))
    } else {
      this.ascii('"' + text + '"')
    }
  }

  /**
   * Bytes as a base64 JSON string. Large values (record data) go straight into the
   * buffer instead of through the pending text, where they would be copied twice more
   * (into the concatenated text, then out of it).
   */
  base64 (data: Buffer): void {
    if (data.byteLength < 256) {
      this.ascii('"' + data.toString('base64') + '"')
      return
    }
    this.flush()
    const encoded = data.toString('base64')
    const buf = this.room(encoded.length + 2)
    buf[this.off++] = 0x22
    this.off += buf.write(encoded, this.off, 'latin1')
    buf[this.off++] = 0x22
  }

  /** Bytes written elsewhere (a rendered run), taken as they are, without a copy. */
  raw (parts: readonly Buffer[]): void {
    this.flush()
    const buf = this.buf
    if (buf !== undefined && this.off > 0) {
      this.done.push(buf.subarray(0, this.off))
      this.doneBytes += this.off
      // Later output goes on in the rest of the chunk.
      this.buf = buf.subarray(this.off)
      this.off = 0
    }
    for (const part of parts) {
      this.done.push(part)
      this.doneBytes += part.byteLength
    }
  }

  /** The bytes written, in order, as the chunks they were written into (no copy). */
  chunks (): Buffer[] {
    if (this.buf === undefined && this.done.length === 0) return [Buffer.from(this.text, 'latin1')]
    this.flush()
    const last = this.buf?.subarray(0, this.off)
    return last === undefined || last.byteLength === 0 ? this.done : [...this.done, last]
  }

  /** The bytes written as one buffer; a small output (most responses) is one pooled Latin-1 buffer. */
  finish (): Buffer {
    const chunks = this.chunks()
    return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, this.position)
  }
}

interface Member {
  /** `"AwsName":`, ready to write. */
  readonly prefix: string
  /** Whether the prefix is printable ASCII (a map's keys may be anything). */
  readonly ascii: boolean
  /** Milliseconds written as epoch seconds. */
  readonly timestamp: boolean
}

const members = new Map<string, Member>()
/** Output keys are a fixed set of member names; a map's keys (user data) are not all kept. */
const MAX_MEMBERS = 1000

function memberOf (key: string): Member {
  let member = members.get(key)
  if (member === undefined) {
    const name = awsName(key)
    member = { prefix: JSON.stringify(name) + ':', ascii: !NEEDS_ESCAPE_OR_UTF8.test(name), timestamp: isTimestampKey(key) }
    if (members.size < MAX_MEMBERS) members.set(key, member)
  }
  return member
}

export function jsonNumber (value: number): string {
  return Number.isFinite(value) ? String(value) : 'null'
}

export function writeValue (out: ByteWriter, value: unknown, timestamp: boolean): void {
  if (value === null || value === undefined) {
    out.ascii('null')
  } else if (typeof value === 'string') {
    out.string(value)
  } else if (typeof value === 'number') {
    out.ascii(jsonNumber(timestamp ? value / 1000 : value))
  } else if (typeof value === 'boolean') {
    out.ascii(value ? 'true' : 'false')
  } else if (value instanceof Uint8Array) {
    out.base64(Buffer.isBuffer(value) ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength))
  } else if (Array.isArray(value)) {
    const rendered = (value as { [RENDERED_RECORDS]?: unknown })[RENDERED_RECORDS]
    if (Array.isArray(rendered)) {
      // GetRecords records rendered ahead by jsonRecordsRenderer, exactly what the loop below writes.
      out.ascii('[')
      out.raw(rendered as Buffer[])
      out.ascii(']')
      return
    }
    out.ascii('[')
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out.ascii(',')
      writeValue(out, value[i], false)
    }
    out.ascii(']')
  } else if (typeof value === 'object') {
    out.ascii('{')
    let first = true
    const object = value as Record<string, unknown>
    for (const key in object) {
      if (!Object.hasOwn(object, key)) continue
      const item = object[key]
      if (item === undefined) continue
      const member = memberOf(key)
      if (!first) out.ascii(',')
      if (member.ascii) out.ascii(member.prefix)
      else out.utf8(member.prefix)
      first = false
      writeValue(out, item, member.timestamp)
    }
    out.ascii('}')
  } else {
    out.ascii('null')
  }
}

/** AWS JSON 1.1 bytes for an action's output (or any value of that kind). */
export function writeAwsJson (output: unknown): Buffer {
  const out = new ByteWriter()
  writeValue(out, output, false)
  return out.finish()
}

/** The same bytes as chunks, for a large body sent without joining them first. */
export function writeAwsJsonChunks (output: unknown): Buffer[] {
  const out = new ByteWriter()
  writeValue(out, output, false)
  return out.chunks()
}
