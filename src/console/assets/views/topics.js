// Topics: each topic's subscription counts and messages published, and for one topic its
// subscriptions (protocol, endpoint, filter policy, confirmation and delivery state,
// dead-letter queue), its outbox (email, sms, application and firehose deliveries), and
// publishing a test message (SNS Publish on the Query protocol, as any client does). The
// feed pushes the numbers; delivery state is counted since the server started.
import { follow, onFeed, sns } from '../api.js'
import { badge, errorBox, h } from '../dom.js'

function ago (at, now) {
  if (at === undefined) return '–'
  const s = Math.max(0, Math.round((now - at) / 1000))
  return s < 60 ? `${s} s ago` : s < 3600 ? `${Math.round(s / 60)} min ago` : new Date(at).toISOString()
}

/** What a subscription's pump is doing, in a few words; details below. */
function deliveryCell (sub, now) {
  const d = sub.delivery
  if (d === undefined) return h('span', { class: 'muted' }, 'waiting for ConfirmSubscription: nothing is delivered before')
  const state = d.retrying !== undefined ? 'retrying' : d.replaying ? 'replaying' : d.behind > 0 ? 'delivering' : 'caught up'
  return h('div', { 'data-delivery': state },
    badge(state === 'caught up' ? 'caught-up' : state), ' ',
    h('span', { 'data-field': 'behind' }, d.replaying ? 'replay under way' : `${d.behind} behind`),
    h('div', { class: 'muted' },
      h('span', { 'data-field': 'delivered' }, `${d.delivered} delivered`), ', ',
      h('span', { 'data-field': 'failed' }, `${d.failed} failed`), d.deadLettered > 0 ? ` (${d.deadLettered} to the DLQ)` : '',
      d.failedAttempts > 0 ? `, ${d.failedAttempts} failed attempts` : '',
      ', last delivery ', ago(d.lastDeliveryAt, now)),
    d.retrying === undefined ? '' : h('div', {}, `attempt ${d.retrying.attempt} of ${d.retrying.of} failed; next in ${Math.max(0, Math.round((d.retrying.nextAt - now) / 1000))} s`),
    d.lastFailure === undefined ? '' : h('div', { class: 'muted mono', 'data-field': 'last-failure' }, `${d.lastFailure.code}: ${d.lastFailure.message} (${ago(d.lastFailure.at, now)})`))
}

function subscriptionRow (sub, now) {
  return h('tr', { 'data-subscription': sub.arn, 'data-protocol': sub.protocol },
    h('td', {}, sub.protocol, sub.rawMessageDelivery ? h('div', { class: 'muted' }, 'raw') : ''),
    h('td', { class: 'mono' }, sub.endpoint, h('div', { class: 'muted', style: 'font-size:10px' }, sub.arn)),
    h('td', { 'data-field': 'status' }, badge(sub.status)),
    h('td', {}, sub.filterPolicy === undefined ? '–' : [h('pre', { class: 'data mono' }, sub.filterPolicy), h('div', { class: 'muted' }, `on ${sub.filterPolicyScope}`)]),
    h('td', { 'data-field': 'dlq' }, sub.deadLetterArn === undefined
      ? '–'
      : sub.deadLetterQueue !== undefined
        ? h('a', { href: `#/queues/${encodeURIComponent(sub.deadLetterQueue)}` }, sub.deadLetterQueue)
        : h('span', { class: 'mono', title: 'no such queue' }, sub.deadLetterArn, ' (missing)')),
    h('td', {}, deliveryCell(sub, now)))
}

function outboxRow (entry) {
  return h('tr', { 'data-message': entry.messageId },
    h('td', {}, new Date(entry.at).toISOString()), h('td', {}, entry.protocol), h('td', { class: 'mono' }, entry.endpoint),
    h('td', {}, entry.subject ?? '–'), h('td', {}, h('pre', { class: 'data mono' }, entry.body)))
}

export function topicsView (main, selected) {
  follow({ topic: selected })
  const body = h('tbody')
  const detail = h('div', { id: 'topic-detail' })
  main.append(h('h1', {}, 'Topics'),
    h('div', { class: 'card' }, h('table', { id: 'topics' },
      h('thead', {}, h('tr', {}, h('th', {}, 'Topic'), h('th', { class: 'num' }, 'Confirmed'), h('th', { class: 'num' }, 'Pending'), h('th', { class: 'num' }, 'Deleted'), h('th', { class: 'num' }, 'Published'))),
      body)),
    detail)
  let drawn
  const counts = {}
  const subs = h('tbody')
  const outbox = h('tbody')
  const outboxNote = h('div', { class: 'muted' })
  const attrs = h('tbody')

  const drawDetail = (t) => {
    const result = h('div')
    const message = h('textarea', { id: 'publish-message', rows: 3, cols: 50 }, 'hello from the console')
    const subject = h('input', { id: 'publish-subject', placeholder: 'Subject (optional)' })
    const attrName = h('input', { id: 'publish-attr-name', placeholder: 'attribute name', style: 'width:9em' })
    const attrValue = h('input', { id: 'publish-attr-value', placeholder: 'String value', style: 'width:9em' })
    const group = h('input', { id: 'publish-group', placeholder: 'MessageGroupId (FIFO)', disabled: !t.fifo })
    for (const k of ['confirmed', 'pending', 'published']) counts[k] = h('div', { class: 'count', id: `topic-count-${k}` }, t[k])
    const publish = async () => {
      result.replaceChildren()
      try {
        const params = { TopicArn: t.arn, Message: message.value }
        if (subject.value !== '') params.Subject = subject.value
        if (attrName.value !== '') {
          params['MessageAttributes.entry.1.Name'] = attrName.value
          params['MessageAttributes.entry.1.Value.DataType'] = 'String'
          params['MessageAttributes.entry.1.Value.StringValue'] = attrValue.value
        }
        if (t.fifo) {
          params.MessageGroupId = group.value
          params.MessageDeduplicationId = crypto.randomUUID()
        }
        const answer = await sns('Publish', params)
        result.replaceChildren(h('div', { class: 'ok' }, `published ${answer.querySelector('MessageId')?.textContent ?? ''}`))
      } catch (err) {
        result.replaceChildren(errorBox(err))
      }
    }
    detail.replaceChildren(h('div', { class: 'card' },
      h('h2', { style: 'margin-top:0' }, t.name, ' ', h('span', { class: 'sub mono' }, t.arn)),
      h('div', { class: 'counts' }, h('div', {}, h('span', {}, 'confirmed'), counts.confirmed), h('div', {}, h('span', {}, 'pending'), counts.pending), h('div', {}, h('span', {}, 'published'), counts.published)),
      h('h2', {}, 'Subscriptions'),
      h('table', { id: 'subscriptions' }, h('thead', {}, h('tr', {}, h('th', {}, 'Protocol'), h('th', {}, 'Endpoint'), h('th', {}, 'Status'), h('th', {}, 'Filter policy'), h('th', {}, 'Dead-letter queue'), h('th', {}, 'Delivery'))), subs),
      h('div', { class: 'grid2' },
        h('div', {},
          h('h2', {}, 'Publish a test message'),
          h('form', { class: 'inline', id: 'publish-form', onsubmit: (e) => { e.preventDefault(); void publish() } }, message, subject, attrName, attrValue, group, h('button', { id: 'publish' }, 'Publish')), result),
        h('div', {}, h('h2', {}, 'Attributes'), h('table', { id: 'topic-attributes' }, attrs))),
      h('h2', {}, 'Outbox ', h('span', { class: 'sub' }, 'deliveries to email, email-json, sms, application and firehose endpoints, newest first')), outboxNote,
      h('table', { id: 'outbox' }, h('thead', {}, h('tr', {}, h('th', {}, 'At'), h('th', {}, 'Protocol'), h('th', {}, 'Endpoint'), h('th', {}, 'Subject'), h('th', {}, 'Body'))), outbox)))
  }

  return onFeed((feed) => {
    body.replaceChildren(...(feed.topics.length === 0
      ? [h('tr', {}, h('td', { colspan: 5, class: 'muted' }, 'No topics yet (CreateTopic).'))]
      : feed.topics.map((t) => h('tr', { 'data-topic': t.name, class: t.name === selected ? 'selected' : undefined },
        h('td', {}, h('a', { href: `#/topics/${encodeURIComponent(t.name)}` }, t.name), t.fifo ? ' (FIFO)' : ''),
        h('td', { class: 'num', 'data-field': 'confirmed' }, t.confirmed), h('td', { class: 'num', 'data-field': 'pending' }, t.pending),
        h('td', { class: 'num', 'data-field': 'deleted' }, t.deleted), h('td', { class: 'num', 'data-field': 'published' }, t.published)))))
    const t = feed.topic
    if (selected === undefined) return
    if (t === undefined || t.name !== selected) {
      if (feed.topics.every((x) => x.name !== selected)) detail.replaceChildren(errorBox(`Topic ${selected} does not exist.`))
      drawn = undefined
      return
    }
    if (drawn !== t.name) { drawDetail(t); drawn = t.name }
    for (const k of ['confirmed', 'pending', 'published']) counts[k].textContent = t[k]
    subs.replaceChildren(...(t.subscriptions.length === 0
      ? [h('tr', {}, h('td', { colspan: 6, class: 'muted' }, 'No subscriptions (Subscribe).'))]
      : t.subscriptions.map((sub) => subscriptionRow(sub, feed.at))))
    outboxNote.textContent = t.outboxTotal > t.outbox.length ? `the newest ${t.outbox.length} of ${t.outboxTotal}; all at GET /_shardline/sns/outbox?topicArn=…` : ''
    outbox.replaceChildren(...(t.outbox.length === 0
      ? [h('tr', {}, h('td', { colspan: 5, class: 'muted' }, 'Nothing in the outbox for this topic.'))]
      : t.outbox.map(outboxRow)))
    attrs.replaceChildren(...Object.entries(t.attributes).map(([k, v]) => h('tr', {}, h('td', {}, k), h('td', {}, h('pre', { class: 'data mono' }, v)))))
  })
}
