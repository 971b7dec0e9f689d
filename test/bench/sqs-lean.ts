/**
 * Lean SQS clients for the benchmarks, one per protocol, with the same interface: JSON 1.0
 * (what current SDKs send; shardline and moto serve it) and Query (form bodies, XML answers;
 * the only protocol sqslite serves). Request bodies that do not change are built once by
 * the caller (`*Body`), so a call costs this process a write and a small parse.
 *
 * Query answers are read with a few regular expressions for the elements a benchmark needs
 * rather than an XML parser: the answers are the servers' own, well-formed and small, and a
 * full parse per call would cost this process CPU the server under test then lacks.
 */
import { LeanHttp, dummyAuthorization } from './lean-http.js'

export interface BatchEntry {
  readonly id: string
  readonly body: string
  readonly groupId?: string
  readonly deduplicationId?: string
}

export interface Received {
  readonly handle: string
}

export interface SqsLean {
  readonly protocol: 'JSON' | 'Query'
  createQueue (name: string, attributes: Record<string, string>): Promise<string>
  sendBody (queueUrl: string, body: string): string
  sendBatchBody (queueUrl: string, entries: readonly BatchEntry[]): string
  receiveBody (queueUrl: string, max: number, waitSeconds: number, visibilityTimeout?: number): string
  /** Resolves once the message is stored. */
  send (prepared: string): Promise<void>
  /** Resolves with the entries stored; throws if any failed. */
  sendBatch (prepared: string): Promise<number>
  receive (prepared: string): Promise<Received[]>
  deleteBatch (queueUrl: string, handles: readonly Received[]): Promise<number>
  close (): void
}

const JSON_HEADERS = {
  'content-type': 'application/x-amz-json-1.0',
  'x-amz-date': '20260101T000000Z',
  authorization: dummyAuthorization('sqs', 'x-amz-target')
}

export class SqsJson implements SqsLean {
  readonly protocol = 'JSON'
  readonly #http: LeanHttp
  readonly #headers: Record<string, Record<string, string>> = {}

  constructor (endpoint: string, sockets: number) {
    this.#http = new LeanHttp(endpoint, sockets)
  }

  async #call<T> (action: string, body: string): Promise<T> {
    const headers = this.#headers[action] ??= { ...JSON_HEADERS, 'x-amz-target': `AmazonSQS.${action}` }
    const { status, text } = await this.#http.post('/', headers, body)
    if (status !== 200) throw new Error(`${action} answered ${status}: ${text.slice(0, 300)}`)
    return (text === '' ? {} : JSON.parse(text)) as T
  }

  async createQueue (name: string, attributes: Record<string, string>): Promise<string> {
    const { QueueUrl } = await this.#call<{ QueueUrl: string }>('CreateQueue', JSON.stringify({ QueueName: name, Attributes: attributes }))
    return QueueUrl
  }

  sendBody (queueUrl: string, body: string): string {
    return JSON.stringify({ QueueUrl: queueUrl, MessageBody: body })
  }

  sendBatchBody (queueUrl: string, entries: readonly BatchEntry[]): string {
    return JSON.stringify({
      QueueUrl: queueUrl,
      Entries: entries.map((e) => ({
        Id: e.id,
        MessageBody: e.body,
        ...(e.groupId === undefined ? {} : { MessageGroupId: e.groupId }),
        ...(e.deduplicationId === undefined ? {} : { MessageDeduplicationId: e.deduplicationId })
      }))
    })
  }

  receiveBody (queueUrl: string, max: number, waitSeconds: number, visibilityTimeout?: number): string {
    return JSON.stringify({ QueueUrl: queueUrl, MaxNumberOfMessages: max, WaitTimeSeconds: waitSeconds, ...(visibilityTimeout === undefined ? {} : { VisibilityTimeout: visibilityTimeout }) })
  }

  async send (prepared: string): Promise<void> {
    await this.#call('SendMessage', prepared)
  }

  async sendBatch (prepared: string): Promise<number> {
    const res = await this.#call<{ Successful?: unknown[], Failed?: Array<{ Code: string, Message?: string }> }>('SendMessageBatch', prepared)
    const failed = res.Failed ?? []
    if (failed.length > 0) throw new Error(`SendMessageBatch failed ${failed.length} entries: ${failed[0]!.Code} ${failed[0]!.Message ?? ''}`)
    return res.Successful?.length ?? 0
  }

  async receive (prepared: string): Promise<Received[]> {
    const res = await this.#call<{ Messages?: Array<{ ReceiptHandle: string }> }>('ReceiveMessage', prepared)
    return (res.Messages ?? []).map((m) => ({ handle: m.ReceiptHandle }))
  }

  async attributes (queueUrl: string, names: readonly string[]): Promise<Record<string, string>> {
    const res = await this.#call<{ Attributes?: Record<string, string> }>('GetQueueAttributes', JSON.stringify({ QueueUrl: queueUrl, AttributeNames: names }))
    return res.Attributes ?? {}
  }

  async deleteBatch (queueUrl: string, handles: readonly Received[]): Promise<number> {
    const res = await this.#call<{ Successful?: unknown[], Failed?: Array<{ Code: string }> }>('DeleteMessageBatch', JSON.stringify({
      QueueUrl: queueUrl,
      Entries: handles.map((h, i) => ({ Id: String(i), ReceiptHandle: h.handle }))
    }))
    if ((res.Failed ?? []).length > 0) throw new Error(`DeleteMessageBatch failed ${res.Failed!.length} entries: ${res.Failed![0]!.Code}`)
    return res.Successful?.length ?? 0
  }

  close (): void {
    this.#http.close()
  }
}

const QUERY_HEADERS = {
  'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
  'x-amz-date': '20260101T000000Z',
  authorization: dummyAuthorization('sqs')
}

const XML_ENTITIES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&apos;': "'" }

function unescapeXml (text: string): string {
  return text.replace(/&(?:amp|lt|gt|quot|apos);/g, (e) => XML_ENTITIES[e]!)
}

function form (params: Record<string, string | number>): string {
  return new URLSearchParams(Object.entries(params).map(([k, v]): [string, string] => [k, String(v)])).toString()
}

function count (text: string, element: string): number {
  let n = 0
  for (let at = text.indexOf(`<${element}>`); at !== -1; at = text.indexOf(`<${element}>`, at + 1)) n++
  return n
}

export interface SqsQueryOptions {
  /** Sent as `Host`, for a peer that resolves only the queue URLs it expects. */
  readonly hostHeader?: string
  /**
   * Settle received messages with one DeleteMessage per distinct receipt handle instead of
   * DeleteMessageBatch, for a peer whose DeleteMessageBatch is broken (see sqs-peers.ts).
   */
  readonly deleteByHandle?: boolean
}

export class SqsQuery implements SqsLean {
  readonly protocol = 'Query'
  readonly #http: LeanHttp
  readonly #deleteByHandle: boolean

  constructor (endpoint: string, sockets: number, options: SqsQueryOptions = {}) {
    this.#http = new LeanHttp(endpoint, sockets, options.hostHeader)
    this.#deleteByHandle = options.deleteByHandle ?? false
  }

  async #call (action: string, prepared: string): Promise<string> {
    const { status, text } = await this.#http.post('/', QUERY_HEADERS, prepared)
    if (status !== 200) throw new Error(`${action} answered ${status}: ${text.slice(0, 300)}`)
    return text
  }

  async createQueue (name: string, attributes: Record<string, string>): Promise<string> {
    const params: Record<string, string> = { Action: 'CreateQueue', Version: '2012-11-05', QueueName: name }
    Object.entries(attributes).forEach(([k, v], i) => {
      params[`Attribute.${i + 1}.Name`] = k
      params[`Attribute.${i + 1}.Value`] = v
    })
    const text = await this.#call('CreateQueue', form(params))
    const url = /<QueueUrl>([^<]+)<\/QueueUrl>/.exec(text)?.[1]
    if (url === undefined) throw new Error(`CreateQueue answered without a QueueUrl: ${text.slice(0, 300)}`)
    return unescapeXml(url)
  }

  sendBody (queueUrl: string, body: string): string {
    return form({ Action: 'SendMessage', Version: '2012-11-05', QueueUrl: queueUrl, MessageBody: body })
  }

  sendBatchBody (queueUrl: string, entries: readonly BatchEntry[]): string {
    const params: Record<string, string> = { Action: 'SendMessageBatch', Version: '2012-11-05', QueueUrl: queueUrl }
    entries.forEach((e, i) => {
      const p = `SendMessageBatchRequestEntry.${i + 1}`
      params[`${p}.Id`] = e.id
      params[`${p}.MessageBody`] = e.body
      if (e.groupId !== undefined) params[`${p}.MessageGroupId`] = e.groupId
      if (e.deduplicationId !== undefined) params[`${p}.MessageDeduplicationId`] = e.deduplicationId
    })
    return form(params)
  }

  receiveBody (queueUrl: string, max: number, waitSeconds: number, visibilityTimeout?: number): string {
    return form({ Action: 'ReceiveMessage', Version: '2012-11-05', QueueUrl: queueUrl, MaxNumberOfMessages: max, WaitTimeSeconds: waitSeconds, ...(visibilityTimeout === undefined ? {} : { VisibilityTimeout: visibilityTimeout }) })
  }

  async send (prepared: string): Promise<void> {
    await this.#call('SendMessage', prepared)
  }

  async sendBatch (prepared: string): Promise<number> {
    const text = await this.#call('SendMessageBatch', prepared)
    const failed = count(text, 'BatchResultErrorEntry')
    if (failed > 0) throw new Error(`SendMessageBatch failed ${failed} entries: ${text.slice(0, 300)}`)
    return count(text, 'SendMessageBatchResultEntry')
  }

  async receive (prepared: string): Promise<Received[]> {
    const text = await this.#call('ReceiveMessage', prepared)
    return Array.from(text.matchAll(/<ReceiptHandle>([^<]+)<\/ReceiptHandle>/g), (m) => ({ handle: unescapeXml(m[1]!) }))
  }

  async deleteBatch (queueUrl: string, handles: readonly Received[]): Promise<number> {
    if (this.#deleteByHandle) {
      for (const handle of new Set(handles.map((h) => h.handle))) {
        await this.#call('DeleteMessage', form({ Action: 'DeleteMessage', Version: '2012-11-05', QueueUrl: queueUrl, ReceiptHandle: handle }))
      }
      return handles.length
    }
    const params: Record<string, string> = { Action: 'DeleteMessageBatch', Version: '2012-11-05', QueueUrl: queueUrl }
    handles.forEach((h, i) => {
      params[`DeleteMessageBatchRequestEntry.${i + 1}.Id`] = String(i)
      params[`DeleteMessageBatchRequestEntry.${i + 1}.ReceiptHandle`] = h.handle
    })
    const text = await this.#call('DeleteMessageBatch', form(params))
    const failed = count(text, 'BatchResultErrorEntry')
    if (failed > 0) throw new Error(`DeleteMessageBatch failed ${failed} entries: ${text.slice(0, 300)}`)
    return count(text, 'DeleteMessageBatchResultEntry')
  }

  close (): void {
    this.#http.close()
  }
}
