// Records: a shard read a page at a time with GetShardIterator and GetRecords, from
// TRIM_HORIZON, LATEST, a sequence number or a time; data as UTF-8, pretty JSON or hex;
// and a live tail that keeps reading with the next iterator.
import { follow, kinesis, listAllShards } from '../api.js'
import { errorBox, h } from '../dom.js'
import { streamTabs } from '../app.js'

const PAGE = 25
const TAIL_MS = 600

function bytesOf (base64) {
  const text = atob(base64)
  const out = new Uint8Array(text.length)
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i)
  return out
}

function render (base64, format) {
  const bytes = bytesOf(base64)
  if (format === 'hex') return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join(' ')
  const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes)
  if (format === 'json') {
    try { return JSON.stringify(JSON.parse(text), null, 2) } catch { return `(not JSON) ${text}` }
  }
  return text
}

export function recordsView (main, name) {
  follow({ stream: name })
  const shard = h('select', { id: 'records-shard' })
  const type = h('select', { id: 'records-type' }, ['TRIM_HORIZON', 'LATEST', 'AT_SEQUENCE_NUMBER', 'AFTER_SEQUENCE_NUMBER', 'AT_TIMESTAMP'].map((t) => h('option', { value: t }, t)))
  const at = h('input', { id: 'records-at', size: 40, placeholder: 'sequence number, or a time (2026-12-02T10:00:00Z)' })
  const format = h('select', { id: 'records-format' }, [['utf8', 'UTF-8'], ['json', 'JSON'], ['hex', 'hex']].map(([v, t]) => h('option', { value: v }, t)))
  const tail = h('input', { type: 'checkbox', id: 'records-tail' })
  const body = h('tbody')
  const status = h('div', { id: 'records-status', class: 'muted' })
  const more = h('button', { class: 'plain', id: 'records-next', disabled: true }, 'Next page')
  let iterator
  let shown = []
  let timer
  let generation = 0

  const drawRows = () => {
    body.replaceChildren(...shown.map((r) => h('tr', { 'data-seq': r.SequenceNumber },
      h('td', { class: 'mono', style: 'font-size:10px' }, r.SequenceNumber),
      h('td', { class: 'mono' }, r.PartitionKey),
      h('td', {}, new Date(r.ApproximateArrivalTimestamp * 1000).toISOString().replace('T', ' ').replace('Z', '')),
      h('td', {}, h('pre', { class: 'data mono' }, render(r.Data, format.value))))))
  }

  const page = async (mine) => {
    if (iterator === undefined) return
    const got = await kinesis('GetRecords', { ShardIterator: iterator, Limit: PAGE })
    if (mine !== generation) return
    iterator = got.NextShardIterator
    shown = tail.checked ? [...shown, ...got.Records].slice(-500) : got.Records
    drawRows()
    more.disabled = iterator === undefined
    status.textContent = `${got.Records.length} records in this read · ${got.MillisBehindLatest ?? 0} ms behind the shard's newest${iterator === undefined ? ' · the shard is closed and read to its end' : ''}`
  }

  const start = async () => {
    generation++
    const mine = generation
    clearTimeout(timer)
    status.replaceChildren()
    shown = []
    try {
      const request = { StreamName: name, ShardId: shard.value, ShardIteratorType: type.value }
      if (type.value.endsWith('SEQUENCE_NUMBER')) request.StartingSequenceNumber = at.value.trim()
      if (type.value === 'AT_TIMESTAMP') {
        const when = Date.parse(at.value.trim())
        request.Timestamp = Number.isNaN(when) ? at.value.trim() : when / 1000
      }
      iterator = (await kinesis('GetShardIterator', request)).ShardIterator
      await page(mine)
      if (tail.checked) follow()
    } catch (err) {
      status.replaceChildren(errorBox(err))
    }
    function follow () {
      timer = setTimeout(async () => {
        if (mine !== generation || !tail.checked || iterator === undefined) return
        try { await page(mine) } catch (err) { status.replaceChildren(errorBox(err)) }
        follow()
      }, TAIL_MS)
    }
  }
  more.onclick = () => { void page(generation).catch((err) => status.replaceChildren(errorBox(err))) }
  format.onchange = drawRows

  main.append(streamTabs(name, 'records'),
    h('div', { class: 'card' }, h('form', { class: 'inline', id: 'records-form', onsubmit: (e) => { e.preventDefault(); void start() } },
      h('label', {}, 'Shard', shard), h('label', {}, 'From', type), h('label', {}, 'Sequence number or time', at), h('label', {}, 'Show data as', format),
      h('label', { style: 'flex-direction:row;gap:4px;align-items:center' }, tail, 'live tail'), h('button', { id: 'records-read' }, 'Read'), more), status),
    h('div', { class: 'card' }, h('table', { id: 'records' }, h('thead', {}, h('tr', {}, h('th', {}, 'Sequence number'), h('th', {}, 'Partition key'), h('th', {}, 'Arrival (UTC)'), h('th', {}, 'Data'))), body)))

  listAllShards(name).then((shards) => {
    shard.replaceChildren(...shards.map((sh) => h('option', { value: sh.ShardId }, `${sh.ShardId}${sh.SequenceNumberRange.EndingSequenceNumber ? ' (closed)' : ''}`)))
  }, (err) => status.replaceChildren(errorBox(err)))
  return () => { generation++; clearTimeout(timer) }
}
