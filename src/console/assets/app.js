// The console's router: `#/<view>/<stream>` picks a view, which draws into <main> and
// follows the feed for what it shows.
import { refollow } from './api.js'
import { initCredentials, onCredentialsChange } from './credentials.js'
import { h } from './dom.js'
import { streamsView } from './views/streams.js'
import { shardMapView } from './views/shard-map.js'
import { recordsView } from './views/records.js'
import { consumersView } from './views/consumers.js'
import { queuesView } from './views/queues.js'
import { topicsView } from './views/topics.js'

const VIEWS = { streams: streamsView, shards: shardMapView, records: recordsView, consumers: consumersView, queues: queuesView, topics: topicsView }

let leave

export function streamTabs (name, active) {
  const tab = (view, label) => h('a', { href: `#/${view}/${encodeURIComponent(name)}`, class: view === active ? 'active' : undefined }, label)
  return h('div', {},
    h('h1', {}, name, ' ', h('span', { class: 'sub' }, 'stream')),
    h('div', { class: 'tabs' }, tab('shards', 'Shard map'), tab('records', 'Records'), tab('consumers', 'Consumers')))
}

function route () {
  leave?.()
  leave = undefined
  const [view = 'streams', ...rest] = location.hash.replace(/^#\/?/, '').split('/')
  const render = VIEWS[view] ?? streamsView
  const arg = rest.length > 0 ? decodeURIComponent(rest.join('/')) : undefined
  for (const link of document.querySelectorAll('#nav a')) {
    const streamish = ['shards', 'records', 'consumers'].includes(view) ? 'streams' : view
    link.classList.toggle('active', link.dataset.view === streamish)
  }
  const main = document.getElementById('main')
  main.replaceChildren()
  main.dataset.view = view
  leave = render(main, arg)
}

window.addEventListener('hashchange', route)
initCredentials()
// A new key (or none): the view asks again with it, and the feed reconnects signed.
onCredentialsChange(() => {
  route()
  refollow()
})
route()
