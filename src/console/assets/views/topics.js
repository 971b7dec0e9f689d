// Topics: a placeholder until the console reads topics through the SNS API.
import { h } from '../dom.js'

export function topicsView (main) {
  main.append(h('h1', {}, 'Topics'),
    h('div', { class: 'card', id: 'topics-placeholder' },
      h('p', {}, 'The console does not show SNS topics yet. The server serves them: the SNS API on this port (Query protocol) and TopicService over gRPC.'),
      h('p', { class: 'muted' }, 'This view is to list each topic\'s subscriptions (protocol, filter policy, confirmation and delivery state, dead-letter queue), its outbox, and let you publish a test message — read through the SNS API on this port, as the queues view reads SQS.')))
}
