// The access key the page signs with when the server runs with --auth: asked for when a
// call is refused for want of a valid signature, kept for this tab only (sessionStorage),
// never sent: only signatures made with it are.
import { h } from './dom.js'
import { canSign } from './sigv4.js'

const STORAGE_KEY = 'shardline.credentials'
const changed = new Set()

/** The signing key, or undefined: then the page sends unsigned calls, which a server without --auth takes. */
export function credentials () {
  try {
    const kept = JSON.parse(sessionStorage.getItem(STORAGE_KEY) ?? 'null')
    return kept?.accessKeyId && kept?.secretAccessKey ? kept : undefined
  } catch {
    return undefined
  }
}

/** Calls `listener` after the key is set or cleared (the views redraw, the feed reconnects). */
export function onCredentialsChange (listener) {
  changed.add(listener)
}

function save (value) {
  if (value === undefined) sessionStorage.removeItem(STORAGE_KEY)
  else sessionStorage.setItem(STORAGE_KEY, JSON.stringify(value))
  showSigner()
  for (const listener of changed) listener()
}

function showSigner () {
  const button = document.getElementById('signer')
  if (button === null) return
  const key = credentials()
  button.textContent = key === undefined ? 'sign in' : `${key.accessKeyId} · sign out`
  button.title = key === undefined ? 'sign requests with an access key of the server\'s --auth key file' : 'forget the access key'
}

let dialog
/** Cancelled once: refusals stop asking (the feed's retries would ask every two seconds); the button still does. */
let declined = false

/** Opens the form for an access key, saying why (the server's refusal); `asked` when the user clicked for it. */
export function askForCredentials (reason, asked = false) {
  if (dialog?.open || (declined && !asked)) return
  dialog?.remove()
  const message = h('p', { class: 'error', role: 'alert' }, reason ?? '')
  if (!reason) message.hidden = true
  const id = h('input', { name: 'accessKeyId', autocomplete: 'username', required: true, size: 28 })
  const secret = h('input', { name: 'secretAccessKey', type: 'password', autocomplete: 'current-password', required: true, size: 28 })
  const region = h('input', { name: 'region', placeholder: 'the server\'s own', size: 16 })
  const form = h('form', { method: 'dialog' },
    h('h2', {}, 'Sign requests'),
    h('p', { class: 'sub' }, 'This server checks signatures (--auth). Give an access key of its key file: the page signs every call with it and keeps it in this tab only.'),
    message,
    canSign() ? undefined : h('p', { class: 'error' }, 'This browser offers Web Crypto, which signing needs, only on https or localhost: open the console at http://localhost:<port> (an SSH tunnel will do).'),
    h('label', {}, 'Access key id ', id),
    h('label', {}, 'Secret access key ', secret),
    h('label', {}, 'Region ', region),
    h('div', { class: 'buttons' }, h('button', { type: 'submit', value: 'sign' }, 'Sign in'), h('button', { type: 'submit', value: 'cancel', class: 'plain', formnovalidate: true }, 'Cancel')))
  dialog = h('dialog', { id: 'credentials' }, form)
  dialog.addEventListener('close', () => {
    declined = dialog.returnValue !== 'sign'
    if (declined) return
    save({ accessKeyId: id.value.trim(), secretAccessKey: secret.value, region: region.value.trim() })
  })
  document.body.append(dialog)
  dialog.showModal()
  id.focus()
}

export function initCredentials () {
  showSigner()
  document.getElementById('signer')?.addEventListener('click', () => {
    if (credentials() === undefined) askForCredentials(undefined, true)
    else save(undefined)
  })
}
