/**
 * The teaching commands, run as a user runs them: `shardline shards STREAM` prints the shard
 * lineage as a tree and `shardline locate STREAM KEY` shows a key's hash and shard, both
 * against a running server. Each child process costs over a second, so the four runs
 * start together once the stream is set up, and the tests check their output.
 */
import murmur from 'murmurhash3js-revisited'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { StreamClient, type Shard } from '../client/index.js'
import { runCli, type CliRun } from './helpers/child-server.js'
import { shardId } from './helpers/control-plane.js'
import { startServer, uniqueName, type TestServer } from './helpers/server.js'

function murmurHash (key: string): bigint {
  return BigInt('0x' + murmur.x64.hash128(new TextEncoder().encode(key)))
}

const QUARTER = 1n << 126n

let srv: TestServer
let streamName: string
let missing: string
let key: string
let shards: Shard[]
let shardsRun: CliRun
let locateRun: CliRun
let missingRun: CliRun
let usageRun: CliRun
let regionRun: CliRun

beforeAll(async () => {
  srv = await startServer()
  const { client } = srv
  streamName = uniqueName('teach')
  missing = uniqueName('teach-none')
  // Shards 0 and 1; shard 0 splits into 2 and 3; 3 merges with 1 into 4. Open: 2 and 4.
  await client.createStream({ streamName, shardCount: 2 })
  await client.splitShard({ streamName, shardToSplit: shardId(0), newStartingHashKey: QUARTER.toString() })
  await client.mergeShards({ streamName, shardToMerge: shardId(3), adjacentShardToMerge: shardId(1) })
  shards = (await client.listShards({ streamName })).shards
  // A key in the first quarter: the closed shard 0 and the open shard 2 both cover its
  // hash, so locate must pick the open one.
  key = Array.from({ length: 200 }, (_, i) => `user-${i}`).find((k) => murmurHash(k) < QUARTER)!
  expect(key).toBeDefined()
  // The same name in another region holds another stream.
  const west = new StreamClient({ endpoint: srv.endpoint, region: 'eu-west-1' })
  await west.createStream({ streamName, shardCount: 1 })
  west.close()
  const endpoint = ['--endpoint', srv.endpoint]
  ;[shardsRun, locateRun, missingRun, usageRun, regionRun] = await Promise.all([
    runCli(['shards', streamName, ...endpoint]),
    runCli(['locate', streamName, key, ...endpoint]),
    runCli(['shards', missing, ...endpoint]),
    runCli(['locate', streamName, ...endpoint]),
    runCli(['shards', streamName, '--region', 'eu-west-1', ...endpoint])
  ])
}, 60_000)

afterAll(async () => {
  await srv?.close()
})

interface TreeLine {
  id: string
  column: number
  text: string
}

/** The tree's shard lines: full entries and "merged with" references, with their depth. */
function treeLines (output: string, pattern: RegExp): TreeLine[] {
  return output.split('\n').flatMap((text) => {
    const match = pattern.exec(text)
    return match === null ? [] : [{ id: match[1]!, column: text.indexOf(match[1]!), text }]
  })
}

const ENTRY = /(shardId-\d{12}) {2}(?:OPEN|CLOSED) /
const REFERENCE = /(shardId-\d{12}) {2}\(merged with /

/** The entry a line hangs under: the nearest entry above it that starts further left. */
function drawnUnder (output: string, line: TreeLine): string | undefined {
  const entries = treeLines(output, ENTRY)
  const lines = output.split('\n')
  const at = lines.indexOf(line.text)
  let parent: string | undefined
  for (const entry of entries) {
    if (lines.indexOf(entry.text) >= at) break
    if (entry.column < line.column) parent = entry.id
  }
  return parent
}

describe('shardline shards', () => {
  it('exits 0 and heads the tree with the stream summary', () => {
    expect(shardsRun.code, shardsRun.stderr).toBe(0)
    expect(shardsRun.stderr).toBe('')
    expect(shardsRun.stdout.split('\n')[0]).toBe(`stream ${streamName}: ACTIVE, 2 open of 5 shards, partition hash MURMUR3, retention 24 h`)
  })

  it('shows the stream of that name in the region --region names', () => {
    expect(regionRun.code, regionRun.stderr).toBe(0)
    expect(regionRun.stdout.split('\n')[0]).toBe(`stream ${streamName}: ACTIVE, 1 open of 1 shards, partition hash MURMUR3, retention 24 h`)
  })

  it('draws every shard once, with its state and hash range', () => {
    const entries = treeLines(shardsRun.stdout, ENTRY)
    expect(entries.map((e) => e.id).sort()).toEqual(shards.map((s) => s.shardId))
    for (const shard of shards) {
      const entry = entries.find((e) => e.id === shard.shardId)!
      const open = shard.sequenceNumberRange.endingSequenceNumber === undefined
      expect(entry.text).toContain(`${shard.shardId}  ${open ? 'OPEN' : 'CLOSED'}  `)
      expect(entry.text).toContain(`[${shard.hashKeyRange.startingHashKey} .. ${shard.hashKeyRange.endingHashKey}]`)
    }
    expect(entries.filter((e) => / {2}OPEN /.test(e.text)).map((e) => e.id).sort()).toEqual([shardId(2), shardId(4)])
  })

  it('prints each shard\'s sequence number range', () => {
    for (const shard of shards) {
      const { startingSequenceNumber: first, endingSequenceNumber: last } = shard.sequenceNumberRange
      expect(shardsRun.stdout).toContain(`sequence ${first} .. ${last ?? '(open)'}`)
    }
  })

  it('draws children under their parents', () => {
    const entries = treeLines(shardsRun.stdout, ENTRY)
    const under = Object.fromEntries(entries.map((e) => [e.id, drawnUnder(shardsRun.stdout, e)]))
    expect(under).toEqual({
      [shardId(0)]: undefined,
      [shardId(1)]: undefined,
      [shardId(2)]: shardId(0),
      [shardId(3)]: shardId(0),
      [shardId(4)]: shardId(3)
    })
  })

  it('refers to a merged child under its adjacent parent', () => {
    const references = treeLines(shardsRun.stdout, REFERENCE)
    expect(references).toHaveLength(1)
    const [reference] = references as [TreeLine]
    expect(reference.id).toBe(shardId(4))
    expect(reference.text).toContain(`(merged with ${shardId(3)}`)
    expect(drawnUnder(shardsRun.stdout, reference)).toBe(shardId(1))
  })

  it('exits 1 with the server\'s message for an unknown stream', () => {
    expect(missingRun.code).toBe(1)
    expect(missingRun.stdout).toBe('')
    expect(missingRun.stderr).toMatch(/^shardline: /)
    expect(missingRun.stderr).toContain(`Stream ${missing} under account 000000000000 not found`)
  })
})

describe('shardline locate', () => {
  it('prints the key, its MurmurHash3 hash and the open shard that holds it', async () => {
    expect(locateRun.code, locateRun.stderr).toBe(0)
    expect(locateRun.stderr).toBe('')
    const hash = murmurHash(key)
    const percent = (Number((hash * 10_000n) / (1n << 128n)) / 100).toFixed(2)
    const lines = locateRun.stdout.split('\n')
    expect(lines[0]).toBe(`key        ${JSON.stringify(key)}`)
    expect(lines[1]).toBe(`hash       ${hash} (MURMUR3, ${percent}% of the key space)`)
    expect(lines[2]).toBe(`shard      ${shardId(2)}  [0 .. ${QUARTER - 1n}]`)
    // The server puts the key in the same shard.
    const put = await srv.client.putRecord({ streamName, partitionKey: key, data: 'x' })
    expect(put.shardId).toBe(shardId(2))
  })

  it('exits 2 with the usage when KEY is missing', () => {
    expect(usageRun.code).toBe(2)
    expect(usageRun.stdout).toBe('')
    expect(usageRun.stderr).toContain('expected STREAM KEY')
    expect(usageRun.stderr).toContain('Usage: shardline')
    expect(usageRun.stderr).toContain('locate STREAM KEY')
  })
})
