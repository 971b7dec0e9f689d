/**
 * An action's output straight to AWS JSON bytes, in one pass: the same shape as
 * `JSON.stringify(encodeResponse(output, json types))`, without building the intermediate
 * objects, the 15 MB string a full GetRecords page makes, or its UTF-8 copy. Base64 data
 * and plain ASCII strings are written as Latin-1 (one byte per character, no scan for
 * escapes beyond a quick test); anything else goes through JSON.stringify.
 */
import { awsName } from './aws-shapes.js'

/** Characters a JSON string may hold as they are: printable ASCII except `"` and `\`. */
const NEEDS_ESCAPE_OR_UTF8 = /[^\x20\x21\x23-\x5b\x5d-\x7e]/

class ByteWriter {
  buf: Buffer
  off = 0

  constructor (size: number) {
    this.buf = Buffer.allocUnsafe(size)
  }

  private room (bytes: number): void {
    if (this.off + bytes <= this.buf.length) return
    const bigger = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.off + bytes))
    this.buf.copy(bigger, 0, 0, this.off)
    this.buf = bigger
  }

  latin1 (text: string): void {
    this.room(text.length)
    this.off += this.buf.write(text, this.off, 'latin1')
  }

  utf8 (text: string): void {
    this.room(text.length * 3)
    this.off += this.buf.write(text, this.off, 'utf8')
  }

  string (text: string): void {
    if (NEEDS_ESCAPE_OR_UTF8.test(text)) {
      this.utf8(JSON.stringify(text))
    } else {
      this.latin1('"')
      this.latin1(text)
      this.latin1('"')
    }
  }
}

function number (value: number): string {
  return Number.isFinite(value) ? String(value) : 'null'
}

function writeValue (out: ByteWriter, value: unknown, timestamp: boolean): void {
  if (value === null || value === undefined) {
    out.latin1('null')
  } else if (typeof value === 'string') {
    out.string(value)
  } else if (typeof value === 'number') {
    out.latin1(number(timestamp ? value / 1000 : value))
  } else if (typeof value === 'boolean') {
    out.latin1(value ? 'true' : 'false')
  } else if (value instanceof Uint8Array) {
    out.latin1('"')
    out.latin1(Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64'))
    out.latin1('"')
  } else if (Array.isArray(value)) {
    out.latin1('[')
    value.forEach((item, i) => {
      if (i > 0) out.latin1(',')
      writeValue(out, item, false)
    })
    out.latin1(']')
  } else if (typeof value === 'object') {
    out.latin1('{')
    let first = true
    for (const [key, member] of Object.entries(value)) {
      if (member === undefined) continue
      if (!first) out.latin1(',')
      first = false
      out.string(awsName(key))
      out.latin1(':')
      writeValue(out, member, key.endsWith('_timestamp'))
    }
    out.latin1('}')
  } else {
    out.latin1('null')
  }
}

/** AWS JSON 1.1 bytes for an action's output (or any value of that kind). */
export function writeAwsJson (output: unknown): Buffer {
  const out = new ByteWriter(4096)
  writeValue(out, output, false)
  return out.buf.subarray(0, out.off)
}
