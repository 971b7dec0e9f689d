/**
 * `shardline shards STREAM`: the shard lineage as a tree, for people learning how splits
 * and merges divide the hash key space.
 */
import type { Shard } from '../../client/index.js'

const HASH_SPACE = 1n << 128n

/** A hash key as a share of the whole key space, e.g. "25.00%". */
export function percentOfSpace (hashKey: string): string {
  const basisPoints = (BigInt(hashKey) * 10_000n) / HASH_SPACE
  return `${(Number(basisPoints) / 100).toFixed(2)}%`
}

function describe (shard: Shard): string[] {
  const { startingHashKey: start, endingHashKey: end } = shard.hashKeyRange
  const { startingSequenceNumber: first, endingSequenceNumber: last } = shard.sequenceNumberRange
  const state = last === undefined ? 'OPEN' : 'CLOSED'
  return [
    `${shard.shardId}  ${state}  hash ${percentOfSpace(start)}..${percentOfSpace((BigInt(end) + 1n).toString())}  [${start} .. ${end}]`,
    `sequence ${first} .. ${last ?? '(open)'}`
  ]
}

/**
 * Renders shards as a forest: roots are shards with no (remaining) parent; a merged child
 * is drawn under its first parent and referred to under the adjacent one.
 */
export function renderShardTree (shards: readonly Shard[]): string {
  const byId = new Map(shards.map((s) => [s.shardId, s]))
  const children = new Map<string, Shard[]>()
  for (const shard of shards) {
    for (const parent of [shard.parentShardId, shard.adjacentParentShardId]) {
      if (parent !== undefined && byId.has(parent)) children.set(parent, [...(children.get(parent) ?? []), shard])
    }
  }
  const lines: string[] = []
  const draw = (shard: Shard, prefix: string, branch: string, below: string): void => {
    const [head, detail] = describe(shard)
    lines.push(prefix + branch + head!)
    const kids = children.get(shard.shardId) ?? []
    lines.push(prefix + below + (kids.length > 0 ? '│   ' : '    ') + detail!)
    kids.forEach((kid, i) => {
      const lastKid = i === kids.length - 1
      const nextBranch = lastKid ? '└── ' : '├── '
      const nextBelow = lastKid ? '    ' : '│   '
      if (kid.parentShardId !== shard.shardId) {
        lines.push(prefix + below + nextBranch + `${kid.shardId}  (merged with ${kid.parentShardId!}; shown there)`)
        return
      }
      draw(kid, prefix + below, nextBranch, nextBelow)
    })
  }
  const roots = shards.filter((s) => (s.parentShardId === undefined || !byId.has(s.parentShardId)) && (s.adjacentParentShardId === undefined || !byId.has(s.adjacentParentShardId)))
  for (const root of roots) draw(root, '', '', '')
  return lines.join('\n')
}
