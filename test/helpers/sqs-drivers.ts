/**
 * One SQS conformance suite, three transports: each driver takes an action and its input
 * with AWS's member names (`QueueUrl`, `MessageAttributes`, ...) and answers with AWS's
 * output shape or a normalised error, so a table of cases runs unchanged over
 * - `json`: the current @aws-sdk/client-sqs (JSON 1.0),
 * - `query`: @aws-sdk/client-sqs 3.445.0 (npm alias `client-sqs-query`), which speaks Query,
 * - `grpc`: shardline's QueueClient.
 * Both SDKs check the MD5s of what they send and receive, so every send and receive over
 * HTTP also checks the server's digests.
 */
import * as JsonSqs from '@aws-sdk/client-sqs'
import { NodeHttpHandler } from '@smithy/node-http-handler'
import * as QuerySqs from 'client-sqs-query'
import { isShardlineError, QueueClient } from '../../client/index.js'
import { TEST_CREDENTIALS } from './aws-sdk.js'

export type DriverName = 'json' | 'query' | 'grpc'
export const DRIVERS: readonly DriverName[] = ['json', 'query', 'grpc']

export type Shape = Record<string, unknown>

/** A failed call as every transport can tell it. */
export interface DriverError {
  /** The JSON `__type` (json, grpc), undefined where the transport does not carry it (query). */
  readonly awsType: string | undefined
  /** The Query code (query; json through x-amzn-query-error), undefined over gRPC. */
  readonly queryCode: string | undefined
  /** The catalogue code (grpc only). */
  readonly code: string | undefined
  readonly status: number | undefined
  readonly message: string
}

export type Outcome = { readonly ok: true, readonly output: Shape } | { readonly ok: false, readonly error: DriverError }

export interface SqsDriver {
  readonly name: DriverName
  call (action: string, input: Shape): Promise<Outcome>
  close (): void
}

type Commands = Record<string, new (input: never) => unknown>
interface RawResponse { statusCode: number, headers: Record<string, string>, body: unknown }
type Handler = (args: unknown) => Promise<{ response: RawResponse }>
interface SdkClient {
  send (command: unknown): Promise<Shape>
  destroy (): void
  middlewareStack: { add (middleware: (next: Handler) => Handler, options: { step: string, priority: string }): void }
}

async function bodyBytes (body: unknown): Promise<Buffer> {
  if (body instanceof Uint8Array) return Buffer.from(body)
  const chunks: Buffer[] = []
  for await (const chunk of body as AsyncIterable<Uint8Array>) chunks.push(Buffer.from(chunk))
  return Buffer.concat(chunks)
}

/** The error names on the wire: `__type` after its `#` (JSON), `<Code>` (Query), and x-amzn-query-error's code. */
interface WireError { awsType: string | undefined, queryCode: string | undefined, message: string | undefined }

const XML_ENTITIES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&apos;': "'", '&#xD;': '\r' }

function wireNames (name: 'json' | 'query', body: string, header: string | undefined): WireError {
  const headerCode = header?.split(';')[0]
  if (name === 'json') {
    const parsed = JSON.parse(body) as { __type?: string, message?: string }
    return { awsType: parsed.__type?.slice(parsed.__type.indexOf('#') + 1), queryCode: headerCode, message: parsed.message }
  }
  const message = /<Message>([^<]*)<\/Message>/.exec(body)?.[1]?.replace(/&[#\w]+;/g, (e) => XML_ENTITIES[e] ?? e)
  return { awsType: undefined, queryCode: /<Code>([^<]*)<\/Code>/.exec(body)?.[1], message }
}

function sdkDriver (name: 'json' | 'query', httpPort: number, sdk: Commands, Client: new (config: Shape) => SdkClient): SqsDriver {
  const client = new Client({
    endpoint: `http://127.0.0.1:${httpPort}`,
    region: 'us-east-1',
    credentials: TEST_CREDENTIALS,
    maxAttempts: 1,
    requestHandler: new NodeHttpHandler({ connectionTimeout: 5000 })
  })
  // The SDKs name an error by its modelled shape (QueueNameExists for Query's
  // QueueAlreadyExists) or by the query code; the test checks what the server sent, so the
  // error body is read here, below the SDK's deserializer, and handed on unchanged.
  const seen: { error?: WireError | undefined } = {}
  client.middlewareStack.add((next) => async (args) => {
    const out = await next(args)
    const res = out.response
    if (res.statusCode >= 300) {
      const bytes = await bodyBytes(res.body)
      res.body = bytes
      seen.error = wireNames(name, bytes.toString('utf8'), res.headers['x-amzn-query-error'])
    }
    return out
  }, { step: 'deserialize', priority: 'low' })
  return {
    name,
    async call (action, input) {
      const Command = sdk[`${action}Command`]
      if (Command === undefined) throw new Error(`${name}: no ${action}Command`)
      seen.error = undefined
      try {
        const { $metadata: _, ...output } = await client.send(new Command(input as never))
        return { ok: true, output }
      } catch (err) {
        const e = err as Error & { Code?: string, $metadata?: { httpStatusCode?: number } }
        // Set by the middleware during the call (TypeScript cannot see that).
        const names = seen.error as WireError | undefined
        if (e.$metadata?.httpStatusCode === undefined || names === undefined) throw err
        return { ok: false, error: { awsType: names.awsType, queryCode: names.queryCode, code: undefined, status: e.$metadata.httpStatusCode, message: names.message ?? e.message } }
      }
    },
    close: () => client.destroy()
  }
}

/** Members whose value is a map with user keys (attribute names, tag keys): keys kept as they are. */
const MAPS = new Set(['Attributes', 'MessageAttributes', 'MessageSystemAttributes', 'Tags', 'tags'])

/** `MD5OfBody` -> `md5OfBody`, `QueueOwnerAWSAccountId` -> `queueOwnerAwsAccountId`, `AWSAccountIds` -> `awsAccountIds`. */
function camel (name: string): string {
  return name.replace(/^MD5/, 'md5').replace(/AWS/g, (m, at: number) => (at === 0 ? 'aws' : 'Aws')).replace(/^[A-Z]/, (c) => c.toLowerCase())
}

/** `md5OfBody` -> `MD5OfBody`, `awsAccountIds` -> `AWSAccountIds`. */
function pascal (name: string): string {
  return name.replace(/^md5/, 'MD5').replace(/^aws/, 'AWS').replace(/Aws/g, 'AWS').replace(/^[a-z]/, (c) => c.toUpperCase())
}

function convert (value: unknown, rename: (key: string) => string, inMap = false): unknown {
  if (Array.isArray(value)) return value.map((v) => convert(v, rename))
  if (value === null || typeof value !== 'object' || value instanceof Uint8Array) return value
  const out: Shape = {}
  for (const [key, v] of Object.entries(value)) {
    const renamed = inMap ? key : rename(key)
    out[renamed] = convert(v, rename, !inMap && (MAPS.has(key) || MAPS.has(renamed)))
  }
  return out
}

/** The gRPC client's normalised answers (empty lists and maps) as AWS leaves them: out. */
function dropEmpty (value: unknown): unknown {
  if (Array.isArray(value)) return value.map(dropEmpty)
  if (value === null || typeof value !== 'object' || value instanceof Uint8Array) return value
  const out: Shape = {}
  for (const [k, v] of Object.entries(value)) {
    if (Array.isArray(v) && v.length === 0) continue
    if (v !== null && typeof v === 'object' && !(v instanceof Uint8Array) && !Array.isArray(v) && Object.keys(v).length === 0) continue
    out[k] = dropEmpty(v)
  }
  return out
}

function grpcDriver (endpoint: string): SqsDriver {
  const client = new QueueClient({ endpoint })
  const methods = client as unknown as Record<string, (input: unknown) => Promise<unknown>>
  return {
    name: 'grpc',
    async call (action, input) {
      const method = methods[camel(action)]
      if (method === undefined) throw new Error(`grpc: no ${action}`)
      try {
        const output = await method.call(client, convert(input, camel))
        return { ok: true, output: dropEmpty(convert(output, pascal)) as Shape }
      } catch (err) {
        if (!isShardlineError(err)) throw err
        return { ok: false, error: { awsType: err.awsType, queryCode: undefined, code: err.code, status: undefined, message: err.message } }
      }
    },
    close: () => client.close()
  }
}

export function sqsDriver (name: DriverName, server: { httpPort: number, grpcEndpoint: string }): SqsDriver {
  switch (name) {
    case 'json': return sdkDriver('json', server.httpPort, JsonSqs as unknown as Commands, JsonSqs.SQSClient as unknown as new (config: Shape) => SdkClient)
    case 'query': return sdkDriver('query', server.httpPort, QuerySqs as unknown as Commands, QuerySqs.SQSClient as unknown as new (config: Shape) => SdkClient)
    case 'grpc': return grpcDriver(server.grpcEndpoint)
  }
}
