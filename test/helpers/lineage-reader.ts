/**
 * Reads a whole stream the way a consumer does: from the shards without parents, each to
 * its end with GetRecords, then the children GetRecords names (a merged child once both
 * parents are done). Also a check that the shard list is a real lineage of splits and merges.
 */
import { expect } from 'vitest'
import type { Shard, StreamClient, StreamRecord } from '../../client/index.js'

export interface LineageRead {
  /** Every record, shard by shard in the order the shards were read. */
  readonly records: StreamRecord[]
  /** The shards read, parents before children. */
  readonly shardIds: string[]
}

/** `beforeRead` runs before each GetRecords (tests on a manual clock move it past the read limits). */
export async function readThroughLineage (client: StreamClient, streamName: string, beforeRead: () => void = () => {}): Promise<LineageRead> {
  const shards = (await client.listShards({ streamName, maxResults: 10_000 })).shards
  const parentsOf = new Map(shards.map((s) => [s.shardId, [s.parentShardId, s.adjacentParentShardId].filter((p): p is string => p !== undefined && shards.some((x) => x.shardId === p))]))
  const done = new Set<string>()
  const queue = shards.filter((s) => parentsOf.get(s.shardId)!.length === 0).map((s) => s.shardId)
  const records: StreamRecord[] = []
  const shardIds: string[] = []
  while (queue.length > 0) {
    const shardId = queue.shift()!
    if (done.has(shardId)) continue
    if (!parentsOf.get(shardId)!.every((p) => done.has(p))) {
      queue.push(shardId)
      continue
    }
    let { shardIterator } = await client.getShardIterator({ streamName, shardId, shardIteratorType: 'TRIM_HORIZON' })
    for (;;) {
      beforeRead()
      const page = await client.getRecords({ shardIterator })
      records.push(...page.records)
      if (page.nextShardIterator === undefined) {
        for (const child of page.childShards) queue.push(child.shardId)
        break
      }
      // An open shard read to its end: nothing more to wait for in a test.
      if (page.records.length === 0 && page.millisBehindLatest === 0) break
      shardIterator = page.nextShardIterator
    }
    done.add(shardId)
    shardIds.push(shardId)
  }
  expect(done.size, 'every shard reached through the lineage').toBe(shards.length)
  return { records, shardIds }
}

const start = (s: Shard): bigint => BigInt(s.hashKeyRange.startingHashKey)
const end = (s: Shard): bigint => BigInt(s.hashKeyRange.endingHashKey)
const isOpen = (s: Shard): boolean => s.sequenceNumberRange.endingSequenceNumber === undefined

/**
 * Every closed shard was split into two children tiling it or merged with a neighbour into
 * one child over both; children number above their parents; the open shards tile 0..2^128-1.
 */
export function expectRealLineage (shards: Shard[]): void {
  const byId = new Map(shards.map((s) => [s.shardId, s]))
  for (const shard of shards) {
    for (const parentId of [shard.parentShardId, shard.adjacentParentShardId]) {
      if (parentId === undefined) continue
      const parent = byId.get(parentId)!
      expect(parent, `${parentId}, a parent of ${shard.shardId}`).toBeDefined()
      expect(isOpen(parent)).toBe(false)
      expect(shard.sequenceNumberRange.startingSequenceNumber > parent.sequenceNumberRange.endingSequenceNumber!).toBe(true)
    }
    if (isOpen(shard)) continue
    const children = shards.filter((s) => s.parentShardId === shard.shardId || s.adjacentParentShardId === shard.shardId).sort((a, b) => (start(a) < start(b) ? -1 : 1))
    if (children.length === 1) {
      const child = children[0]!
      const partners = [byId.get(child.parentShardId!)!, byId.get(child.adjacentParentShardId!)!].sort((a, b) => (start(a) < start(b) ? -1 : 1))
      expect(end(partners[0]!) + 1n).toBe(start(partners[1]!))
      expect([start(child), end(child)]).toEqual([start(partners[0]!), end(partners[1]!)])
    } else {
      expect(children, `children of ${shard.shardId}`).toHaveLength(2)
      expect([start(children[0]!), end(children[0]!) + 1n, end(children[1]!)]).toEqual([start(shard), start(children[1]!), end(shard)])
    }
  }
  const open = shards.filter(isOpen).sort((a, b) => (start(a) < start(b) ? -1 : 1))
  expect(start(open[0]!)).toBe(0n)
  expect(end(open[open.length - 1]!)).toBe((1n << 128n) - 1n)
  open.slice(1).forEach((s, i) => expect(start(s)).toBe(end(open[i]!) + 1n))
}
