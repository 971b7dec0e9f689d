/**
 * Where UpdateShardCount puts the new layout's boundaries, following AWS's plan.
 *
 * AWS's totals show its plan: 10 -> 13 shards leaves 37 shards in all (10 splits and 7
 * merges: every old shard is split once), and 5 -> 3 leaves 7 (2 merges, no split). So:
 *
 * - Scaling up, every open shard is split once, at the even boundary it holds. A shard that
 *   holds two (which happens whenever the count grows by more than a few shards) is still
 *   split once: its other boundary moves to the shard's nearer edge, an existing boundary.
 * - Scaling down, shards are only merged: each new boundary is the existing one nearest to
 *   its even position.
 *
 * Both are one rule: each new boundary is the even one, made by a split, or an existing
 * boundary that saves a split and lies less than half a new shard from the even one. The
 * first split of each old shard is free when scaling up, any other split costs half a new
 * shard of distance; the plan with the least total distance wins (a dynamic programme over
 * the boundaries in order, with a handful of candidates each). On an even layout the result
 * is AWS's, exactly even when the counts divide (n -> 2n, 2n -> n, 4 -> 6, ...); from any
 * layout, every boundary lies within half a new shard of its even position.
 */
import { evenHashRanges } from './hash-key.js'
import type { Shard } from './stream-model.js'

/** A boundary of the new layout: the first hash key of every new shard but the first. */
export interface PlannedBoundary {
  readonly at: bigint
  /** The open shard split at `at`; absent when `at` is an existing boundary, kept. */
  readonly split?: Shard
}

/**
 * What a split beyond the free one costs, in new-shard widths: an existing boundary is kept
 * only when it is less than half a new shard from the even one (a hair under half, so a
 * boundary exactly half a shard away is split; on an even layout none is).
 */
const SPLIT_COST = 0.5 - 1e-6
/** Breaks ties towards fewer splits. */
const TIE = 1e-9

interface Candidate {
  readonly at: bigint
  /** Index of the open shard split here; -1 keeps the existing boundary `at`. */
  readonly shard: number
  readonly distance: number
}

/** `open`: the open shards in hash-key order. */
export function planBoundaries (open: readonly Shard[], target: number): PlannedBoundary[] {
  const ranges = evenHashRanges(target)
  const width = Number(ranges[0]!.end - ranges[0]!.start + 1n)
  const scalingUp = target >= open.length
  const candidates = ranges.slice(1).map((range) => candidatesFor(open, range.start, width))
  // best[j][c]: least cost of placing boundaries 0..j with boundary j at candidate c.
  const best: number[][] = []
  const back: number[][] = []
  for (let j = 0; j < candidates.length; j++) {
    const here = candidates[j]!
    const cost: number[] = here.map(() => Infinity)
    const from: number[] = here.map(() => -1)
    for (let c = 0; c < here.length; c++) {
      const cand = here[c]!
      if (j === 0) {
        cost[c] = stepCost(cand, undefined, scalingUp)
        continue
      }
      const before = candidates[j - 1]!
      for (let p = 0; p < before.length; p++) {
        const prior = best[j - 1]![p]!
        if (prior === Infinity || before[p]!.at >= cand.at) continue
        const total = prior + stepCost(cand, before[p], scalingUp)
        if (total < cost[c]!) {
          cost[c] = total
          from[c] = p
        }
      }
    }
    best.push(cost)
    back.push(from)
  }
  const plan: PlannedBoundary[] = new Array<PlannedBoundary>(candidates.length)
  let c = candidates.length === 0 ? -1 : argmin(best[candidates.length - 1]!)
  if (c >= 0 && best[candidates.length - 1]![c] === Infinity) throw new Error(`no way to place ${target} even shards over ${open.length} open ones`)
  for (let j = candidates.length - 1; j >= 0; j--) {
    const cand = candidates[j]![c]!
    plan[j] = cand.shard < 0 ? { at: cand.at } : { at: cand.at, split: open[cand.shard]! }
    c = back[j]![c]!
  }
  return plan
}

function stepCost (cand: Candidate, prior: Candidate | undefined, scalingUp: boolean): number {
  if (cand.shard < 0) return cand.distance
  // Splits within one shard are consecutive boundaries, so the previous one tells whether
  // this shard was split already.
  const first = prior === undefined || prior.shard !== cand.shard
  return (scalingUp && first ? 0 : SPLIT_COST) + TIE
}

/**
 * The ways to place the boundary `at`: a split of the shard holding it (when both parts
 * would hold two keys or more), or one of the existing boundaries around it.
 */
function candidatesFor (open: readonly Shard[], at: bigint, width: number): Candidate[] {
  // k: the first shard starting at or after `at`.
  let lo = 0
  let hi = open.length
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if (open[mid]!.hashStart < at) lo = mid + 1
    else hi = mid
  }
  // In hash-key order: the two existing boundaries below, the split, the two above.
  const out: Candidate[] = []
  const keep = (k: number): void => {
    const start = open[k]!.hashStart
    out.push({ at: start, shard: -1, distance: Number(start > at ? start - at : at - start) / width })
  }
  for (let k = Math.max(1, lo - 2); k < lo; k++) keep(k)
  const exact = lo < open.length && open[lo]!.hashStart === at
  const holder = open[lo - 1]
  if (!exact && holder !== undefined && at >= holder.hashStart + 2n && at < holder.hashEnd) out.push({ at, shard: lo - 1, distance: 0 })
  for (let k = Math.max(1, lo); k <= Math.min(open.length - 1, lo + 1); k++) keep(k)
  return out
}

function argmin (values: readonly number[]): number {
  let at = 0
  for (let i = 1; i < values.length; i++) if (values[i]! < values[at]!) at = i
  return at
}
