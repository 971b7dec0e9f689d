/**
 * Read-only commands for learning how shards work: `shards` prints the shard tree and
 * `locate` shows where a partition key goes. Both talk to a running server over gRPC.
 */
import { parseArgs } from 'node:util'
import { StreamClient, type Shard } from '../../client/index.js'
import { rethrowUnreachable } from './unreachable.js'
import { hashPartitionKey, type PartitionHash } from '../streams/hash-key.js'
import { percentOfSpace, renderShardTree } from './shard-tree.js'
import { UsageError } from './usage-error.js'

export const DEFAULT_ENDPOINT = '127.0.0.1:4568'

export const TEACHING_USAGE = `  shards STREAM [--endpoint HOST:PORT] [--region R]       print the shard tree: hash ranges, open or closed, parents, sequence ranges
  locate STREAM KEY [--endpoint HOST:PORT] [--region R]   print the key's hash and the shard it goes to
                                             (--endpoint defaults to ${DEFAULT_ENDPOINT}, --region to the server's)
`

export interface Target {
  readonly endpoint: string
  readonly region: string | undefined
}

function parse (args: string[], positionals: string[]): Target & { values: string[] } {
  let parsed
  try {
    parsed = parseArgs({ args, strict: true, allowPositionals: true, options: { endpoint: { type: 'string' }, region: { type: 'string' } } })
  } catch (err) {
    throw new UsageError((err as Error).message)
  }
  if (parsed.positionals.length !== positionals.length) {
    throw new UsageError(`expected ${positionals.join(' ')}, got ${parsed.positionals.length === 0 ? 'nothing' : parsed.positionals.join(' ')}`)
  }
  return { endpoint: parsed.values.endpoint ?? DEFAULT_ENDPOINT, region: parsed.values.region, values: parsed.positionals }
}

export async function allShards (client: StreamClient, streamName: string): Promise<Shard[]> {
  const shards: Shard[] = []
  let page = await client.listShards({ streamName })
  shards.push(...page.shards)
  while (page.nextToken !== undefined) {
    page = await client.listShards({ nextToken: page.nextToken })
    shards.push(...page.shards)
  }
  return shards
}

export async function withClient<T> ({ endpoint, region }: Target, run: (client: StreamClient) => Promise<T>): Promise<T> {
  const client = new StreamClient({ endpoint, deadlineMs: 10_000, ...(region === undefined ? {} : { region }) })
  try {
    return await run(client)
  } catch (err) {
    rethrowUnreachable(endpoint, err)
  } finally {
    client.close()
  }
}

export async function shardsCommand (args: string[]): Promise<string> {
  const { values: [streamName], ...target } = parse(args, ['STREAM'])
  return await withClient(target, async (client) => {
    const { streamDescriptionSummary: summary } = await client.describeStreamSummary({ streamName: streamName! })
    const shards = await allShards(client, streamName!)
    return [
      `stream ${summary.streamName}: ${summary.streamStatus}, ${summary.openShardCount} open of ${shards.length} shards, ` +
        `partition hash ${summary.partitionHash}, retention ${summary.retentionPeriodHours} h`,
      '',
      renderShardTree(shards),
      ''
    ].join('\n')
  })
}

export async function locateCommand (args: string[]): Promise<string> {
  const { values: [streamName, key], ...target } = parse(args, ['STREAM', 'KEY'])
  return await withClient(target, async (client) => {
    const { streamDescriptionSummary: summary } = await client.describeStreamSummary({ streamName: streamName! })
    const algorithm = summary.partitionHash as PartitionHash
    const hash = hashPartitionKey(key!, algorithm)
    const open = (await allShards(client, streamName!)).filter((s) => s.sequenceNumberRange.endingSequenceNumber === undefined)
    const shard = open.find((s) => BigInt(s.hashKeyRange.startingHashKey) <= hash && hash <= BigInt(s.hashKeyRange.endingHashKey))
    if (shard === undefined) throw new Error(`no open shard of ${streamName!} holds hash key ${hash}`)
    return [
      `key        ${JSON.stringify(key)}`,
      `hash       ${hash} (${algorithm}, ${percentOfSpace(hash.toString())} of the key space)`,
      `shard      ${shard.shardId}  [${shard.hashKeyRange.startingHashKey} .. ${shard.hashKeyRange.endingHashKey}]`,
      ''
    ].join('\n')
  })
}
