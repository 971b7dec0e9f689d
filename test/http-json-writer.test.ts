/**
 * The one-pass AWS JSON writer must produce exactly the bytes of the plain path
 * (encode the shape, then JSON.stringify), for every kind of value an action returns.
 */
import { describe, expect, it } from 'vitest'
import { encodeResponse } from '../src/http/aws-shapes.js'
import { writeAwsJson } from '../src/http/json-writer.js'
import { jsonWire } from '../src/http/wire-formats.js'

function plain (output: unknown): string {
  return JSON.stringify(encodeResponse(output, jsonWire.types))
}

describe('writeAwsJson', () => {
  it.each([
    ['records with bytes and timestamps', {
      records: [
        { sequence_number: '4'.repeat(56), approximate_arrival_timestamp: 1_767_225_600_123, data: Buffer.from([0, 1, 2, 255]), partition_key: 'plain' },
        { sequence_number: '5', approximate_arrival_timestamp: 1, data: new Uint8Array(0), partition_key: 'ü "quoted" \\ back\nline \u2028 \u0001 \ud800 😀' }
      ],
      next_shard_iterator: 'AAAA/+==',
      millis_behind_latest: 0,
      child_shards: []
    }],
    ['nested shapes, acronyms, booleans, nulls and absent members', {
      stream_description: { stream_arn: 'arn:aws:kinesis:us-east-1:000000000000:stream/x', has_more_shards: false, shards: [{ hash_key_range: { starting_hash_key: '0' } }], key_id: undefined, x: null }
    }],
    ['numbers of every kind', { a: 0, b: -0, c: 1.5, d: 1e21, e: NaN, f: Infinity, g: -12, stream_creation_timestamp: 1_767_225_600_000 }],
    ['a large page, which outgrows the first buffer', { records: Array.from({ length: 3000 }, (_, i) => ({ data: Buffer.alloc(100, i), partition_key: `k${i}` })) }],
    ['a page of 1 KiB records, which fills several output chunks', { records: Array.from({ length: 2500 }, (_, i) => ({ sequence_number: String(i), data: Buffer.alloc(1024, i), partition_key: `k${i}` })) }],
    ['one record larger than an output chunk, between small ones', { records: [{ data: Buffer.alloc(300, 1) }, { data: Buffer.alloc(1_500_000, 2) }, { data: Buffer.alloc(10, 3) }] }],
    ['a map whose keys need escaping or UTF-8', { tags: { plain: 'a', 'ü key': 'b', 'quo"te': 'c', 'line\nbreak': 'd' } }],
    ['a small output after a large one (no state carried over)', { records: [{ sequence_number: '1', shard_id: 'shardId-000000000000' }], encryption_type: 'NONE' }],
    ['not an object', 'text'],
    ['an empty output', {}]
  ])('writes %s exactly as the plain path does', (_, output) => {
    expect(writeAwsJson(output).toString('utf8')).toBe(plain(output))
  })
})
