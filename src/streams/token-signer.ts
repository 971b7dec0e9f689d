/**
 * Seals opaque tokens (shard iterators, page tokens) with an HMAC so that an edited or
 * forged token is detected. The secret lives in the data directory, so tokens stay valid
 * across a restart.
 */
import { createHmac, timingSafeEqual } from 'node:crypto'

const MAC_BYTES = 16

export class TokenSigner {
  constructor (private readonly secret: Buffer) {}

  seal (payload: Buffer): string {
    return Buffer.concat([payload, this.mac(payload)]).toString('base64url')
  }

  /** The payload, or undefined when the token is malformed or its MAC does not match. */
  open (token: string): Buffer | undefined {
    if (!/^[A-Za-z0-9_-]+$/.test(token)) return undefined
    const raw = Buffer.from(token, 'base64url')
    // The last base64 character can carry unused bits; only the canonical spelling of
    // the bytes is accepted, so no edited character goes unnoticed.
    if (raw.byteLength <= MAC_BYTES || raw.toString('base64url') !== token) return undefined
    const payload = raw.subarray(0, raw.byteLength - MAC_BYTES)
    const mac = raw.subarray(raw.byteLength - MAC_BYTES)
    return timingSafeEqual(mac, this.mac(payload)) ? payload : undefined
  }

  private mac (payload: Buffer): Buffer {
    return createHmac('sha256', this.secret).update(payload).digest().subarray(0, MAC_BYTES)
  }
}
