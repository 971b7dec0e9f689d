/**
 * Seals opaque tokens (shard iterators, page tokens) with an HMAC so that an edited or
 * forged token is detected. The secret lives in the data directory, so tokens stay valid
 * across a restart.
 */
import { createHmac, timingSafeEqual } from 'node:crypto'

export const MAC_BYTES = 16

/** base64url (page tokens) or standard base64 with padding (shard iterators, as AWS writes them). */
export type TokenEncoding = 'base64url' | 'base64'

const ALPHABETS: Record<TokenEncoding, RegExp> = {
  base64url: /^[A-Za-z0-9_-]+$/,
  base64: /^[A-Za-z0-9+/]+={0,2}$/
}

export class TokenSigner {
  constructor (private readonly secret: Buffer) {}

  seal (payload: Buffer, encoding: TokenEncoding = 'base64url'): string {
    return Buffer.concat([payload, this.mac(payload)]).toString(encoding)
  }

  /** The payload, or undefined when the token is malformed or its MAC does not match. */
  open (token: string, encoding: TokenEncoding = 'base64url'): Buffer | undefined {
    if (!ALPHABETS[encoding].test(token)) return undefined
    const raw = Buffer.from(token, encoding)
    // The last base64 character can carry unused bits; only the canonical spelling of
    // the bytes is accepted, so no edited character goes unnoticed.
    if (raw.byteLength <= MAC_BYTES || raw.toString(encoding) !== token) return undefined
    const payload = raw.subarray(0, raw.byteLength - MAC_BYTES)
    const mac = raw.subarray(raw.byteLength - MAC_BYTES)
    return timingSafeEqual(mac, this.mac(payload)) ? payload : undefined
  }

  private mac (payload: Buffer): Buffer {
    return createHmac('sha256', this.secret).update(payload).digest().subarray(0, MAC_BYTES)
  }
}
