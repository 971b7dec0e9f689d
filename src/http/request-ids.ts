/**
 * The ids every answer carries: `x-amzn-RequestId` in the UUID form AWS uses, and an
 * opaque `x-amz-id-2`. They need to be unique, not unguessable: each is a random part
 * drawn when the process starts and a counter. Three random UUIDs a request (the pool
 * refilled from the system every 128) and a base64 encoding cost HTTP PutRecord some
 * 3 us of its ~100.
 */
import { randomBytes } from 'node:crypto'

/** `xxxxxxxx-xxxx-4xxx-yxxx-`: a version-4, variant-1 UUID's first 20 hex digits, drawn once. */
function uuidPrefix (): string {
  const bytes = randomBytes(10)
  bytes[6] = (bytes[6]! & 0x0f) | 0x40
  bytes[8] = (bytes[8]! & 0x3f) | 0x80
  const hex = bytes.toString('hex')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-`
}

const PREFIX = uuidPrefix()
/**
 * 84 random base64 characters drawn once; with a request id's 12 hex digits (which are
 * base64 characters too) they make an x-amz-id-2 of AWS's length, 96 characters.
 */
const ID2_PREFIX = randomBytes(63).toString('base64')
/** Two hex digits per byte value, so a counter is written without toString(16) and padding. */
const HEX = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'))
/** The last 12 hex digits, as two 24-bit halves: 2^48 ids before one repeats within a process. */
const HALF = 2 ** 24
let high = Math.floor(Math.random() * HALF)
let low = Math.floor(Math.random() * HALF)

function hex24 (n: number): string {
  return HEX[n >>> 16]! + HEX[(n >>> 8) & 0xff]! + HEX[n & 0xff]!
}

export function nextRequestId (): string {
  if (++low === HALF) {
    low = 0
    high = (high + 1) % HALF
  }
  return PREFIX + hex24(high) + hex24(low)
}

/** The x-amz-id-2 that goes with a request id: opaque base64, unique as the id is. */
export function extendedRequestId (requestId: string): string {
  return ID2_PREFIX + requestId.slice(-12)
}
