/**
 * Shard iterators: opaque, HMAC-sealed, and self-contained, so the server keeps no
 * per-iterator state. They look like AWS's: standard base64 of 152 bytes or more (a
 * multiple of 16 past 152), starting with the 8 bytes 0 0 0 0 0 0 0 1. Inside: version u8 |
 * stream id u32 | shard index u32 | position ms u64 | position counter u64 | issued-at ms
 * u64 | stream name (u8 length, bytes), zero padding, then the MAC. The name lets an
 * iterator of a deleted stream be answered with the stream it named.
 */
import { readU64, writeU64, type ShardPosition } from '../storage/record-key.js'
import { MAC_BYTES, type TokenSigner } from './token-signer.js'

const VERSION = 1
const HEADER = Buffer.from([0, 0, 0, 0, 0, 0, 0, 1])
const FIXED_BYTES = HEADER.byteLength + 34
const MIN_TOKEN_BYTES = 152
const BLOCK = 16

export interface IteratorState {
  readonly streamId: number
  readonly shard: number
  /** The next record to return is the first at or after this position. */
  readonly position: ShardPosition
  readonly issuedAt: number
  readonly streamName: string
}

export function encodeIterator (signer: TokenSigner, state: IteratorState): string {
  const name = Buffer.from(state.streamName, 'utf8').subarray(0, 255)
  const used = FIXED_BYTES + name.byteLength + MAC_BYTES
  const total = used <= MIN_TOKEN_BYTES ? MIN_TOKEN_BYTES : MIN_TOKEN_BYTES + Math.ceil((used - MIN_TOKEN_BYTES) / BLOCK) * BLOCK
  const payload = Buffer.alloc(total - MAC_BYTES)
  HEADER.copy(payload, 0)
  let at = HEADER.byteLength
  payload.writeUInt8(VERSION, at)
  payload.writeUInt32BE(state.streamId, at + 1)
  payload.writeUInt32BE(state.shard, at + 5)
  writeU64(payload, state.position.ts, at + 9)
  writeU64(payload, state.position.counter, at + 17)
  writeU64(payload, state.issuedAt, at + 25)
  at += 33
  payload.writeUInt8(name.byteLength, at)
  name.copy(payload, at + 1)
  return signer.seal(payload, 'base64')
}

/**
 * The layout shardline issued before AWS's: base64url of version u8 | stream id u32 |
 * shard index u32 | position ms u64 | position counter u64 | issued-at ms u64, then the
 * MAC. Still read, so iterators handed out just before an upgrade stay usable for the
 * rest of their five minutes; the stream name is then the empty string.
 */
const LEGACY_PAYLOAD_BYTES = 33

function decodeLegacyIterator (signer: TokenSigner, token: string): IteratorState | undefined {
  const payload = signer.open(token, 'base64url')
  if (payload === undefined || payload.byteLength !== LEGACY_PAYLOAD_BYTES || payload.readUInt8(0) !== VERSION) return undefined
  return {
    streamId: payload.readUInt32BE(1),
    shard: payload.readUInt32BE(5),
    position: { ts: readU64(payload, 9), counter: readU64(payload, 17) },
    issuedAt: readU64(payload, 25),
    streamName: ''
  }
}

/** An iterator as the legacy layout wrote it (tests check that such iterators still read). */
export function encodeLegacyIterator (signer: TokenSigner, state: Omit<IteratorState, 'streamName'>): string {
  const payload = Buffer.allocUnsafe(LEGACY_PAYLOAD_BYTES)
  payload.writeUInt8(VERSION, 0)
  payload.writeUInt32BE(state.streamId, 1)
  payload.writeUInt32BE(state.shard, 5)
  writeU64(payload, state.position.ts, 9)
  writeU64(payload, state.position.counter, 17)
  writeU64(payload, state.issuedAt, 25)
  return signer.seal(payload)
}

/** Undefined when the token was not issued by this server or was altered. */
export function decodeIterator (signer: TokenSigner, token: string): IteratorState | undefined {
  const payload = signer.open(token, 'base64')
  if (payload === undefined) return decodeLegacyIterator(signer, token)
  if (payload.byteLength < FIXED_BYTES || payload.compare(HEADER, 0, HEADER.byteLength, 0, HEADER.byteLength) !== 0) return undefined
  const at = HEADER.byteLength
  if (payload.readUInt8(at) !== VERSION) return undefined
  const nameBytes = payload.readUInt8(at + 33)
  if (FIXED_BYTES + nameBytes > payload.byteLength) return undefined
  return {
    streamId: payload.readUInt32BE(at + 1),
    shard: payload.readUInt32BE(at + 5),
    position: { ts: readU64(payload, at + 9), counter: readU64(payload, at + 17) },
    issuedAt: readU64(payload, at + 25),
    streamName: payload.toString('utf8', FIXED_BYTES, FIXED_BYTES + nameBytes)
  }
}
