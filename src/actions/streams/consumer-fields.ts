/**
 * Fields of the enhanced fan-out operations, and the consumer shape they return.
 */
import { Type } from '@sinclair/typebox'
import type { ConsumerRegistry } from '../../streams/consumer-registry.js'
import type { ConsumerDoc, Stream } from '../../streams/stream-model.js'

export const ConsumerName = Type.String({ minLength: 1, maxLength: 128, pattern: '^[a-zA-Z0-9_.-]+$' })
export const ConsumerArn = Type.String({ minLength: 1, maxLength: 2048, pattern: '^(arn):aws.*:kinesis:.*:\\d{12}:.*stream/[a-zA-Z0-9_.-]+/consumer/[a-zA-Z0-9_.-]+:[0-9]+$' })

export function consumerShape (consumers: ConsumerRegistry, stream: Stream, consumer: ConsumerDoc, withStreamArn = false): Record<string, unknown> {
  return {
    consumer_name: consumer.name,
    consumer_arn: consumers.arnOf(stream, consumer),
    consumer_status: consumer.status,
    consumer_creation_timestamp: consumer.createdAt,
    ...(withStreamArn ? { stream_arn: stream.arn } : {})
  }
}
