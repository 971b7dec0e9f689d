/**
 * Splits and merges. Each runs synchronously in one turn of the event loop: the parent's
 * end is its last *assigned* position, the routing table switches to the children, and the
 * caller persists the stream document in the same turn. Because the group commit keeps
 * submission order, every record given to the parent is written before the document that
 * closes it, and every record given to a child after it, so a crash leaves the stream
 * either as before or as after.
 */
import type { Clock } from '../clock.js'
import { evenHashRanges } from './hash-key.js'
import { Shard, type Stream } from './stream-model.js'

function close (shard: Shard, now: number): void {
  shard.doc.closedAt = shard.tail
  shard.doc.closedTime = now
}

function open (stream: Stream, clock: Clock, now: number, start: bigint, end: bigint, parents: readonly Shard[]): Shard {
  const [parent, adjacentParent] = parents
  const child = new Shard({
    index: stream.allocateShardIndex(),
    hashStart: start.toString(),
    hashEnd: end.toString(),
    // Above every parent, so every child sequence number exceeds every parent's.
    generation: Math.max(...parents.map((p) => p.doc.generation)) + 1,
    createdAt: now,
    parent: parent?.index,
    adjacentParent: adjacentParent?.index
  }, undefined, clock)
  stream.shards.set(child.index, child)
  return child
}

/**
 * Splits `parent` so that `at` is the first hash key of the upper child. `reindex: false`
 * leaves the routing table to the caller, which rebuilds it once after many changes.
 */
export function splitShard (stream: Stream, parent: Shard, at: bigint, clock: Clock, reindex = true): [Shard, Shard] {
  const now = clock()
  close(parent, now)
  const lower = open(stream, clock, now, parent.hashStart, at - 1n, [parent])
  const upper = open(stream, clock, now, at, parent.hashEnd, [parent])
  if (reindex) stream.reindex()
  return [lower, upper]
}

/** Merges two open shards with adjacent ranges; `shard` is the parent, `adjacent` the adjacent parent. */
export function mergeShards (stream: Stream, shard: Shard, adjacent: Shard, clock: Clock, reindex = true): Shard {
  const now = clock()
  close(shard, now)
  close(adjacent, now)
  const start = shard.hashStart < adjacent.hashStart ? shard.hashStart : adjacent.hashStart
  const end = shard.hashEnd > adjacent.hashEnd ? shard.hashEnd : adjacent.hashEnd
  const child = open(stream, clock, now, start, end, [shard, adjacent])
  if (reindex) stream.reindex()
  return child
}

export function adjacent (a: Shard, b: Shard): boolean {
  return a.hashEnd + 1n === b.hashStart || b.hashEnd + 1n === a.hashStart
}

/**
 * Reaches `target` evenly sized open shards through real splits and merges, so lineage
 * stays a graph of splits and merges: first split every open shard at each target
 * boundary inside it, so that each shard lies within one target range, then merge the
 * shards of each target range left to right.
 */
export function scaleUniformly (stream: Stream, target: number, clock: Clock): void {
  const ranges = evenHashRanges(target)
  // Work on a local list in hash order and rebuild the routing table once at the end, so
  // scaling to 10,000 shards stays linear rather than re-sorting after every step.
  const open: Shard[] = []
  let i = 0
  const sorted = stream.openShardsByHash
  for (const range of ranges) {
    const boundary = range.end
    while (i < sorted.length && sorted[i]!.hashEnd <= boundary) open.push(sorted[i++]!)
    const holder = sorted[i]
    if (holder !== undefined && holder.hashStart <= boundary && boundary < holder.hashEnd) {
      // The shard straddles the end of this range: split it there and carry the upper part.
      const [lower, upper] = splitShard(stream, holder, boundary + 1n, clock, false)
      open.push(lower)
      sorted[i] = upper
    }
  }
  let j = 0
  for (const range of ranges) {
    let merged = open[j++]!
    while (j < open.length && open[j]!.hashEnd <= range.end) merged = mergeShards(stream, merged, open[j++]!, clock, false)
  }
  stream.reindex()
}
