// Streams: each stream's status, open and closed shards, retention and incoming rates,
// live from the feed.
import { follow, onFeed } from '../api.js'
import { badge, h, rate } from '../dom.js'

export function streamsView (main) {
  follow({})
  const showInternal = h('input', { type: 'checkbox', id: 'show-internal' })
  const body = h('tbody')
  const table = h('table', { id: 'streams' },
    h('thead', {}, h('tr', {}, h('th', {}, 'Stream'), h('th', {}, 'Status'), h('th', {}, 'Mode'), h('th', { class: 'num' }, 'Open shards'), h('th', { class: 'num' }, 'Closed shards'), h('th', { class: 'num' }, 'Retention'), h('th', { class: 'num' }, 'Records in'), h('th', { class: 'num' }, 'Bytes in'))),
    body)
  main.append(h('h1', {}, 'Streams'),
    h('label', { style: 'flex-direction:row;gap:6px;margin-bottom:8px' }, showInternal, 'show internal streams (the ones queues are built on)'),
    h('div', { class: 'card' }, table))
  let last
  const draw = (feed) => {
    last = feed
    const rows = feed.streams.filter((s) => showInternal.checked || !s.internal)
    body.replaceChildren(...(rows.length === 0
      ? [h('tr', {}, h('td', { colspan: 8, class: 'muted' }, 'No streams yet. Create one with any Kinesis client (aws kinesis create-stream …).'))]
      : rows.map((s) => h('tr', { 'data-stream': s.name },
        h('td', {}, h('a', { href: `#/shards/${encodeURIComponent(s.name)}` }, s.name), s.internal ? [' ', badge('internal')] : []),
        h('td', {}, badge(s.status)),
        h('td', {}, s.mode),
        h('td', { class: 'num' }, s.openShards),
        h('td', { class: 'num' }, s.closedShards),
        h('td', { class: 'num' }, `${s.retentionHours} h`),
        h('td', { class: 'num', 'data-field': 'recordsIn' }, rate(s.recordsIn)),
        h('td', { class: 'num' }, rate(s.bytesIn, 'B'))))))
  }
  showInternal.addEventListener('change', () => last && draw(last))
  return onFeed(draw)
}
