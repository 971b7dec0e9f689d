// AWS Signature Version 4 in the page, for a server run with --auth: the Authorization
// header for the API calls, and presigned query strings for the console's own GETs (an
// EventSource cannot send a header). Hand-written over the browser's Web Crypto because
// the console has no build step to bundle the SDK's signer; the server checks both forms
// with @smithy/signature-v4, so a mistake here shows as InvalidSignatureException.

const encoder = new TextEncoder()

function hex (buffer) {
  return [...new Uint8Array(buffer)].map((b) => b.toString(16).padStart(2, '0')).join('')
}

async function sha256Hex (text) {
  return hex(await crypto.subtle.digest('SHA-256', encoder.encode(text)))
}

async function hmac (key, text) {
  const raw = typeof key === 'string' ? encoder.encode(key) : key
  const imported = await crypto.subtle.importKey('raw', raw, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])
  return await crypto.subtle.sign('HMAC', imported, encoder.encode(text))
}

/** RFC 3986 encoding, as SigV4 wants it: encodeURIComponent leaves !'()* alone. */
function uriEncode (text) {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
}

function canonicalQuery (params) {
  return params
    .map(([k, v]) => [uriEncode(k), uriEncode(v)])
    .sort(([ka, va], [kb, vb]) => (ka < kb ? -1 : ka > kb ? 1 : va < vb ? -1 : va > vb ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&')
}

export function amzDate (now = new Date()) {
  return now.toISOString().replace(/[-:]/g, '').replace(/\.\d+/, '')
}

/** Whether this page can sign: Web Crypto is offered only to secure contexts (https, localhost). */
export function canSign () {
  return globalThis.crypto?.subtle !== undefined
}

async function signature ({ credentials, service, method, path, query, headers, body, date }) {
  const day = date.slice(0, 8)
  const scope = `${day}/${credentials.region}/${service}/aws4_request`
  // `headers` are the signed ones, lower-case, in order.
  const names = Object.keys(headers)
  const canonical = [method, path, query, ...names.map((n) => `${n}:${headers[n]}`), '', names.join(';'), await sha256Hex(body)].join('\n')
  const toSign = ['AWS4-HMAC-SHA256', date, scope, await sha256Hex(canonical)].join('\n')
  let key = await hmac(`AWS4${credentials.secretAccessKey}`, day)
  key = await hmac(key, credentials.region)
  key = await hmac(key, service)
  key = await hmac(key, 'aws4_request')
  return { scope, signature: hex(await hmac(key, toSign)) }
}

/** The x-amz-date and Authorization headers of a POST of `body` to `path`. */
export async function signedHeaders (credentials, service, path, body) {
  const date = amzDate()
  const { scope, signature: sig } = await signature({ credentials, service, method: 'POST', path, query: '', headers: { host: location.host, 'x-amz-date': date }, body, date })
  return { 'x-amz-date': date, authorization: `AWS4-HMAC-SHA256 Credential=${credentials.accessKeyId}/${scope}, SignedHeaders=host;x-amz-date, Signature=${sig}` }
}

/** `params` (pairs) with the presigning parameters of a GET of `path`, good for `expires` seconds. */
export async function presignedQuery (credentials, service, path, params, expires) {
  const date = amzDate()
  const day = date.slice(0, 8)
  const all = [...params,
    ['X-Amz-Algorithm', 'AWS4-HMAC-SHA256'],
    ['X-Amz-Credential', `${credentials.accessKeyId}/${day}/${credentials.region}/${service}/aws4_request`],
    ['X-Amz-Date', date],
    ['X-Amz-Expires', String(expires)],
    ['X-Amz-SignedHeaders', 'host']]
  const { signature: sig } = await signature({ credentials, service, method: 'GET', path, query: canonicalQuery(all), headers: { host: location.host }, body: '', date })
  return new URLSearchParams([...all, ['X-Amz-Signature', sig]]).toString()
}
