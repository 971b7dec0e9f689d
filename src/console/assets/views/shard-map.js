// A stream's shard map: the lineage (parents to children) with each shard's hash-key range
// drawn to scale on 0..2^128, live per-shard numbers, resharding from the page, and where
// partition keys go. Structure comes from ListShards, read again whenever the feed says a
// shard opened or closed; the numbers come from the feed.
import { consoleGet, follow, kinesis, listAllShards, onFeed } from '../api.js'
import { badge, errorBox, fraction, h, KEY_SPACE, rate, s, shortId } from '../dom.js'
import { streamTabs } from '../app.js'

const WIDTH = 940
const HEIGHT = 320
const TOP = 14
const LEFT = 64
const PALETTE = ['#2f6fde', '#d6501a', '#2a9d5c', '#8e44ad', '#c0392b', '#16a085', '#b7950b', '#34495e']

function isOpen (shard) {
  return shard.SequenceNumberRange.EndingSequenceNumber === undefined
}

function depths (shards) {
  const byId = new Map(shards.map((sh) => [sh.ShardId, sh]))
  const depth = new Map()
  const of = (sh) => {
    if (depth.has(sh.ShardId)) return depth.get(sh.ShardId)
    const parents = [sh.ParentShardId, sh.AdjacentParentShardId].filter((p) => p && byId.has(p))
    const d = parents.length === 0 ? 0 : 1 + Math.max(...parents.map((p) => of(byId.get(p))))
    depth.set(sh.ShardId, d)
    return d
  }
  for (const sh of shards) of(sh)
  return depth
}

function percent (hashKey) {
  return `${(fraction(hashKey) * 100).toFixed(2)}%`
}

function lineage (shards, marks) {
  const depth = depths(shards)
  const columns = Math.max(1, ...depth.values()) + (shards.length > 0 ? 1 : 0)
  const colWidth = Math.min(170, (WIDTH - LEFT - 10) / Math.max(1, columns))
  const boxes = new Map()
  for (const sh of shards) {
    const start = fraction(sh.HashKeyRange.StartingHashKey)
    const end = Number(((BigInt(sh.HashKeyRange.EndingHashKey) + 1n) * 1000000n) / KEY_SPACE) / 1000000
    boxes.set(sh.ShardId, { x: LEFT + depth.get(sh.ShardId) * colWidth, y: TOP + start * HEIGHT, w: colWidth - 34, h: Math.max(2, (end - start) * HEIGHT) })
  }
  const svg = s('svg', { class: 'lineage', id: 'lineage', width: WIDTH, height: HEIGHT + TOP + 24, viewBox: `0 0 ${WIDTH} ${HEIGHT + TOP + 24}` })
  for (const [label, y] of [['0', 0], ['2^127', 0.5], ['2^128', 1]]) {
    svg.append(s('line', { x1: LEFT - 8, x2: WIDTH, y1: TOP + y * HEIGHT, y2: TOP + y * HEIGHT, stroke: '#e4e7ec' }), s('text', { x: 4, y: TOP + y * HEIGHT + 4, fill: '#6b7383' }, label))
  }
  for (const sh of shards) {
    const child = boxes.get(sh.ShardId)
    for (const parentId of [sh.ParentShardId, sh.AdjacentParentShardId]) {
      const parent = parentId && boxes.get(parentId)
      if (!parent) continue
      const x1 = parent.x + parent.w
      const y1 = parent.y + parent.h / 2
      const x2 = child.x
      const y2 = child.y + child.h / 2
      svg.append(s('path', { class: 'edge', 'data-from': parentId, 'data-to': sh.ShardId, d: `M${x1},${y1} C${x1 + 20},${y1} ${x2 - 20},${y2} ${x2},${y2}` }))
    }
  }
  for (const sh of shards) {
    const b = boxes.get(sh.ShardId)
    const state = isOpen(sh) ? 'OPEN' : 'CLOSED'
    const g = s('g', { 'data-shard': sh.ShardId, 'data-state': state },
      s('rect', { class: state, x: b.x, y: b.y, width: b.w, height: b.h, rx: 3 },
        s('title', {}, `${sh.ShardId} ${state}\n${sh.HashKeyRange.StartingHashKey} ..\n${sh.HashKeyRange.EndingHashKey}`)))
    if (b.h >= 14) g.append(s('text', { x: b.x + 5, y: b.y + Math.min(b.h / 2 + 4, 14), fill: '#1d2330' }, `#${shortId(sh.ShardId)} ${state}`))
    svg.append(g)
  }
  for (const mark of marks) {
    const y = TOP + fraction(mark.hashKey) * HEIGHT
    svg.append(s('line', { class: 'keymark', x1: LEFT - 8, x2: WIDTH - 80, y1: y, y2: y, stroke: mark.color, 'stroke-dasharray': '4 3' }),
      s('text', { x: WIDTH - 76, y: y + 4, fill: mark.color }, mark.key.slice(0, 12)))
  }
  return svg
}

export function shardMapView (main, name) {
  follow({ stream: name })
  let shards = []
  let shape
  let marks = []
  let live = new Map()
  const picture = h('div', { id: 'picture' })
  const summary = h('div', { class: 'muted', id: 'summary' })
  const statsBody = h('tbody')
  const message = h('div', { id: 'reshard-message' })
  const splitShard = h('select', { id: 'split-shard' })
  const splitKey = h('input', { id: 'split-key', size: 42, placeholder: 'new starting hash key' })
  const mergeShard = h('select', { id: 'merge-shard' })
  const mergeAdjacent = h('select', { id: 'merge-adjacent' })
  const target = h('input', { id: 'target-count', type: 'number', min: 1, style: 'width:6em' })
  const keys = h('textarea', { id: 'locate-keys', rows: 4, cols: 36, placeholder: 'one partition key a line' })
  const located = h('div', { id: 'located' })

  const act = async (operation, body) => {
    message.replaceChildren()
    try {
      await kinesis(operation, { StreamName: name, ...body })
      message.replaceChildren(h('div', { class: 'ok' }, `${operation} accepted; the map follows as shards open and close.`))
      await reload()
    } catch (err) {
      message.replaceChildren(errorBox(err))
    }
  }

  const drawStats = () => {
    statsBody.replaceChildren(...shards.map((sh) => {
      const n = live.get(sh.ShardId) ?? {}
      const parents = [sh.ParentShardId, sh.AdjacentParentShardId].filter(Boolean).map(shortId).join(' + ')
      return h('tr', { 'data-shard': sh.ShardId },
        h('td', { class: 'mono' }, sh.ShardId), h('td', {}, badge(isOpen(sh) ? 'OPEN' : 'CLOSED')),
        h('td', { class: 'mono' }, `${percent(sh.HashKeyRange.StartingHashKey)} – ${percent((BigInt(sh.HashKeyRange.EndingHashKey) + 1n).toString())}`),
        h('td', {}, parents || '–'),
        h('td', { class: 'num' }, rate(n.recordsIn)), h('td', { class: 'num' }, rate(n.bytesIn, 'B')),
        h('td', { class: 'num' }, rate(n.recordsOut)), h('td', { class: 'num' }, rate(n.bytesOut, 'B')),
        h('td', { class: 'num' }, n.writeThrottled ?? '–'), h('td', { class: 'num' }, n.readThrottled ?? '–'),
        h('td', { class: 'mono', style: 'font-size:10px' }, n.lastSequenceNumber ?? '–'))
    }))
  }

  const drawForms = () => {
    const open = shards.filter(isOpen).sort((a, b) => (BigInt(a.HashKeyRange.StartingHashKey) < BigInt(b.HashKeyRange.StartingHashKey) ? -1 : 1))
    const options = (sel, list) => {
      const keep = sel.value
      sel.replaceChildren(...list.map((sh) => h('option', { value: sh.ShardId }, `${sh.ShardId} (${percent(sh.HashKeyRange.StartingHashKey)})`)))
      if (list.some((sh) => sh.ShardId === keep)) sel.value = keep
    }
    options(splitShard, open)
    options(mergeShard, open)
    const fillSplit = () => {
      const sh = open.find((x) => x.ShardId === splitShard.value)
      if (sh) splitKey.value = ((BigInt(sh.HashKeyRange.StartingHashKey) + BigInt(sh.HashKeyRange.EndingHashKey) + 1n) / 2n).toString()
    }
    const fillAdjacent = () => {
      const i = open.findIndex((x) => x.ShardId === mergeShard.value)
      options(mergeAdjacent, [open[i + 1], open[i - 1]].filter(Boolean))
    }
    splitShard.onchange = fillSplit
    mergeShard.onchange = fillAdjacent
    fillSplit()
    fillAdjacent()
    if (target.value === '') target.value = String(open.length * 2 || 1)
  }

  const draw = () => {
    picture.replaceChildren(lineage(shards, marks))
    drawStats()
  }

  const reload = async () => {
    try {
      const [list, sum] = await Promise.all([listAllShards(name), kinesis('DescribeStreamSummary', { StreamName: name })])
      shards = list
      const d = sum.StreamDescriptionSummary
      summary.replaceChildren(badge(d.StreamStatus), ` ${d.OpenShardCount} open of ${list.length} shards · partition hash ${d.PartitionHash ?? 'MURMUR3'} · retention ${d.RetentionPeriodHours} h · ${d.StreamModeDetails?.StreamMode ?? ''}`)
      draw()
      drawForms()
    } catch (err) {
      picture.replaceChildren(errorBox(err))
    }
  }

  const locate = async () => {
    located.replaceChildren()
    const list = keys.value.split('\n').filter((k) => k !== '')
    try {
      const { hashes, partitionHash } = await consoleGet('hash', { stream: name, key: list })
      const open = shards.filter(isOpen)
      const colors = new Map()
      const rows = hashes.map(({ key, hashKey }) => {
        const hk = BigInt(hashKey)
        const shard = open.find((sh) => BigInt(sh.HashKeyRange.StartingHashKey) <= hk && hk <= BigInt(sh.HashKeyRange.EndingHashKey))
        const shardId = shard?.ShardId ?? '(no open shard)'
        if (!colors.has(shardId)) colors.set(shardId, PALETTE[colors.size % PALETTE.length])
        return { key, hashKey, shardId, color: colors.get(shardId) }
      })
      marks = rows
      draw()
      const sharing = [...colors.keys()].map((id) => ({ id, keys: rows.filter((r) => r.shardId === id).map((r) => r.key) })).filter((g) => g.keys.length > 1)
      located.append(
        h('table', { id: 'locate-results' },
          h('thead', {}, h('tr', {}, h('th', {}, 'Partition key'), h('th', {}, `${partitionHash} hash key`), h('th', { class: 'num' }, 'Key space'), h('th', {}, 'Shard'))),
          h('tbody', {}, rows.map((r) => h('tr', { 'data-key': r.key, 'data-shard': r.shardId, 'data-hash': r.hashKey },
            h('td', { class: 'mono' }, h('span', { style: `color:${r.color}` }, '■ '), r.key), h('td', { class: 'mono' }, r.hashKey), h('td', { class: 'num' }, percent(r.hashKey)), h('td', { class: 'mono' }, r.shardId))))),
        h('p', { class: 'muted' }, sharing.length === 0 ? 'Each key lands in a shard of its own: no order between them.' : sharing.map((g) => `${g.keys.join(', ')} share ${g.id}: their records keep their relative order.`).join(' ')))
    } catch (err) {
      located.replaceChildren(errorBox(err))
    }
  }

  main.append(streamTabs(name, 'shards'), summary,
    h('div', { class: 'card' }, h('h2', { style: 'margin-top:0' }, 'Lineage and hash-key ranges ', h('span', { class: 'sub' }, 'parents on the left, children to their right; height is each shard\'s share of 0..2^128')), picture),
    h('div', { class: 'card' }, h('table', { id: 'shard-stats' },
      h('thead', {}, h('tr', {}, ['Shard', 'State', 'Hash keys', 'Parents'].map((t) => h('th', {}, t)), ['Records in', 'Bytes in', 'Records out', 'Bytes out', 'Write throttled', 'Read throttled'].map((t) => h('th', { class: 'num' }, t)), h('th', {}, 'Last sequence number'))),
      statsBody)),
    h('div', { class: 'grid2' },
      h('div', { class: 'card' }, h('h2', { style: 'margin-top:0' }, 'Reshard'),
        h('form', { class: 'inline', id: 'split-form', onsubmit: (e) => { e.preventDefault(); void act('SplitShard', { ShardToSplit: splitShard.value, NewStartingHashKey: splitKey.value }) } },
          h('label', {}, 'Split', splitShard), h('label', {}, 'at hash key', splitKey), h('button', { id: 'split' }, 'Split')),
        h('form', { class: 'inline', id: 'merge-form', onsubmit: (e) => { e.preventDefault(); void act('MergeShards', { ShardToMerge: mergeShard.value, AdjacentShardToMerge: mergeAdjacent.value }) } },
          h('label', {}, 'Merge', mergeShard), h('label', {}, 'with its neighbour', mergeAdjacent), h('button', { id: 'merge' }, 'Merge')),
        h('form', { class: 'inline', id: 'scale-form', onsubmit: (e) => { e.preventDefault(); void act('UpdateShardCount', { TargetShardCount: Number(target.value), ScalingType: 'UNIFORM_SCALING' }) } },
          h('label', {}, 'Open shards', target), h('button', { id: 'scale' }, 'UpdateShardCount')),
        message),
      h('div', { class: 'card' }, h('h2', { style: 'margin-top:0' }, 'Where does a key go'),
        h('form', { class: 'inline', id: 'locate-form', onsubmit: (e) => { e.preventDefault(); void locate() } }, keys, h('button', { id: 'locate' }, 'Locate')),
        located)))

  void reload()
  return onFeed((feed) => {
    const detail = feed.stream
    if (detail === undefined) return
    live = new Map(detail.shards.map((sh) => [sh.shardId, sh]))
    if (shape !== undefined && detail.shape !== shape) void reload()
    else drawStats()
    shape = detail.shape
  })
}
