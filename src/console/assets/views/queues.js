// Queues: visible, in-flight and delayed counts moving live (the feed pushes the numbers
// GetQueueAttributes reports), attributes, dead-letter links both ways, move tasks,
// peeking without receiving, and sending a test message (SQS SendMessage).
import { consoleGet, follow, onFeed, sqs } from '../api.js'
import { badge, errorBox, h } from '../dom.js'

export function queuesView (main, selected) {
  follow({})
  const body = h('tbody')
  const detail = h('div', { id: 'queue-detail' })
  main.append(h('h1', {}, 'Queues'),
    h('div', { class: 'card' }, h('table', { id: 'queues' },
      h('thead', {}, h('tr', {}, h('th', {}, 'Queue'), h('th', { class: 'num' }, 'Visible'), h('th', { class: 'num' }, 'In flight'), h('th', { class: 'num' }, 'Delayed'), h('th', {}, 'Dead-letter queue'), h('th', {}, 'Dead letters from'), h('th', {}, 'Move tasks'))),
      body)),
    detail)
  let drawn
  const counts = {}
  const attrs = h('tbody')
  const tasks = h('div')

  const drawDetail = (q) => {
    const message = h('div')
    const text = h('textarea', { id: 'send-body', rows: 3, cols: 50 }, 'hello from the console')
    const group = h('input', { id: 'send-group', placeholder: 'MessageGroupId (FIFO)', disabled: !q.fifo })
    const delay = h('input', { id: 'send-delay', type: 'number', min: 0, value: 0, style: 'width:5em', disabled: q.fifo })
    const peeked = h('div', { id: 'peeked' })
    for (const k of ['visible', 'inFlight', 'delayed']) counts[k] = h('div', { class: 'count', id: `count-${k}` }, q[k])
    const send = async () => {
      message.replaceChildren()
      try {
        const body = { QueueUrl: q.url, MessageBody: text.value }
        if (q.fifo) {
          body.MessageGroupId = group.value
          body.MessageDeduplicationId = crypto.randomUUID()
        } else if (Number(delay.value) > 0) {
          body.DelaySeconds = Number(delay.value)
        }
        const sent = await sqs('SendMessage', body)
        message.replaceChildren(h('div', { class: 'ok' }, `sent ${sent.MessageId}`))
      } catch (err) {
        message.replaceChildren(errorBox(err))
      }
    }
    const peek = async () => {
      try {
        const { messages } = await consoleGet('peek', { queue: q.name })
        peeked.replaceChildren(h('table', { id: 'peek-results' },
          h('thead', {}, h('tr', {}, h('th', {}, 'Message id'), h('th', {}, 'State'), h('th', { class: 'num' }, 'Receives'), h('th', {}, 'Sent'), h('th', {}, 'Body'))),
          h('tbody', {}, messages.length === 0
            ? h('tr', {}, h('td', { colspan: 5, class: 'muted' }, 'The queue holds no unsettled message.'))
            : messages.map((m) => h('tr', { 'data-message': m.messageId },
              h('td', { class: 'mono' }, m.messageId), h('td', {}, m.state), h('td', { class: 'num' }, m.receiveCount), h('td', {}, new Date(m.sentTimestamp).toISOString()), h('td', {}, h('pre', { class: 'data mono' }, m.body)))))))
      } catch (err) {
        peeked.replaceChildren(errorBox(err))
      }
    }
    detail.replaceChildren(h('div', { class: 'card' },
      h('h2', { style: 'margin-top:0' }, q.name, ' ', h('span', { class: 'sub mono' }, q.url)),
      h('div', { class: 'counts' }, h('div', {}, h('span', {}, 'visible'), counts.visible), h('div', {}, h('span', {}, 'in flight'), counts.inFlight), h('div', {}, h('span', {}, 'delayed'), counts.delayed)),
      h('div', { class: 'grid2' },
        h('div', {}, h('h2', {}, 'Send a test message'), h('form', { class: 'inline', id: 'send-form', onsubmit: (e) => { e.preventDefault(); void send() } }, text, group, h('label', {}, 'delay (s)', delay), h('button', { id: 'send' }, 'SendMessage')), message,
          h('h2', {}, 'Peek ', h('span', { class: 'sub' }, 'the oldest unsettled messages, read without receiving them')), h('button', { class: 'plain', id: 'peek', onclick: () => { void peek() } }, 'Peek'), peeked,
          h('h2', {}, 'Move tasks'), tasks),
        h('div', {}, h('h2', {}, 'Attributes'), h('table', { id: 'queue-attributes' }, attrs)))))
  }

  return onFeed((feed) => {
    body.replaceChildren(...(feed.queues.length === 0
      ? [h('tr', {}, h('td', { colspan: 7, class: 'muted' }, 'No queues yet.'))]
      : feed.queues.map((q) => h('tr', { 'data-queue': q.name, class: q.name === selected ? 'selected' : undefined },
        h('td', {}, h('a', { href: `#/queues/${encodeURIComponent(q.name)}` }, q.name), q.fifo ? ' (FIFO)' : ''),
        h('td', { class: 'num', 'data-field': 'visible' }, q.visible), h('td', { class: 'num', 'data-field': 'inFlight' }, q.inFlight), h('td', { class: 'num', 'data-field': 'delayed' }, q.delayed),
        h('td', {}, q.deadLetterTarget ? h('a', { href: `#/queues/${encodeURIComponent(q.deadLetterTarget)}` }, q.deadLetterTarget) : '–'),
        h('td', {}, q.deadLetterSources.length === 0 ? '–' : q.deadLetterSources.map((n, i) => [i > 0 ? ', ' : '', h('a', { href: `#/queues/${encodeURIComponent(n)}` }, n)])),
        h('td', {}, q.moveTasks.length === 0 ? '–' : q.moveTasks.map((t) => `${t.status} ${t.moved}/${t.toMove}`).join('; '))))))
    const q = feed.queues.find((x) => x.name === selected)
    if (q === undefined) return
    if (drawn !== q.name) { drawDetail(q); drawn = q.name }
    for (const k of ['visible', 'inFlight', 'delayed']) counts[k].textContent = q[k]
    attrs.replaceChildren(...Object.entries(q.attributes).map(([k, v]) => h('tr', {}, h('td', {}, k), h('td', { class: 'mono' }, v))))
    tasks.replaceChildren(q.moveTasks.length === 0 ? h('span', { class: 'muted' }, 'none (StartMessageMoveTask on a dead-letter queue)') : h('table', {}, h('tbody', {}, q.moveTasks.map((t) => h('tr', {}, h('td', {}, badge(t.status)), h('td', {}, `${t.moved} of ${t.toMove} moved`), h('td', { class: 'mono' }, t.destinationArn ?? 'back to the sources'), h('td', {}, t.failureReason ?? ''))))))
  })
}
