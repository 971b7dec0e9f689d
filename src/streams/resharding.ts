/**
 * Splits and merges. Each runs synchronously in one turn of the event loop: the parent's
 * end is its last *assigned* position, the routing table switches to the children, and the
 * caller persists the stream document in the same turn. Because the group commit keeps
 * submission order, every record given to the parent is written before the document that
 * closes it, and every record given to a child after it, so a crash leaves the stream
 * either as before or as after.
 */
import type { Clock } from '../clock.js'
import { HASH_KEY_MAX } from './hash-key.js'
import { planBoundaries } from './scaling-plan.js'
import { Shard, type Stream } from './stream-model.js'

/** Kinesis's largest shard count per stream. */
export const MAX_OPEN_SHARDS = 10_000

/**
 * The deepest generation a reshard may make. A shard's generation is added to the second
 * its sequence numbers count from (sequence-number.ts), so a bound keeps that second
 * within days of the clock.
 */
export const MAX_GENERATION = 999_999

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
 * Reaches `target` open shards through real splits and merges, so lineage stays a graph of
 * splits and merges, along AWS's plan (scaling-plan.ts): first each open shard is split at
 * the new boundaries planned inside it, then the pieces of each new range are merged left
 * to right.
 */
export function scaleUniformly (stream: Stream, target: number, clock: Clock): void {
  const open = stream.openShardsByHash
  const plan = planBoundaries(open, target)
  const splits = new Map<Shard, bigint[]>()
  for (const boundary of plan) {
    if (boundary.split !== undefined) splits.set(boundary.split, [...(splits.get(boundary.split) ?? []), boundary.at])
  }
  // The routing table is rebuilt once at the end, so scaling 10,000 shards stays linear.
  const pieces: Shard[] = []
  for (const shard of open) {
    let rest = shard
    for (const at of splits.get(shard) ?? []) {
      const [lower, upper] = splitShard(stream, rest, at, clock, false)
      pieces.push(lower)
      rest = upper
    }
    pieces.push(rest)
  }
  let i = 0
  for (const end of [...plan.map((b) => b.at - 1n), HASH_KEY_MAX]) {
    let merged = pieces[i++]!
    while (i < pieces.length && pieces[i]!.hashEnd <= end) merged = mergeShards(stream, merged, pieces[i++]!, clock, false)
  }
  stream.reindex()
}

/**
 * Splits the widest open shards in half, widest first, until the stream has `target` open
 * shards: how an ON_DEMAND stream makes room for a warm throughput at once. Halving is how
 * on-demand streams split (AWS: the parent's hash keys are shared evenly by its children).
 */
export function splitWidest (stream: Stream, target: number, clock: Clock): void {
  while (stream.openShardCount < target) {
    const widest = stream.openShardsByHash.sort((a, b) => (a.width > b.width ? -1 : a.width < b.width ? 1 : 0))
    for (const shard of widest.slice(0, target - stream.openShardCount)) splitShard(stream, shard, middleOf(shard), clock, false)
    stream.reindex()
  }
}

/** The first hash key of a shard's upper half. */
export function middleOf (shard: Shard): bigint {
  return shard.hashStart + shard.width / 2n
}
