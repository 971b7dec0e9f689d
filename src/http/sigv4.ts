/**
 * AWS Signature Version 4 on the HTTP API. Every request must carry a signature, as AWS
 * clients always send one. By default any credentials are accepted (the signature's shape
 * is checked, not its value); with a key file (`--auth`) the signature is recomputed with
 * the secret key and must match.
 */
import { createHash, createHmac, timingSafeEqual, type Hash, type Hmac } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { SignatureV4 } from '@smithy/signature-v4'
import { ServiceError } from '../errors.js'
import { ACCOUNT_ID_PATTERN } from '../scope.js'

export interface SignedRequest {
  readonly method: string
  /** Path and query string as received. */
  readonly url: string
  readonly headers: Readonly<Record<string, string | string[] | undefined>>
  readonly body: Buffer
}

const MAX_SKEW_MS = 15 * 60_000

/** What the key file says of one access key. */
export interface KeyEntry {
  readonly secretAccessKey: string
  /** The account the key's requests act in; the server's default when absent. */
  readonly accountId?: string | undefined
}

/** Access key id -> its secret (and account). */
export type KeyTable = ReadonlyMap<string, KeyEntry>

function keyEntry (path: string, id: string, value: unknown): KeyEntry {
  if (typeof value === 'string' && value !== '') return { secretAccessKey: value }
  const entry = value as { secretAccessKey?: unknown, accountId?: unknown } | null
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry) || typeof entry.secretAccessKey !== 'string' || entry.secretAccessKey === '') {
    throw new Error(`the auth key file ${path}: ${id} must map to a non-empty secret key, or to {"secretAccessKey": "...", "accountId": "123456789012"}`)
  }
  if (entry.accountId !== undefined && (typeof entry.accountId !== 'string' || !ACCOUNT_ID_PATTERN.test(entry.accountId))) {
    throw new Error(`the auth key file ${path}: the accountId of ${id} must be 12 digits`)
  }
  return { secretAccessKey: entry.secretAccessKey, accountId: entry.accountId }
}

/**
 * Reads a key file: a JSON object mapping access key ids to secret keys,
 * `{"AKIDEXAMPLE": "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"}`, or to a secret key and
 * the account the key belongs to, `{"AKIDEXAMPLE": {"secretAccessKey": "...", "accountId": "111122223333"}}`.
 */
export async function loadKeyFile (path: string): Promise<KeyTable> {
  let parsed: unknown
  try {
    parsed = JSON.parse(await readFile(path, 'utf8'))
  } catch (err) {
    throw new Error(`cannot read the auth key file ${path}: ${(err as Error).message}`, { cause: err })
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new Error(`the auth key file ${path} must hold a JSON object of access key id -> secret key`)
  }
  const keys = new Map<string, KeyEntry>()
  for (const [id, value] of Object.entries(parsed)) keys.set(id, keyEntry(path, id, value))
  return keys
}

/** Who signed a request, and for which region: what its scope is worked out from. */
export interface Signer {
  readonly accessKeyId: string
  /** The credential scope's region. */
  readonly region: string
  /** The credential scope's service (`kinesis`, `sqs`, `sns`): how the Query protocol tells SQS from SNS. */
  readonly service: string
  /** The account the key file gives the access key, if any. */
  readonly accountId?: string | undefined
  /**
   * True when the key came from the key file: then the key file alone says the account
   * (its entry's, or the server's default), never the access key id's digits.
   */
  readonly verified?: boolean
}

/** `AKID/20260101/us-east-1/kinesis/aws4_request` -> its access key id, region and service. */
function credentialSigner (credential: string): Signer {
  const parts = credential.split('/')
  return { accessKeyId: parts[0] ?? '', region: parts[2] ?? '', service: parts[3] ?? '' }
}

/**
 * The credential scope's service of a request, cheaply, without checking anything: the
 * transport routes by it before the signature is checked.
 */
export function scopeServiceOf (headers: SignedRequest['headers'], url: string): string {
  const authorization = header(headers, 'authorization')
  let credential: string | undefined
  if (authorization !== undefined) {
    const at = authorization.indexOf('Credential=')
    if (at >= 0) {
      const end = authorization.slice(at + 11).search(/[,\s]/)
      credential = end < 0 ? authorization.slice(at + 11) : authorization.slice(at + 11, at + 11 + end)
    }
  } else if (url.includes('X-Amz-Credential=')) {
    credential = queryOf(url)?.get('X-Amz-Credential') ?? undefined
  }
  return credential === undefined ? '' : (credential.split('/')[3] ?? '')
}

function header (headers: SignedRequest['headers'], name: string): string | undefined {
  const value = headers[name]
  return Array.isArray(value) ? value.join(',') : value
}

interface Authorization {
  readonly accessKeyId: string
  readonly shortDate: string
  readonly region: string
  readonly service: string
  readonly signedHeaders: readonly string[]
  readonly signature: string
}

/** The three parameters of an `AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...` header. */
interface AuthorizationParams {
  readonly credential: string
  readonly signedHeaders: string
  readonly signature: string
}

/**
 * Checks that the header has the three parameters (and the request a date), as AWS does
 * before anything else. Only these are looked at on every request: taking the credential
 * scope apart is left to verification, which most servers (no key file) never do.
 */
function authorizationParams (value: string, hasDate: boolean): AuthorizationParams {
  let credential: string | undefined
  let signature: string | undefined
  let signedHeaders: string | undefined
  const parts = value.split(/[,\s]+/)
  for (let i = 1; i < parts.length; i++) {
    const part = parts[i]!
    const eq = part.indexOf('=')
    if (eq <= 0) continue
    const name = part.slice(0, eq)
    if (name === 'Credential') credential = part.slice(eq + 1)
    else if (name === 'Signature') signature = part.slice(eq + 1)
    else if (name === 'SignedHeaders') signedHeaders = part.slice(eq + 1)
  }
  if (credential !== undefined && signature !== undefined && signedHeaders !== undefined && hasDate) {
    return { credential, signature, signedHeaders }
  }
  const missing = ([['Credential', credential], ['Signature', signature], ['SignedHeaders', signedHeaders]] as const)
    .filter(([, v]) => v === undefined)
    .map(([p]) => p)
  const problems = missing.map((p) => `Authorization header requires '${p}' parameter.`)
  if (!hasDate) problems.push("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.")
  throw new ServiceError('INCOMPLETE_SIGNATURE', `${problems.join(' ')} Authorization=${value}`)
}

/** The parts of the header a signature is verified with. */
function parseAuthorization (params: AuthorizationParams): Authorization {
  const [accessKeyId = '', shortDate = '', region = '', service = ''] = params.credential.split('/')
  return {
    accessKeyId,
    shortDate,
    region,
    service,
    signedHeaders: params.signedHeaders.split(';').map((h) => h.toLowerCase()),
    signature: params.signature
  }
}

function toBytes (data: string | ArrayBuffer | ArrayBufferView): string | Uint8Array {
  if (typeof data === 'string') return data
  if (data instanceof ArrayBuffer) return new Uint8Array(data)
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
}

/** `@smithy/signature-v4` takes its hash as a class; this one is node:crypto's. */
export class NodeSha256 {
  readonly #hash: Hash | Hmac
  constructor (secret?: string | ArrayBuffer | ArrayBufferView) {
    this.#hash = secret === undefined ? createHash('sha256') : createHmac('sha256', toBytes(secret))
  }

  update (data: string | ArrayBuffer | ArrayBufferView): void {
    this.#hash.update(toBytes(data))
  }

  async digest (): Promise<Uint8Array> {
    return this.#hash.digest()
  }
}

/** `20260101T120000Z` -> Date. */
function parseAmzDate (text: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(text)
  if (m === null) return undefined
  return new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])))
}

/**
 * One SignatureV4 per access key, credential scope and session token: it caches the signing
 * key it derives (four HMACs) per day, which a fresh signer per request would derive anew.
 */
const signers = new Map<string, SignatureV4>()
const MAX_SIGNERS = 1024

function signerFor (auth: Authorization, secret: string, sessionToken: string | undefined): SignatureV4 {
  const key = `${auth.accessKeyId}\n${auth.region}\n${auth.service}\n${sessionToken ?? ''}\n${secret}`
  let signer = signers.get(key)
  if (signer === undefined) {
    // Bounded: a client cycling through session tokens must not grow it without end.
    if (signers.size >= MAX_SIGNERS) signers.clear()
    signer = new SignatureV4({
      service: auth.service,
      region: auth.region,
      credentials: { accessKeyId: auth.accessKeyId, secretAccessKey: secret, sessionToken },
      sha256: NodeSha256,
      // The client decided whether x-amz-content-sha256 is signed; never add it here.
      applyChecksum: false
    })
    signers.set(key, signer)
  }
  return signer
}

/** What a signature covers of a request: its signed headers, path and query parameters. */
interface SignedParts {
  readonly headers: Record<string, string>
  readonly hostname: string
  readonly path: string
  readonly query: Record<string, string | string[]>
}

function signedParts (request: SignedRequest, signedHeaders: readonly string[], leaveOut: ReadonlySet<string> = new Set()): SignedParts {
  const headers: Record<string, string> = {}
  for (const name of signedHeaders) {
    // HTTP/2 carries the host as the :authority pseudo-header.
    const value = name === 'host' ? (header(request.headers, 'host') ?? header(request.headers, ':authority')) : header(request.headers, name)
    if (value !== undefined) headers[name] = value
  }
  const queryAt = request.url.indexOf('?')
  const query: Record<string, string | string[]> = {}
  if (queryAt >= 0) {
    for (const [k, v] of new URLSearchParams(request.url.slice(queryAt + 1))) {
      if (leaveOut.has(k)) continue
      const prior = query[k]
      query[k] = prior === undefined ? v : [...(Array.isArray(prior) ? prior : [prior]), v]
    }
  }
  return { headers, hostname: new URL(`http://${headers.host ?? 'localhost'}`).hostname, path: queryAt >= 0 ? request.url.slice(0, queryAt) : request.url, query }
}

async function expectedSignature (request: SignedRequest, auth: Authorization, secret: string, signingDate: Date): Promise<string> {
  const { headers, hostname, path, query } = signedParts(request, auth.signedHeaders)
  const signer = signerFor(auth, secret, headers['x-amz-security-token'])
  const signed = await signer.sign({ method: request.method, protocol: 'http:', hostname, path, query, headers, body: request.body }, { signingDate, signableHeaders: new Set(auth.signedHeaders) })
  const match = /Signature=([0-9a-f]+)/.exec(String(signed.headers.authorization ?? ''))
  return match?.[1] ?? ''
}

/** The query parameters a presigned request's signature is made of, not over. */
const PRESIGN_PARAMS = new Set(['X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Date', 'X-Amz-Expires', 'X-Amz-SignedHeaders', 'X-Amz-Signature', 'X-Amz-Security-Token'])
/** As AWS: a presigned URL is good for at most seven days. */
const MAX_PRESIGN_SECONDS = 604_800

async function expectedPresignedSignature (request: SignedRequest, auth: Authorization, secret: string, signingDate: Date, expiresIn: number, sessionToken: string | undefined): Promise<string> {
  const { headers, hostname, path, query } = signedParts(request, auth.signedHeaders, PRESIGN_PARAMS)
  const signer = signerFor(auth, secret, sessionToken)
  // The body (none on a GET) is hashed as sent, as for a signed header.
  const presigned = await signer.presign({ method: request.method, protocol: 'http:', hostname, path, query, headers, body: request.body }, { signingDate, expiresIn, signableHeaders: new Set(auth.signedHeaders) })
  return String(presigned.query?.['X-Amz-Signature'] ?? '')
}

/** The key file's entry for a request's access key; a key not in the file is refused as AWS refuses it. */
function keyEntryOf (keys: KeyTable, accessKeyId: string): KeyEntry {
  const entry = keys.get(accessKeyId)
  if (entry === undefined) throw new ServiceError('UNRECOGNIZED_CLIENT', 'The security token included in the request is invalid: the access key id is not in the server\'s key file.')
  return entry
}

function sameSignature (expected: string, givenText: string): boolean {
  const given = Buffer.from(givenText)
  const wanted = Buffer.from(expected)
  return wanted.length === given.length && timingSafeEqual(wanted, given)
}

const SIGNATURE_MISMATCH = 'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.'

/**
 * A presigned (query-string) request checked against the key file, as the AWS SDKs'
 * presigners make them: the web console signs its GETs so (an EventSource cannot send
 * an Authorization header).
 */
async function verifyPresigned (request: SignedRequest, query: URLSearchParams, keys: KeyTable): Promise<Signer> {
  const auth = parseAuthorization({ credential: query.get('X-Amz-Credential')!, signedHeaders: query.get('X-Amz-SignedHeaders')!, signature: query.get('X-Amz-Signature')! })
  const entry = keyEntryOf(keys, auth.accessKeyId)
  const amzDate = query.get('X-Amz-Date')!
  const signingDate = parseAmzDate(amzDate)
  if (signingDate === undefined) throw new ServiceError('INCOMPLETE_SIGNATURE', `X-Amz-Date must be in the form 20260101T120000Z, not '${amzDate}'.`)
  const expiresText = query.get('X-Amz-Expires') ?? ''
  const expiresIn = Number(expiresText)
  if (!/^\d+$/.test(expiresText) || expiresIn < 1 || expiresIn > MAX_PRESIGN_SECONDS) {
    throw new ServiceError('INCOMPLETE_SIGNATURE', `X-Amz-Expires must be a whole number of seconds from 1 to ${MAX_PRESIGN_SECONDS} (7 days), not '${expiresText}'.`)
  }
  const now = Date.now()
  if (signingDate.getTime() - now > MAX_SKEW_MS) {
    throw new ServiceError('INVALID_SIGNATURE', `Signature not yet current: ${amzDate} is more than 15 minutes after the server's time ${new Date(now).toISOString()}; check the client's clock.`)
  }
  if (now > signingDate.getTime() + expiresIn * 1000) {
    throw new ServiceError('INVALID_SIGNATURE', `Signature expired: the request was signed at ${amzDate} for ${expiresIn} s, which ended before the server's time ${new Date(now).toISOString()}.`)
  }
  const expected = await expectedPresignedSignature(request, auth, entry.secretAccessKey, signingDate, expiresIn, query.get('X-Amz-Security-Token') ?? undefined)
  if (!sameSignature(expected, auth.signature)) throw new ServiceError('INVALID_SIGNATURE', SIGNATURE_MISMATCH)
  return { accessKeyId: auth.accessKeyId, region: auth.region, service: auth.service, accountId: entry.accountId, verified: true }
}

/** The parameters a presigned (query-string) request must carry, in the order AWS names the missing ones. */
const QUERY_AUTH_PARAMS = ['X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Signature', 'X-Amz-SignedHeaders', 'X-Amz-Date'] as const

function queryOf (url: string): URLSearchParams | undefined {
  const start = url.indexOf('?')
  return start < 0 ? undefined : new URLSearchParams(url.slice(start + 1))
}

/**
 * Checks a request's signature: its presence and shape always, its value when `keys` is
 * given. Throws the AWS error a real endpoint would answer with; returns who signed.
 */
export async function checkSignature (request: SignedRequest, keys: KeyTable | undefined): Promise<Signer> {
  // An empty Authorization header is no authorization, as AWS sees it.
  const authorization = header(request.headers, 'authorization') || undefined
  const query = queryOf(request.url)
  const queryAuth = query?.has('X-Amz-Algorithm') === true
  if (authorization !== undefined && queryAuth) {
    throw new ServiceError('INVALID_SIGNATURE', "Found both 'X-Amz-Algorithm' as a query-string param and 'Authorization' as HTTP header.")
  }
  if (authorization === undefined && !queryAuth) {
    throw new ServiceError('MISSING_AUTHENTICATION_TOKEN', 'Missing Authentication Token')
  }
  if (authorization === undefined) {
    const missing = QUERY_AUTH_PARAMS.filter((name) => (query!.get(name) ?? '') === '')
    if (missing.length > 0) {
      throw new ServiceError('INCOMPLETE_SIGNATURE', `${missing.map((name) => `AWS query-string parameters must include '${name}'. `).join('')}Re-examine the query-string parameters.`)
    }
    if (keys !== undefined) return await verifyPresigned(request, query!, keys)
    return credentialSigner(query!.get('X-Amz-Credential') ?? '')
  }
  const amzDate = header(request.headers, 'x-amz-date')
  const params = authorizationParams(authorization, amzDate !== undefined || header(request.headers, 'date') !== undefined)
  if (keys === undefined) return credentialSigner(params.credential)
  const auth = parseAuthorization(params)
  const entry = keyEntryOf(keys, auth.accessKeyId)
  const signingDate = parseAmzDate(amzDate ?? '')
  if (signingDate === undefined) throw new ServiceError('INCOMPLETE_SIGNATURE', 'Signature verification needs an X-Amz-Date header in the form 20260101T120000Z.')
  // As AWS: a signature is good for 15 minutes either side of the server's clock, so a
  // captured request cannot be replayed later. (The wall clock, not a test clock: clients
  // sign with theirs.)
  const skew = signingDate.getTime() - Date.now()
  if (Math.abs(skew) > MAX_SKEW_MS) {
    throw new ServiceError('INVALID_SIGNATURE', `Signature expired: ${amzDate!} is more than 15 minutes ${skew < 0 ? 'before' : 'after'} the server's time ${new Date().toISOString()}; check the client's clock.`)
  }
  if (!sameSignature(await expectedSignature(request, auth, entry.secretAccessKey, signingDate), auth.signature)) throw new ServiceError('INVALID_SIGNATURE', SIGNATURE_MISMATCH)
  return { accessKeyId: auth.accessKeyId, region: auth.region, service: auth.service, accountId: entry.accountId, verified: true }
}
