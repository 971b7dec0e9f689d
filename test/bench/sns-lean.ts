/**
 * A lean SNS client for the benchmarks: the Query protocol (form bodies, XML answers),
 * which is the only protocol botocore's and the AWS SDKs' SNS models speak, and the one
 * both shardline and moto serve. Publish and PublishBatch bodies that do not change are
 * built once by the caller (`*Body`), so a call costs this process a write and a small
 * scan of the answer; answers are read with regular expressions for the few elements a
 * benchmark needs, as in sqs-lean.ts.
 */
import { LeanHttp, dummyAuthorization } from './lean-http.js'

const VERSION = '2010-03-31'

const HEADERS = {
  'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
  'x-amz-date': '20260101T000000Z',
  authorization: dummyAuthorization('sns')
}

/** A message attribute as Publish takes it. */
export interface Attribute {
  readonly type: 'String' | 'Number' | 'String.Array'
  readonly value: string
}

export interface PublishEntry {
  readonly id: string
  readonly message: string
  readonly attributes?: Readonly<Record<string, Attribute>>
}

const XML_ENTITIES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&apos;': "'" }

function unescapeXml (text: string): string {
  return text.replace(/&(?:amp|lt|gt|quot|apos);/g, (e) => XML_ENTITIES[e]!)
}

function form (params: Record<string, string>): string {
  return new URLSearchParams(params).toString()
}

function element (text: string, name: string): string | undefined {
  const found = new RegExp(`<${name}>([^<]*)</${name}>`).exec(text)?.[1]
  return found === undefined ? undefined : unescapeXml(found)
}

function putAttributes (params: Record<string, string>, prefix: string, attributes: Readonly<Record<string, Attribute>> | undefined): void {
  Object.entries(attributes ?? {}).forEach(([name, a], i) => {
    const p = `${prefix}MessageAttributes.entry.${i + 1}`
    params[`${p}.Name`] = name
    params[`${p}.Value.DataType`] = a.type
    params[`${p}.Value.StringValue`] = a.value
  })
}

export class SnsQuery {
  readonly #http: LeanHttp

  constructor (endpoint: string, sockets: number) {
    this.#http = new LeanHttp(endpoint, sockets)
  }

  async #call (action: string, prepared: string): Promise<string> {
    const { status, text } = await this.#http.post('/', HEADERS, prepared)
    if (status !== 200) throw new Error(`${action} answered ${status}: ${text.slice(0, 300)}`)
    return text
  }

  async #action (action: string, params: Record<string, string>): Promise<string> {
    return await this.#call(action, form({ Action: action, Version: VERSION, ...params }))
  }

  async createTopic (name: string): Promise<string> {
    const text = await this.#action('CreateTopic', { Name: name })
    const arn = element(text, 'TopicArn')
    if (arn === undefined) throw new Error(`CreateTopic answered without a TopicArn: ${text.slice(0, 300)}`)
    return arn
  }

  /** Subscribes with `attributes` (RawMessageDelivery, FilterPolicy...); resolves with the subscription's ARN (ReturnSubscriptionArn). */
  async subscribe (topicArn: string, protocol: string, endpoint: string, attributes: Record<string, string> = {}): Promise<string> {
    const params: Record<string, string> = { TopicArn: topicArn, Protocol: protocol, Endpoint: endpoint, ReturnSubscriptionArn: 'true' }
    Object.entries(attributes).forEach(([k, v], i) => {
      params[`Attributes.entry.${i + 1}.key`] = k
      params[`Attributes.entry.${i + 1}.value`] = v
    })
    const text = await this.#action('Subscribe', params)
    const arn = element(text, 'SubscriptionArn')
    if (arn === undefined) throw new Error(`Subscribe answered without a SubscriptionArn: ${text.slice(0, 300)}`)
    return arn
  }

  async subscriptionAttributes (subscriptionArn: string): Promise<Record<string, string>> {
    const text = await this.#action('GetSubscriptionAttributes', { SubscriptionArn: subscriptionArn })
    return Object.fromEntries(Array.from(text.matchAll(/<entry>\s*<key>([^<]*)<\/key>\s*<value>([^<]*)<\/value>\s*<\/entry>/g), (m) => [m[1]!, unescapeXml(m[2]!)]))
  }

  publishBody (topicArn: string, message: string, attributes?: Readonly<Record<string, Attribute>>): string {
    const params: Record<string, string> = { Action: 'Publish', Version: VERSION, TopicArn: topicArn, Message: message }
    putAttributes(params, '', attributes)
    return form(params)
  }

  publishBatchBody (topicArn: string, entries: readonly PublishEntry[]): string {
    const params: Record<string, string> = { Action: 'PublishBatch', Version: VERSION, TopicArn: topicArn }
    entries.forEach((e, i) => {
      const p = `PublishBatchRequestEntries.member.${i + 1}`
      params[`${p}.Id`] = e.id
      params[`${p}.Message`] = e.message
      putAttributes(params, `${p}.`, e.attributes)
    })
    return form(params)
  }

  /** Resolves with the MessageId once the server answered (shardline: once the message is durable). */
  async publish (prepared: string): Promise<string> {
    const text = await this.#call('Publish', prepared)
    const id = element(text, 'MessageId')
    if (id === undefined) throw new Error(`Publish answered without a MessageId: ${text.slice(0, 300)}`)
    return id
  }

  /** Resolves with the entries published; throws if any failed. */
  async publishBatch (prepared: string): Promise<number> {
    const text = await this.#call('PublishBatch', prepared)
    const failed = /<Failed>([\s\S]*?)<\/Failed>/.exec(text)?.[1] ?? ''
    if (failed.includes('<member>')) throw new Error(`PublishBatch failed entries: ${failed.slice(0, 300)}`)
    const successful = /<Successful>([\s\S]*?)<\/Successful>/.exec(text)?.[1] ?? ''
    return successful.split('<MessageId>').length - 1
  }

  close (): void {
    this.#http.close()
  }
}
