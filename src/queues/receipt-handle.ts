/**
 * Receipt handles: unforgeable tokens naming a queue (its message stream's id, never
 * reused, so a handle of a deleted queue means nothing to a new one of the same name),
 * a message (its counter) and one receive of it (the queue's receive sequence).
 */
import type { TokenSigner } from '../streams/token-signer.js'

const VERSION = 1

export interface ReceiptHandle {
  readonly streamId: number
  readonly counter: number
  readonly seq: number
}

export function sealReceiptHandle (signer: TokenSigner, handle: ReceiptHandle): string {
  const payload = Buffer.allocUnsafe(1 + 4 + 8 + 8)
  payload[0] = VERSION
  payload.writeUInt32BE(handle.streamId, 1)
  payload.writeDoubleBE(handle.counter, 5)
  payload.writeDoubleBE(handle.seq, 13)
  return signer.seal(payload)
}

/** The handle, or undefined when the text is not one this server issued. */
export function openReceiptHandle (signer: TokenSigner, text: string): ReceiptHandle | undefined {
  const payload = signer.open(text)
  if (payload === undefined || payload.byteLength !== 21 || payload[0] !== VERSION) return undefined
  return { streamId: payload.readUInt32BE(1), counter: payload.readDoubleBE(5), seq: payload.readDoubleBE(13) }
}

/**
 * The message counter a handle names, read without checking it (undefined when it cannot
 * be one). Only to find the message whose latest handle may be this very text: an exact
 * match with a handle this server issued needs no MAC to be trusted.
 */
export function peekReceiptCounter (text: string): number | undefined {
  if (text.length !== 50) return undefined
  const raw = Buffer.from(text, 'base64url')
  return raw.byteLength === 37 && raw[0] === VERSION ? raw.readDoubleBE(5) : undefined
}
