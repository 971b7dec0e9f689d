/**
 * Pagination tokens (ListStreams, ListShards): a sealed JSON payload naming the listing,
 * where to resume, and when the token expires (Kinesis gives them 300 s).
 */
import { ServiceError } from '../errors.js'
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

/**
 * The token a listing continues from; INVALID_NEXT_TOKEN when it is forged, expired, of
 * another listing, or (with `streamId`) of another stream.
 */
export function decodePageToken (signer: TokenSigner, text: string, kind: string, now: number, streamId?: number): PageToken {
  const payload = signer.open(text)
  let token: PageToken | undefined
  try {
    token = payload === undefined ? undefined : JSON.parse(payload.toString('utf8')) as PageToken
  } catch {
    token = undefined
  }
  if (token === undefined || token.kind !== kind || typeof token.after !== 'string' || (streamId !== undefined && token.streamId !== streamId)) {
    throw new ServiceError('INVALID_NEXT_TOKEN', `Invalid next_token: it is not a ${kind} token issued by this server${streamId === undefined ? '' : ' for this stream'}.`)
  }
  if (token.expiresAt < now) {
    throw new ServiceError('INVALID_NEXT_TOKEN', `Invalid next_token: it is older than ${PAGE_TOKEN_TTL_MS / 1000} s; list again from the start.`)
  }
  return token
}
