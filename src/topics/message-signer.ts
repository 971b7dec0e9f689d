/**
 * SNS message signatures, real ones: an RSA key and a self-signed X.509 certificate kept
 * in the data directory (`sns-signing/`), made on first start. Each notification and
 * confirmation is signed over AWS's canonical string (SignatureVersion 1: SHA1withRSA, 2:
 * SHA256withRSA), and the certificate's PEM is served at SigningCertURL, so a subscriber
 * verifies messages exactly as AWS documents it. With --memory the key lives as long as
 * the process.
 *
 * Node can sign and parse certificates but not build one, so the certificate's DER is
 * written here: a TBSCertificate of fixed shape (v3, no extensions) signed SHA-256 with RSA.
 */
import { createHash, createPrivateKey, generateKeyPairSync, sign, X509Certificate, type KeyObject } from 'node:crypto'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'

// ---- a minimal DER writer -------------------------------------------------------------

function derLength (n: number): Buffer {
  if (n < 0x80) return Buffer.of(n)
  const bytes: number[] = []
  for (let v = n; v > 0; v >>= 8) bytes.unshift(v & 0xff)
  return Buffer.from([0x80 | bytes.length, ...bytes])
}

function tlv (tag: number, body: Buffer): Buffer {
  return Buffer.concat([Buffer.of(tag), derLength(body.byteLength), body])
}

const seq = (...parts: Buffer[]): Buffer => tlv(0x30, Buffer.concat(parts))
const set = (...parts: Buffer[]): Buffer => tlv(0x31, Buffer.concat(parts))

function oid (dotted: string): Buffer {
  const parts = dotted.split('.').map(Number)
  const bytes = [parts[0]! * 40 + parts[1]!]
  for (const part of parts.slice(2)) {
    const chunk: number[] = []
    let v = part
    do {
      chunk.unshift(v & 0x7f)
      v >>= 7
    } while (v > 0)
    for (let i = 0; i < chunk.length - 1; i++) chunk[i]! |= 0x80
    bytes.push(...chunk)
  }
  return tlv(0x06, Buffer.from(bytes))
}

function integer (bytes: Buffer): Buffer {
  // DER wants the shortest form: OpenSSL refuses a redundant leading zero ("illegal
  // padding"), which a random serial starting 0x00 would otherwise give one key in 128.
  let start = 0
  while (start < bytes.length - 1 && bytes[start] === 0 && (bytes[start + 1]! & 0x80) === 0) start++
  const minimal = bytes.subarray(start)
  return tlv(0x02, (minimal[0]! & 0x80) !== 0 ? Buffer.concat([Buffer.of(0), minimal]) : minimal)
}

function utcTime (date: Date): Buffer {
  const iso = date.toISOString()
  // YYMMDDHHMMSSZ
  return tlv(0x17, Buffer.from(iso.slice(2, 4) + iso.slice(5, 7) + iso.slice(8, 10) + iso.slice(11, 13) + iso.slice(14, 16) + iso.slice(17, 19) + 'Z', 'ascii'))
}

function generalizedTime (date: Date): Buffer {
  const iso = date.toISOString()
  return tlv(0x18, Buffer.from(iso.slice(0, 4) + iso.slice(5, 7) + iso.slice(8, 10) + iso.slice(11, 13) + iso.slice(14, 16) + iso.slice(17, 19) + 'Z', 'ascii'))
}

function name (commonName: string): Buffer {
  return seq(set(seq(oid('2.5.4.3'), tlv(0x0c, Buffer.from(commonName, 'utf8')))))
}

/** A self-signed certificate for `key`, valid for 20 years from now. */
function selfSignedCertificate (key: KeyObject, publicDer: Buffer, commonName: string): string {
  const sha256WithRsa = seq(oid('1.2.840.113549.1.1.11'), Buffer.of(0x05, 0x00))
  const now = new Date()
  const until = new Date(now.getTime() + 20 * 365 * 86_400_000)
  const serial = createHash('sha256').update(publicDer).digest().subarray(0, 16)
  serial[0]! &= 0x7f
  const tbs = seq(
    tlv(0xa0, integer(Buffer.of(2))),
    integer(serial),
    sha256WithRsa,
    name(commonName),
    seq(utcTime(now), until.getUTCFullYear() < 2050 ? utcTime(until) : generalizedTime(until)),
    name(commonName),
    publicDer
  )
  const signature = sign('sha256', tbs, key)
  const der = seq(tbs, sha256WithRsa, tlv(0x03, Buffer.concat([Buffer.of(0), signature])))
  const body = der.toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '')
  return `-----BEGIN CERTIFICATE-----\n${body}\n-----END CERTIFICATE-----\n`
}

// ---- the signer ------------------------------------------------------------------------

/** The fields AWS signs, in its order, per message type. */
const SIGNED_FIELDS: Record<string, readonly string[]> = {
  Notification: ['Message', 'MessageId', 'Subject', 'Timestamp', 'TopicArn', 'Type'],
  SubscriptionConfirmation: ['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type'],
  UnsubscribeConfirmation: ['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type']
}

/** AWS's string to sign: `Name\nvalue\n` for each signed field present, in order. */
export function canonicalString (message: Readonly<Record<string, unknown>>): string {
  const fields = SIGNED_FIELDS[String(message.Type)] ?? SIGNED_FIELDS.Notification!
  let out = ''
  for (const field of fields) {
    const value = message[field]
    if (value === undefined) continue
    out += `${field}\n${String(value)}\n`
  }
  return out
}

/** Signatures remembered: enough for every pump of a topic to find a page's (500 messages), in a few MB however large the messages. */
const RECENT_SIGNATURES = 2048
const RECENT_CHARS = 8 * 1024 * 1024

export class MessageSigner {
  /** The path part of SigningCertURL. */
  readonly certPath: string
  /** Recent signatures by SignatureVersion and string to sign. */
  private readonly recent = new Map<string, string>()
  private recentChars = 0
  /** Signatures being made in the thread pool, by the same key. */
  private readonly pending = new Map<string, Promise<void>>()

  private constructor (private readonly key: KeyObject, readonly certificatePem: string) {
    const fingerprint = new X509Certificate(certificatePem).fingerprint256.replace(/:/g, '').slice(0, 32).toLowerCase()
    this.certPath = `/SimpleNotificationService-${fingerprint}.pem`
  }

  /** Loads the key and certificate from `dir` (made there on first use), or makes them in memory when `dir` is undefined. */
  static async open (dir: string | undefined): Promise<MessageSigner> {
    if (dir !== undefined) {
      try {
        const [keyPem, certPem] = await Promise.all([readFile(join(dir, 'key.pem'), 'utf8'), readFile(join(dir, 'cert.pem'), 'utf8')])
        return new MessageSigner(createPrivateKey(keyPem), certPem)
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
      }
    }
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
    const cert = selfSignedCertificate(privateKey, publicKey.export({ type: 'spki', format: 'der' }), 'sns.amazonaws.com')
    if (dir !== undefined) {
      await mkdir(dir, { recursive: true })
      await writeFile(join(dir, 'key.pem'), privateKey.export({ type: 'pkcs8', format: 'pem' }) as string, { mode: 0o600 })
      await writeFile(join(dir, 'cert.pem'), cert)
    }
    return new MessageSigner(privateKey, cert)
  }

  /**
   * The base64 signature of an SNS message (its Type and fields as sent), per SignatureVersion.
   * An RSA signature costs over half a millisecond, and what is signed names no
   * subscription: a message fanned out to many subscriptions is signed once, and the
   * others are given the signature remembered.
   */
  sign (message: Readonly<Record<string, unknown>>, version: '1' | '2'): string {
    const text = version + canonicalString(message)
    const known = this.recent.get(text)
    if (known !== undefined) return known
    const signature = sign(version === '2' ? 'sha256' : 'sha1', Buffer.from(text.slice(1), 'utf8'), this.key).toString('base64')
    this.remember(text, signature)
    return signature
  }

  /** Whether `sign` would answer from memory (a signature made ahead), without signing now. */
  knows (message: Readonly<Record<string, unknown>>, version: '1' | '2'): boolean {
    return this.recent.has(version + canonicalString(message))
  }

  /**
   * Signs in libuv's thread pool and remembers the signature for `sign`: a pump signs a page
   * of messages ahead on every core, while the main thread goes on serving requests.
   */
  signAhead (message: Readonly<Record<string, unknown>>, version: '1' | '2'): Promise<void> {
    const text = version + canonicalString(message)
    if (this.recent.has(text)) return Promise.resolve()
    let pending = this.pending.get(text)
    if (pending === undefined) {
      pending = new Promise<void>((resolve, reject) => {
        sign(version === '2' ? 'sha256' : 'sha1', Buffer.from(text.slice(1), 'utf8'), this.key, (err, signature) => {
          this.pending.delete(text)
          if (err !== null) return reject(err)
          this.remember(text, signature.toString('base64'))
          resolve()
        })
      })
      this.pending.set(text, pending)
    }
    return pending
  }

  private remember (text: string, signature: string): void {
    if (this.recent.has(text)) return
    this.recent.set(text, signature)
    this.recentChars += text.length
    // Insertion order is age: the oldest go first.
    while (this.recent.size > RECENT_SIGNATURES || this.recentChars > RECENT_CHARS) {
      const oldest = this.recent.keys().next().value!
      this.recent.delete(oldest)
      this.recentChars -= oldest.length
    }
  }
}
