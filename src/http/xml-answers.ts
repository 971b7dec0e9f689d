/**
 * The XML of the AWS Query protocol's answers: `<ActionResponse xmlns><ActionResult>...
 * <ResponseMetadata><RequestId>` and `<ErrorResponse><Error>...`. Built with
 * fast-xml-parser's builder; text is escaped as AWS escapes it, `"` as `&quot;` and CR as
 * `&#xD;`: an XML parser turns a literal CR (or CR LF) into LF, so a message body with CR
 * would come back changed and fail the SDKs' MD5 check.
 */
import { XMLBuilder } from 'fast-xml-parser'
import type { XmlContent } from './shape-query.js'

const SPECIAL = /[&<>"\r]/
const SPECIALS = /[&<>"\r]/g
const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', '\r': '&#xD;' }

export function escapeXml (text: string): string {
  return SPECIAL.test(text) ? text.replace(SPECIALS, (c) => ENTITIES[c]!) : text
}

const builder = new XMLBuilder({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  // Escaping is ours (above), not the builder's, which would write `'` as `&apos;` and leave CR.
  processEntities: false,
  tagValueProcessor: (_name: string, value: unknown) => (typeof value === 'string' ? escapeXml(value) : value),
  suppressEmptyNode: true
})

const DECLARATION = '<?xml version="1.0"?>'

/** `<{action}Response>` with its Result (unless the action has no output) and the request id. */
export function queryResponseXml (namespace: string, action: string, result: Record<string, XmlContent | XmlContent[]> | undefined, requestId: string): Buffer {
  const response: Record<string, unknown> = { '@_xmlns': namespace }
  if (result !== undefined) response[`${action}Result`] = result
  response.ResponseMetadata = { RequestId: requestId }
  return Buffer.from(DECLARATION + (builder.build({ [`${action}Response`]: response }) as string))
}

export interface QueryErrorXml {
  /** `Sender` or `Receiver`. */
  readonly type: string
  readonly code: string
  readonly message: string
}

/** AWS's `<ErrorResponse>`: Type, Code, Message, an empty Detail, and the request id. */
export function queryErrorXml (namespace: string, error: QueryErrorXml, requestId: string): Buffer {
  return Buffer.from(DECLARATION + (builder.build({
    ErrorResponse: {
      '@_xmlns': namespace,
      Error: { Type: error.type, Code: error.code, Message: error.message, Detail: '' },
      RequestId: requestId
    }
  }) as string))
}
