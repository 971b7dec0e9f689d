// Topics: a placeholder until SNS topics are on main.
import { h } from '../dom.js'

export function topicsView (main) {
  main.append(h('h1', {}, 'Topics'),
    h('div', { class: 'card', id: 'topics-placeholder' },
      h('p', {}, 'SNS topics are not in this server yet.'),
      h('p', { class: 'muted' }, 'When they land, this view will list each topic\'s subscriptions (protocol, filter policy, confirmation and delivery state, dead-letter queue), its outbox, and let you publish a test message — read through the SNS API on this port, as the queues view reads SQS.')))
}
