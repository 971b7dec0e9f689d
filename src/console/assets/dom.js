// A tiny element builder: text is always set as text, never parsed as HTML.
export function h (tag, attrs = {}, ...children) {
  const el = document.createElement(tag)
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (v === undefined || v === null || v === false) continue
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v)
    else if (k === 'class') el.className = v
    else el.setAttribute(k, v === true ? '' : String(v))
  }
  append(el, children)
  return el
}

function append (el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue
    el.append(child instanceof Node ? child : document.createTextNode(String(child)))
  }
}

const SVG_NS = 'http://www.w3.org/2000/svg'
export function s (tag, attrs = {}, ...children) {
  const el = document.createElementNS(SVG_NS, tag)
  for (const [k, v] of Object.entries(attrs ?? {})) if (v !== undefined) el.setAttribute(k, String(v))
  append(el, children)
  return el
}

export function errorBox (err) {
  return h('div', { class: 'error', role: 'alert' }, String(err))
}

export function badge (text) {
  return h('span', { class: `badge ${text}` }, text)
}

export function rate (n, unit = '') {
  if (n === undefined) return '–'
  if (unit === 'B') return n >= 1048576 ? `${(n / 1048576).toFixed(1)} MiB/s` : n >= 1024 ? `${(n / 1024).toFixed(1)} KiB/s` : `${Math.round(n)} B/s`
  return `${n % 1 === 0 ? n : n.toFixed(1)}/s`
}

/** A shard id without its zero padding: shardId-000000000003 -> 3. */
export function shortId (shardId) {
  return String(Number(shardId.split('-').pop()))
}

export const KEY_SPACE = 2n ** 128n

/** Where a hash key falls on 0..2^128, as a fraction. */
export function fraction (hashKey) {
  return Number((BigInt(hashKey) * 1000000n) / KEY_SPACE) / 1000000
}
