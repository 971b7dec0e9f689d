// How the page talks to the server: the public Kinesis JSON 1.1 API (same origin, `POST /`
// with X-Amz-Target), SQS JSON 1.0 (`POST /` with `X-Amz-Target: AmazonSQS.*`), SNS on
// the Query protocol (a form-encoded `POST /`, answered in XML), a few console-only
// reads, and the server-push feed.

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

function amzDate () {
  return new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+/, '')
}

function signedHeaders (service) {
  const date = amzDate()
  // Unsigned: without --auth the server reads only the credential's shape. The empty
  // region in the scope means the server's own region; the service picks the API.
  return {
    'x-amz-date': date,
    authorization: `AWS4-HMAC-SHA256 Credential=console/${date.slice(0, 8)}//${service}/aws4_request, SignedHeaders=host;x-amz-date, Signature=0`
  }
}

async function awsCall (endpoint, service, contentType, target, body) {
  const res = await fetch(endpoint, {
    method: 'POST',
    headers: { 'content-type': contentType, 'x-amz-target': target, ...signedHeaders(service) },
    body: JSON.stringify(body)
  })
  return await answer(res)
}

async function answer (res) {
  const text = await res.text()
  let json = {}
  try { json = text === '' ? {} : JSON.parse(text) } catch { json = { message: text } }
  if (!res.ok) {
    const type = json.__type ?? res.headers.get('x-amzn-ErrorType') ?? `HTTP ${res.status}`
    throw new ApiError(type, json.message ?? json.Message ?? res.headers.get('x-shardline-message') ?? text)
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
  const res = await fetch('/', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...signedHeaders('sns') },
    body: form.toString()
  })
  const text = await res.text()
  const doc = new DOMParser().parseFromString(text, 'application/xml')
  if (!res.ok) {
    const code = doc.querySelector('Error > Code')?.textContent ?? res.headers.get('x-amzn-ErrorType') ?? `HTTP ${res.status}`
    throw new ApiError(code, doc.querySelector('Error > Message')?.textContent ?? text)
  }
  return doc
}

export async function consoleGet (path, params) {
  const query = new URLSearchParams()
  for (const [k, v] of Object.entries(params)) for (const one of [v].flat()) query.append(k, one)
  return await answer(await fetch(`/console/${path}?${query}`))
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
  source?.close()
  sourceKey = key
  latest = undefined
  source = new EventSource(`/console/events?${key}`)
  const live = document.getElementById('live')
  source.onopen = () => { live.textContent = 'live'; live.classList.add('on') }
  source.onerror = () => { live.textContent = 'reconnecting…'; live.classList.remove('on') }
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
