// Consumers: a stream's enhanced fan-out consumers with their live subscriptions, and
// lease tables (KCL-style applications): who holds which shard, until when, the
// checkpoint, and how far it is behind the shard's newest record.
import { follow, onFeed } from '../api.js'
import { badge, h } from '../dom.js'
import { streamTabs } from '../app.js'

export function consumersView (main, name) {
  const params = new URLSearchParams(location.hash.split('?')[1] ?? '')
  let table = params.get('table') ?? localStorage.getItem('shardline-console-table') ?? ''
  follow({ stream: name, table })
  const consumers = h('tbody')
  const leases = h('tbody')
  const tableInput = h('input', { id: 'lease-table', list: 'lease-tables', value: table, placeholder: 'application (lease table) name' })
  const known = h('datalist', { id: 'lease-tables' })
  const note = h('div', { class: 'muted', id: 'lease-note' })
  main.append(streamTabs(name.split('?')[0], 'consumers'),
    h('div', { class: 'card' }, h('h2', { style: 'margin-top:0' }, 'Enhanced fan-out consumers'),
      h('table', { id: 'consumers' }, h('thead', {}, h('tr', {}, h('th', {}, 'Consumer'), h('th', {}, 'Status'), h('th', {}, 'Registered'), h('th', {}, 'Live subscriptions'))), consumers)),
    h('div', { class: 'card' }, h('h2', { style: 'margin-top:0' }, 'Lease table'),
      h('form', { class: 'inline', onsubmit: (e) => { e.preventDefault(); table = tableInput.value.trim(); localStorage.setItem('shardline-console-table', table); follow({ stream: name, table }) } },
        h('label', {}, 'Table', tableInput), known, h('button', { id: 'lease-show' }, 'Show')), note,
      h('table', { id: 'leases' }, h('thead', {}, h('tr', {}, h('th', {}, 'Lease (shard)'), h('th', {}, 'Worker'), h('th', {}, 'Expires in'), h('th', {}, 'Checkpoint'), h('th', { class: 'num' }, 'Lag (records)'), h('th', { class: 'num' }, 'Lag (ms)'))), leases)))
  return onFeed((feed) => {
    known.replaceChildren(...feed.tables.map((t) => h('option', { value: t })))
    const list = feed.stream?.consumers ?? []
    consumers.replaceChildren(...(list.length === 0
      ? [h('tr', {}, h('td', { colspan: 4, class: 'muted' }, 'No consumers registered (RegisterStreamConsumer).'))]
      : list.map((c) => h('tr', { 'data-consumer': c.name }, h('td', {}, c.name, h('div', { class: 'mono muted' }, c.arn)), h('td', {}, badge(c.status)), h('td', {}, new Date(c.createdAt).toISOString()),
        h('td', { class: 'mono' }, c.subscriptions.length === 0 ? '–' : c.subscriptions.join(', '))))))
    const detail = feed.leases
    if (detail === undefined) {
      note.textContent = feed.tables.length === 0 ? 'No lease table used since the server started; name one above.' : `Tables in use: ${feed.tables.join(', ')}`
      leases.replaceChildren()
      return
    }
    note.textContent = detail.error ?? `${detail.leases.length} leases in ${detail.table}; lag against ${name}`
    leases.replaceChildren(...(detail.leases ?? []).map((l) => h('tr', { 'data-lease': l.key },
      h('td', { class: 'mono' }, l.key), h('td', {}, l.owner || h('span', { class: 'muted' }, 'unowned')),
      h('td', {}, l.expiresAt === 0 ? '–' : `${Math.max(0, Math.round((l.expiresAt - feed.at) / 1000))} s`),
      h('td', { class: 'mono', style: 'font-size:10px' }, l.checkpoint),
      h('td', { class: 'num' }, l.lagRecords === undefined ? '–' : `${l.lagRecords}${l.lagCapped ? '+' : ''}`),
      h('td', { class: 'num' }, l.lagMs ?? '–'))))
  })
}
