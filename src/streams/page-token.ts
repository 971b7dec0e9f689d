/**
 * Pagination tokens (ListStreams, ListShards): a sealed JSON payload naming the listing,
 * where to resume, and when the token expires (Kinesis gives them 300 s).
 */
import type { TokenSigner } from './token-signer.js'

export const PAGE_TOKEN_TTL_MS = 300_000

export interface PageToken {
  /** Which listing the token continues, so a token cannot be replayed elsewhere. */
  readonly kind: string
  /** The stream a shard listing belongs to, by id. */
  readonly streamId?: number | undefined
  /** The last item of the previous page. */
  readonly after: string
  readonly expiresAt: number
  /** Listing options carried over to the next page. */
  readonly options?: Record<string, unknown> | undefined
}

export function encodePageToken (signer: TokenSigner, token: PageToken): string {
  return signer.seal(Buffer.from(JSON.stringify(token), 'utf8'))
}

export type PageTokenResult =
  | { readonly ok: true, readonly token: PageToken }
  | { readonly ok: false, readonly reason: 'invalid' | 'expired' }

export function decodePageToken (signer: TokenSigner, text: string, kind: string, now: number): PageTokenResult {
  const payload = signer.open(text)
  if (payload === undefined) return { ok: false, reason: 'invalid' }
  let token: PageToken
  try {
    token = JSON.parse(payload.toString('utf8')) as PageToken
  } catch {
    return { ok: false, reason: 'invalid' }
  }
  if (token.kind !== kind || typeof token.after !== 'string') return { ok: false, reason: 'invalid' }
  if (token.expiresAt < now) return { ok: false, reason: 'expired' }
  return { ok: true, token }
}
