// How the page talks to the server: the public Kinesis JSON 1.1 API (same origin, `POST /`
// with X-Amz-Target), SQS JSON 1.0 (`POST /` with `X-Amz-Target: AmazonSQS.*`), SNS on
// the Query protocol (a form-encoded `POST /`, answered in XML), a few console-only
// reads, and the server-push feed. With --auth on the server, every one of them is signed
// with the access key the user gave (credentials.js); without it they carry an unsigned
// header, whose shape is all such a server reads.
import { askForCredentials, credentials } from './credentials.js'
import { amzDate, presignedQuery, signedHeaders as signed } from './sigv4.js'

/** Where SQS JSON 1.0 requests go: the same port's `POST /`, as for any SQS client. */
export const SQS_ENDPOINT = '/'

export class ApiError extends Error {
  constructor (type, message) {
    super(message)
    this.type = type
  }

  toString () {
    return `${this.type}: ${this.message}`
  }
}

/** How long a presigned console GET stays good: the feed's URL is made anew when it reconnects. */
const PRESIGN_SECONDS = 900

/** The refusals that mean the page's signature (or the want of one) is the problem. */
const AUTH_ERRORS = /^(MissingAuthenticationToken|IncompleteSignature|UnrecognizedClient|InvalidSignature|InvalidClientTokenId|SignatureDoesNotMatch)/

function unsignedHeaders (service) {
  const date = amzDate()
  // Unsigned: without --auth the server reads only the credential's shape. The empty
  // region in the scope means the server's own region; the service picks the API.
  return {
    'x-amz-date': date,
    authorization: `AWS4-HMAC-SHA256 Credential=console/${date.slice(0, 8)}//${service}/aws4_request, SignedHeaders=host;x-amz-date, Signature=0`
  }
}

async function requestHeaders (service, path, body) {
  const key = credentials()
  return key === undefined ? unsignedHeaders(service) : await signed(key, service, path, body)
}

/** A console GET's URL: presigned when the page has a key. */
async function consoleUrl (path, query) {
  const key = credentials()
  if (key === undefined) return `${path}?${query}`
  return `${path}?${await presignedQuery(key, 'kinesis', path, [...query], PRESIGN_SECONDS)}`
}

/** A refusal of the signature asks for a key; the view shows the error too. */
function refused (error) {
  if (AUTH_ERRORS.test(error.type)) askForCredentials(error.toString())
  return error
}

async function awsCall (endpoint, service, contentType, target, body) {
  const text = JSON.stringify(body)
  const res = await fetch(endpoint, {
    method: 'POST',
    headers: { 'content-type': contentType, 'x-amz-target': target, ...await requestHeaders(service, endpoint, text) },
    body: text
  })
  return await answer(res)
}

async function answer (res) {
  const text = await res.text()
  let json = {}
  try { json = text === '' ? {} : JSON.parse(text) } catch { json = { message: text } }
  if (!res.ok) {
    const type = json.__type ?? res.headers.get('x-amzn-ErrorType') ?? `HTTP ${res.status}`
    throw refused(new ApiError(type, json.message ?? json.Message ?? res.headers.get('x-shardline-message') ?? text))
  }
  return json
}

export function kinesis (operation, body = {}) {
  return awsCall('/', 'kinesis', 'application/x-amz-json-1.1', `Kinesis_20131202.${operation}`, body)
}

export function sqs (operation, body = {}) {
  return awsCall(SQS_ENDPOINT, 'sqs', 'application/x-amz-json-1.0', `AmazonSQS.${operation}`, body)
}

/**
 * An SNS call on the Query protocol: `params` are the flattened Query names
 * (`MessageAttributes.entry.1.Name`...). Resolves to the answer's XML document; an error
 * answer throws SNS's Code and Message.
 */
export async function sns (action, params = {}) {
  const form = new URLSearchParams({ Action: action, Version: '2010-03-31' })
  for (const [k, v] of Object.entries(params)) if (v !== undefined) form.append(k, String(v))
  const body = form.toString()
  const res = await fetch('/', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...await requestHeaders('sns', '/', body) },
    body
  })
  const text = await res.text()
  const doc = new DOMParser().parseFromString(text, 'application/xml')
  if (!res.ok) {
    const code = doc.querySelector('Error > Code')?.textContent ?? res.headers.get('x-amzn-ErrorType') ?? `HTTP ${res.status}`
    throw refused(new ApiError(code, doc.querySelector('Error > Message')?.textContent ?? text))
  }
  return doc
}

export async function consoleGet (path, params) {
  const query = new URLSearchParams()
  for (const [k, v] of Object.entries(params)) for (const one of [v].flat()) query.append(k, one)
  return await answer(await fetch(await consoleUrl(`/console/${path}`, query)))
}

/** Every shard of a stream, through ListShards' pages. */
export async function listAllShards (streamName) {
  const shards = []
  let page = await kinesis('ListShards', { StreamName: streamName })
  shards.push(...page.Shards)
  while (page.NextToken) {
    page = await kinesis('ListShards', { NextToken: page.NextToken })
    shards.push(...page.Shards)
  }
  return shards
}

// ---- the feed ----------------------------------------------------------------------

let source
let sourceKey
const listeners = new Set()
let latest

/** Follows the feed for this stream, lease table or topic; reconnects only when they change. */
export function follow ({ stream, table, topic } = {}) {
  const params = new URLSearchParams()
  if (stream) params.set('stream', stream)
  if (table) params.set('table', table)
  if (topic) params.set('topic', topic)
  const key = params.toString()
  if (source !== undefined && key === sourceKey) return
  sourceKey = key
  latest = undefined
  void open(params)
}

/** The feed again, on a fresh URL: after a new key, or when a presigned one may have expired. */
export function refollow () {
  if (sourceKey === undefined) return
  void open(new URLSearchParams(sourceKey))
}

let opening = 0

/** The server's refusal of a feed URL, read with a GET that is cut off once its answer starts. */
async function whyRefused (url) {
  const controller = new AbortController()
  try {
    const res = await fetch(url, { signal: controller.signal })
    if (res.ok) return undefined
    await answer(res)
  } catch (err) {
    return err instanceof ApiError ? err.toString() : undefined
  } finally {
    controller.abort()
  }
  return undefined
}

async function open (params) {
  const attempt = ++opening
  source?.close()
  const url = await consoleUrl('/console/events', params)
  // A later follow() won the race while this URL was signed.
  if (attempt !== opening) return
  source = new EventSource(url)
  const live = document.getElementById('live')
  source.onopen = () => { live.textContent = 'live'; live.classList.add('on') }
  source.onerror = () => {
    live.textContent = 'reconnecting…'
    live.classList.remove('on')
    // The browser retries a dropped feed itself, with the same URL. A refused one (no
    // signature on a server with --auth, or an expired one) it gives up on, without
    // saying why: a plain GET of the URL tells (and asks for a key if that is the
    // reason), and the feed is tried anew on a fresh URL.
    if (source.readyState !== EventSource.CLOSED || attempt !== opening) return
    void whyRefused(url).then((why) => { if (why !== undefined) live.title = why })
    setTimeout(() => { if (attempt === opening) void open(params) }, 2000)
  }
  source.onmessage = (event) => {
    latest = JSON.parse(event.data)
    for (const listener of listeners) listener(latest)
  }
}

/** Calls `listener` with every snapshot (and the latest one now); returns the unsubscribe. */
export function onFeed (listener) {
  listeners.add(listener)
  if (latest !== undefined) listener(latest)
  return () => listeners.delete(listener)
}
