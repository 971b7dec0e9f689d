/**
 * Shard iterators: opaque, HMAC-sealed, and self-contained, so the server keeps no
 * per-iterator state. Payload (33 bytes): version u8 | stream id u32 | shard index u32 |
 * position ms u64 | position counter u64 | issued-at ms u64.
 */
import { readU64, writeU64, type ShardPosition } from '../storage/record-key.js'
import type { TokenSigner } from './token-signer.js'

const VERSION = 1
const PAYLOAD_BYTES = 33

export interface IteratorState {
  readonly streamId: number
  readonly shard: number
  /** The next record to return is the first at or after this position. */
  readonly position: ShardPosition
  readonly issuedAt: number
}

export function encodeIterator (signer: TokenSigner, state: IteratorState): string {
  const payload = Buffer.allocUnsafe(PAYLOAD_BYTES)
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
  const payload = signer.open(token)
  if (payload === undefined || payload.byteLength !== PAYLOAD_BYTES || payload.readUInt8(0) !== VERSION) return undefined
  return {
    streamId: payload.readUInt32BE(1),
    shard: payload.readUInt32BE(5),
    position: { ts: readU64(payload, 9), counter: readU64(payload, 17) },
    issuedAt: readU64(payload, 25)
  }
}
