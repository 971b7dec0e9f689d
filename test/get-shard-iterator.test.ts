/**
 * GetShardIterator: decoding, validation, the five iterator types, and the iterator token
 * itself (sealed against edits, expiring after 5 minutes, valid across a restart).
 */
import { recordReaders, texts } from './helpers/records.js'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { StreamClient, type StreamRecord } from '../client/index.js'
import { createServer, type ServerOptions, type ShardlineServer } from '../src/index.js'
import { ManualClock, expectCode, rawCall, startServer, uniqueName, type TestServer } from './helpers/server.js'

const SHARD0 = 'shardId-000000000000'
const SHARD1 = 'shardId-000000000001'
const FIVE_MINUTES = 5 * 60 * 1000

let ts: TestServer
let client: StreamClient
const clock = new ManualClock()

beforeAll(async () => {
  // limits 'off': the read limits count calls per second of the manual clock, which stands still.
  ts = await startServer({ limits: 'off', clock: clock.now })
  client = ts.client
})

afterAll(async () => {
  await ts.close()
})

async function newStream (shardCount = 1): Promise<string> {
  const name = uniqueName('iter')
  await client.createStream({ streamName: name, shardCount })
  return name
}

const { drain } = recordReaders(() => client)

async function putAll (streamName: string, items: string[], shardId = SHARD0): Promise<string[]> {
  const seqs: string[] = []
  for (const data of items) {
    const put = await client.putRecord({ streamName, partitionKey: 'k', data, ...(shardId === SHARD1 ? { explicitHashKey: (1n << 127n).toString() } : { explicitHashKey: '0' }) })
    expect(put.shardId).toBe(shardId)
    seqs.push(put.sequenceNumber)
  }
  return seqs
}

function lengthDelimited (field: number, value: string | Buffer): Buffer {
  const bytes = Buffer.from(value)
  return Buffer.concat([Buffer.from([(field << 3) | 2, bytes.length]), bytes])
}
function varint (field: number, value: number): Buffer {
  return Buffer.from([(field << 3) | 0, value])
}

/** A server on a data directory this file owns, so it can be stopped and started again. */
interface OwnedServer {
  readonly server: ShardlineServer
  readonly client: StreamClient
  close (): Promise<void>
}

async function openServer (dataDir: string, options: ServerOptions = {}): Promise<OwnedServer> {
  const server = await createServer({ dataDir, grpcPort: 0, httpPort: 0, logLevel: 'silent', limits: 'off', ...options })
  const c = new StreamClient({ endpoint: `127.0.0.1:${server.grpcPort}` })
  return {
    server,
    client: c,
    async close () {
      c.close()
      await server.close()
    }
  }
}

/** Stops the server and starts a new one on the same data directory. */
async function restart (running: OwnedServer, dataDir: string): Promise<OwnedServer> {
  await running.close()
  return await openServer(dataDir)
}

describe('GetShardIterator serialization', () => {
  let name: string
  beforeAll(async () => { name = await newStream() })

  async function expectSerializationFailed (body: Buffer): Promise<void> {
    const result = await rawCall(ts.endpoint, 'GetShardIterator', body)
    expect(result.metadata['shardline-code'], result.details).toBe('SERIALIZATION_FAILED')
    expect(result.code).toBe(3)
    expect(result.metadata['shardline-aws-type']).toBe('SerializationException')
  }

  it('rejects garbage bytes', async () => {
    await expectSerializationFailed(Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff]))
  })

  it('rejects shard_iterator_type (an enum) sent as a string', async () => {
    await expectSerializationFailed(Buffer.concat([lengthDelimited(1, name), lengthDelimited(2, SHARD0), lengthDelimited(3, 'AB')]))
  })

  it('rejects timestamp (an int64) sent as a string', async () => {
    await expectSerializationFailed(Buffer.concat([lengthDelimited(1, name), lengthDelimited(2, SHARD0), varint(3, 5), lengthDelimited(5, 'x')]))
  })

  it('rejects shard_id (a string) sent as a varint', async () => {
    await expectSerializationFailed(Buffer.concat([lengthDelimited(1, name), varint(2, 0), varint(3, 3)]))
  })

  it('rejects a shard_id whose length runs past the end of the message', async () => {
    await expectSerializationFailed(Buffer.concat([lengthDelimited(1, name), varint(3, 3), Buffer.from([0x12, 0x30]), Buffer.from(SHARD0.slice(0, 5))]))
  })

  it('accepts the same fields correctly encoded (control)', async () => {
    const result = await rawCall(ts.endpoint, 'GetShardIterator', Buffer.concat([lengthDelimited(1, name), lengthDelimited(2, SHARD0), varint(3, 3)]))
    expect(result.code, result.details).toBe(0)
  })
})

describe('GetShardIterator validation', () => {
  let name: string
  beforeAll(async () => { name = await newStream(2) })

  it('requires a shard id of the allowed pattern and length', async () => {
    const missing = await expectCode(client.getShardIterator({ streamName: name, shardId: '', shardIteratorType: 'LATEST' }), 'VALIDATION_FAILED')
    expect(missing.message).toMatch(/'shard_id'/)
    const bad = await expectCode(client.getShardIterator({ streamName: name, shardId: 'shard 0', shardIteratorType: 'LATEST' }), 'VALIDATION_FAILED')
    expect(bad.message).toMatch(/at 'shard_id' failed to satisfy constraint: Member must satisfy regular expression pattern: \[a-zA-Z0-9_.-\]\+/)
    const long = await expectCode(client.getShardIterator({ streamName: name, shardId: 's'.repeat(129), shardIteratorType: 'LATEST' }), 'VALIDATION_FAILED')
    expect(long.message).toMatch(/at 'shard_id' failed to satisfy constraint: Member must have length less than or equal to 128/)
  })

  it('requires an iterator type', async () => {
    const result = await rawCall(ts.endpoint, 'GetShardIterator', Buffer.concat([lengthDelimited(1, name), lengthDelimited(2, SHARD0)]))
    expect(result.metadata['shardline-code']).toBe('VALIDATION_FAILED')
    expect(result.details).toMatch(/at 'shard_iterator_type' failed to satisfy constraint: Member must not be null/)
  })

  it('reports an unspecified iterator type as one AWS-style enum constraint', async () => {
    // Enum value 0 (SHARD_ITERATOR_TYPE_UNSPECIFIED) written explicitly on the wire.
    const result = await rawCall(ts.endpoint, 'GetShardIterator', Buffer.concat([lengthDelimited(1, name), lengthDelimited(2, SHARD0), varint(3, 0)]))
    expect(result.metadata['shardline-code']).toBe('VALIDATION_FAILED')
    expect(result.details).toMatch(/^1 validation error detected: /)
    expect(result.details).toMatch(/at 'shard_iterator_type' failed to satisfy constraint: Member must satisfy enum value set: \[/)
  })

  it('refuses a malformed starting sequence number', async () => {
    const err = await expectCode(client.getShardIterator({ streamName: name, shardId: SHARD0, shardIteratorType: 'AT_SEQUENCE_NUMBER', startingSequenceNumber: 'abc' }), 'VALIDATION_FAILED')
    expect(err.message).toMatch(/Value 'abc' at 'starting_sequence_number' failed to satisfy constraint: Member must satisfy regular expression pattern/)
  })

  it('refuses a negative timestamp', async () => {
    const err = await expectCode(client.getShardIterator({ streamName: name, shardId: SHARD0, shardIteratorType: 'AT_TIMESTAMP', timestamp: -1 }), 'VALIDATION_FAILED')
    expect(err.message).toMatch(/at 'timestamp' failed to satisfy constraint: Member must have value greater than or equal to 0/)
  })

  it.each(['AT_SEQUENCE_NUMBER', 'AFTER_SEQUENCE_NUMBER'] as const)('%s needs a starting sequence number', async (type) => {
    const err = await expectCode(client.getShardIterator({ streamName: name, shardId: SHARD0, shardIteratorType: type }), 'INVALID_ARGUMENT')
    expect(err.message).toBe('Must either specify (1) AT_SEQUENCE_NUMBER or AFTER_SEQUENCE_NUMBER and StartingSequenceNumber or ' +
      `(2) TRIM_HORIZON or LATEST and no StartingSequenceNumber. Request specified ${type} and no StartingSequenceNumber.`)
    expect(err.awsType).toBe('InvalidArgumentException')
  })

  it.each(['TRIM_HORIZON', 'LATEST', 'AT_TIMESTAMP'] as const)('%s refuses a starting sequence number', async (type) => {
    const [seq] = await putAll(name, ['x'], SHARD0)
    const err = await expectCode(client.getShardIterator({ streamName: name, shardId: SHARD0, shardIteratorType: type, startingSequenceNumber: seq, timestamp: clock.time }), 'INVALID_ARGUMENT')
    expect(err.message).toContain(`Request specified ${type} and also a StartingSequenceNumber.`)
  })

  it('AT_TIMESTAMP refuses a time in the future, as AWS does', async () => {
    const err = await expectCode(client.getShardIterator({ streamName: name, shardId: SHARD0, shardIteratorType: 'AT_TIMESTAMP', timestamp: clock.time + 1 }), 'INVALID_ARGUMENT')
    expect(err.message).toBe(`The timestampInMillis parameter cannot be greater than the currentTimestampInMillis. timestampInMillis: ${clock.time + 1}, currentTimestampInMillis: ${clock.time}`)
  })

  it('AT_TIMESTAMP needs a timestamp', async () => {
    const err = await expectCode(client.getShardIterator({ streamName: name, shardId: SHARD0, shardIteratorType: 'AT_TIMESTAMP' }), 'INVALID_ARGUMENT')
    expect(err.message).toMatch(/timestamp/)
  })

  it.each(['AT_SEQUENCE_NUMBER', 'AFTER_SEQUENCE_NUMBER'] as const)('%s refuses a sequence number of another shard', async (type) => {
    const [seq] = await putAll(name, ['in-shard-1'], SHARD1)
    const err = await expectCode(client.getShardIterator({ streamName: name, shardId: SHARD0, shardIteratorType: type, startingSequenceNumber: seq }), 'INVALID_SEQUENCE_NUMBER')
    expect(err.awsType).toBe('InvalidArgumentException')
    expect(err.message).toBe(`Invalid StartingSequenceNumber. It encodes ${SHARD1}, while it was used in a call to a shard with ${SHARD0}`)
    // The same number is fine on its own shard.
    await expect(client.getShardIterator({ streamName: name, shardId: SHARD1, shardIteratorType: type, startingSequenceNumber: seq })).resolves.toBeDefined()
  })

  it('refuses a sequence number this server never issued', async () => {
    await expectCode(client.getShardIterator({ streamName: name, shardId: SHARD0, shardIteratorType: 'AT_SEQUENCE_NUMBER', startingSequenceNumber: '12345' }), 'INVALID_SEQUENCE_NUMBER')
    await expectCode(client.getShardIterator({ streamName: name, shardId: SHARD0, shardIteratorType: 'AFTER_SEQUENCE_NUMBER', startingSequenceNumber: '9'.repeat(56) }), 'INVALID_SEQUENCE_NUMBER')
  })

  it('does not find an unknown shard or stream', async () => {
    const shard = await expectCode(client.getShardIterator({ streamName: name, shardId: 'shardId-000000000002', shardIteratorType: 'LATEST' }), 'SHARD_NOT_FOUND')
    expect(shard.grpcStatus).toBe(5)
    expect(shard.message).toContain('shardId-000000000002')
    const unreadable = await expectCode(client.getShardIterator({ streamName: name, shardId: 'not-a-shard', shardIteratorType: 'LATEST' }), 'SHARD_NOT_FOUND')
    expect(unreadable.message).toBe(`Could not find shard not-a-shard in stream ${name} under account 000000000000.`)
    // As AWS: the shard of a stream that does not exist does not exist either.
    const missing = uniqueName('missing')
    const stream = await expectCode(client.getShardIterator({ streamName: missing, shardId: SHARD0, shardIteratorType: 'LATEST' }), 'SHARD_NOT_FOUND')
    expect(stream.message).toBe(`Shard ${SHARD0} in stream ${missing} under account 000000000000 does not exist`)
  })

  it('needs a stream name or ARN, and refuses a name and an ARN that disagree', async () => {
    await expectCode(client.getShardIterator({ shardId: SHARD0, shardIteratorType: 'LATEST' }), 'VALIDATION_FAILED')
    await expectCode(client.getShardIterator({ streamName: name, streamArn: 'arn:aws:kinesis:us-east-1:000000000000:stream/other', shardId: SHARD0, shardIteratorType: 'LATEST' }), 'INVALID_ARGUMENT')
  })
})

describe('GetShardIterator functionality', () => {
  it('TRIM_HORIZON starts at the oldest record', async () => {
    const name = await newStream()
    const seqs = await putAll(name, ['a', 'b', 'c'])
    const { shardIterator } = await client.getShardIterator({ streamName: name, shardId: SHARD0, shardIteratorType: 'TRIM_HORIZON' })
    const { records } = await drain(shardIterator)
    expect(texts(records)).toEqual(['a', 'b', 'c'])
    expect(records.map((r) => r.sequenceNumber)).toEqual(seqs)
  })

  it('LATEST starts after the newest record, on a used and on an empty shard', async () => {
    const name = await newStream()
    const empty = (await client.getShardIterator({ streamName: name, shardId: SHARD0, shardIteratorType: 'LATEST' })).shardIterator
    await putAll(name, ['a', 'b'])
    const latest = (await client.getShardIterator({ streamName: name, shardId: SHARD0, shardIteratorType: 'LATEST' })).shardIterator
    const before = await drain(latest)
    expect(before.records).toHaveLength(0)
    await putAll(name, ['c', 'd'])
    expect(texts((await drain(before.next)).records)).toEqual(['c', 'd'])
    expect(texts((await drain(latest)).records)).toEqual(['c', 'd'])
    // Taken before anything was written, LATEST sees everything written after.
    expect(texts((await drain(empty)).records)).toEqual(['a', 'b', 'c', 'd'])
  })

  it('AT_SEQUENCE_NUMBER starts at that record and AFTER_SEQUENCE_NUMBER just after it', async () => {
    const name = await newStream()
    const seqs = await putAll(name, ['r0', 'r1', 'r2', 'r3', 'r4'])
    const at = async (type: 'AT_SEQUENCE_NUMBER' | 'AFTER_SEQUENCE_NUMBER', seq: string): Promise<string[]> =>
      texts((await drain((await client.getShardIterator({ streamName: name, shardId: SHARD0, shardIteratorType: type, startingSequenceNumber: seq })).shardIterator)).records)
    expect(await at('AT_SEQUENCE_NUMBER', seqs[2]!)).toEqual(['r2', 'r3', 'r4'])
    expect(await at('AFTER_SEQUENCE_NUMBER', seqs[2]!)).toEqual(['r3', 'r4'])
    expect(await at('AT_SEQUENCE_NUMBER', seqs[0]!)).toEqual(['r0', 'r1', 'r2', 'r3', 'r4'])
    expect(await at('AT_SEQUENCE_NUMBER', seqs[4]!)).toEqual(['r4'])
    const afterLast = (await client.getShardIterator({ streamName: name, shardId: SHARD0, shardIteratorType: 'AFTER_SEQUENCE_NUMBER', startingSequenceNumber: seqs[4] })).shardIterator
    const tail = await drain(afterLast)
    expect(tail.records).toHaveLength(0)
    await putAll(name, ['r5'])
    expect(texts((await drain(tail.next)).records)).toEqual(['r5'])
  })

  it('AT_TIMESTAMP starts at the first record that arrived at or after the time', async () => {
    const name = await newStream()
    const t0 = clock.time
    await putAll(name, ['a0'])
    clock.advance(1000)
    await putAll(name, ['b0', 'b1', 'b2'])
    clock.advance(1000)
    await putAll(name, ['c0'])
    const from = async (timestamp: number | Date): Promise<StreamRecord[]> =>
      (await drain((await client.getShardIterator({ streamName: name, shardId: SHARD0, shardIteratorType: 'AT_TIMESTAMP', timestamp })).shardIterator)).records

    const all = await from(t0)
    expect(all.map((r) => [r.data.toString(), r.approximateArrivalTimestamp])).toEqual([
      ['a0', t0], ['b0', t0 + 1000], ['b1', t0 + 1000], ['b2', t0 + 1000], ['c0', t0 + 2000]
    ])
    expect(texts(await from(0))).toEqual(['a0', 'b0', 'b1', 'b2', 'c0'])
    expect(texts(await from(t0 - 1))).toEqual(['a0', 'b0', 'b1', 'b2', 'c0'])
    expect(texts(await from(t0 + 1))).toEqual(['b0', 'b1', 'b2', 'c0'])
    expect(texts(await from(t0 + 999))).toEqual(['b0', 'b1', 'b2', 'c0'])
    expect(texts(await from(new Date(t0 + 1000)))).toEqual(['b0', 'b1', 'b2', 'c0'])
    expect(texts(await from(t0 + 1001))).toEqual(['c0'])
    expect(texts(await from(t0 + 2000))).toEqual(['c0'])
    // After the newest record: nothing yet, then what arrives later.
    clock.advance(1)
    const future = (await client.getShardIterator({ streamName: name, shardId: SHARD0, shardIteratorType: 'AT_TIMESTAMP', timestamp: t0 + 2001 })).shardIterator
    const none = await drain(future)
    expect(none.records).toHaveLength(0)
    clock.advance(5)
    await putAll(name, ['d0'])
    expect(texts((await drain(none.next)).records)).toEqual(['d0'])
  })

  it('treats the shards of a stream that is still CREATING as not found', async () => {
    const slow = await startServer({ createStreamMs: 400 })
    try {
      const name = uniqueName('creating')
      await slow.client.createStream({ streamName: name, shardCount: 1 })
      // As AWS answers it: a stream being created has no shards yet.
      await expectCode(slow.client.getShardIterator({ streamName: name, shardId: SHARD0, shardIteratorType: 'TRIM_HORIZON' }), 'SHARD_NOT_FOUND')
      while ((await slow.client.describeStreamSummary({ streamName: name })).streamDescriptionSummary.streamStatus !== 'ACTIVE') {
        await new Promise((resolve) => setTimeout(resolve, 50))
      }
      expect((await slow.client.getShardIterator({ streamName: name, shardId: SHARD0, shardIteratorType: 'TRIM_HORIZON' })).shardIterator.length).toBeGreaterThan(0)
    } finally {
      await slow.close()
    }
  })

  it('works with a stream ARN', async () => {
    const name = await newStream()
    await putAll(name, ['x'])
    const { shardIterator } = await client.getShardIterator({ streamArn: `arn:aws:kinesis:us-east-1:000000000000:stream/${name}`, shardId: SHARD0, shardIteratorType: 'TRIM_HORIZON' })
    expect(texts((await drain(shardIterator)).records)).toEqual(['x'])
  })
})

describe('shard iterator tokens', () => {
  let name: string
  let token: string
  beforeAll(async () => {
    name = await newStream()
    await putAll(name, ['one', 'two'])
    token = (await client.getShardIterator({ streamName: name, shardId: SHARD0, shardIteratorType: 'TRIM_HORIZON' })).shardIterator
  })

  const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'

  function replaceAt (text: string, i: number, c: string): string {
    return text.slice(0, i) + c + text.slice(i + 1)
  }

  it('is opaque and usable (control)', async () => {
    expect(token.length).toBeGreaterThan(0)
    expect(token.length).toBeLessThanOrEqual(512)
    // Shaped as AWS's: canonical base64 of 152 bytes or a multiple of 16 more, starting 0 0 0 0 0 0 0 1.
    const bytes = Buffer.from(token, 'base64')
    expect(bytes.toString('base64')).toBe(token)
    expect(bytes.length).toBeGreaterThanOrEqual(152)
    expect((bytes.length - 152) % 16).toBe(0)
    expect(bytes.subarray(0, 8).toString('hex')).toBe('0000000000000001')
    expect(texts((await drain(token)).records)).toEqual(['one', 'two'])
  })

  it('is refused with INVALID_ITERATOR when any one character is changed', async () => {
    const accepted: number[] = []
    for (let i = 0; i < token.length; i++) {
      const c = token[i]!
      const altered = replaceAt(token, i, ALPHABET[(ALPHABET.indexOf(c) + 1) % 64]!)
      try {
        await client.getRecords({ shardIterator: altered })
        accepted.push(i)
      } catch (err) {
        expect((err as { code: string }).code).toBe('INVALID_ITERATOR')
      }
    }
    expect(accepted, `altered positions accepted (token length ${token.length})`).toEqual([])
  })

  it('is refused with INVALID_ITERATOR when its last character is changed to any other', async () => {
    const last = token.length - 1
    const accepted: string[] = []
    for (const c of ALPHABET) {
      if (c === token[last]) continue
      const altered = replaceAt(token, last, c)
      try {
        await client.getRecords({ shardIterator: altered })
        accepted.push(altered.slice(-4))
      } catch (err) {
        expect((err as { code: string }).code).toBe('INVALID_ITERATOR')
      }
    }
    expect(accepted, `edited iterators accepted; original ends ${token.slice(-4)}`).toEqual([])
  })

  it('is refused when truncated, extended, or not base64', async () => {
    for (const altered of [token.slice(0, -1), token.slice(1), token + 'A', token.slice(0, 10), replaceAt(token, 5, '!'), replaceAt(token, 5, '+'), 'garbage']) {
      const err = await expectCode(client.getRecords({ shardIterator: altered }), 'INVALID_ITERATOR')
      expect(err.awsType).toBe('InvalidArgumentException')
      expect(err.grpcStatus).toBe(3)
    }
  })

  it('is refused by a server that did not issue it', async () => {
    const other = await startServer({})
    try {
      await other.client.createStream({ streamName: name, shardCount: 1 })
      await expectCode(other.client.getRecords({ shardIterator: token }), 'INVALID_ITERATOR')
    } finally {
      await other.close()
    }
  })

  it('expires 5 minutes after it was issued; just under 5 minutes it still works', async () => {
    const issued = (await client.getShardIterator({ streamName: name, shardId: SHARD0, shardIteratorType: 'TRIM_HORIZON' })).shardIterator
    clock.advance(FIVE_MINUTES - 1)
    const page = await client.getRecords({ shardIterator: issued, limit: 1 })
    expect(texts(page.records)).toEqual(['one'])
    clock.advance(2)
    // issued is now 5 min + 1 ms old; the iterator GetRecords just returned is 2 ms old.
    const err = await expectCode(client.getRecords({ shardIterator: issued }), 'ITERATOR_EXPIRED')
    expect(err.grpcStatus).toBe(9)
    expect(err.awsType).toBe('ExpiredIteratorException')
    expect(err.retriable).toBe(false)
    expect(texts((await client.getRecords({ shardIterator: page.nextShardIterator! })).records)).toEqual(['two'])
  })

  it('expires even when unused and the shard is idle', async () => {
    const issued = (await client.getShardIterator({ streamName: name, shardId: SHARD0, shardIteratorType: 'LATEST' })).shardIterator
    clock.advance(FIVE_MINUTES + 1)
    await expectCode(client.getRecords({ shardIterator: issued }), 'ITERATOR_EXPIRED')
  })

  it('survives a restart on the same data directory', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'shardline-iter-'))
    let running = await openServer(dataDir)
    try {
      const stream = uniqueName('iter')
      await running.client.createStream({ streamName: stream, shardCount: 1 })
      for (const data of ['p', 'q', 'r']) await running.client.putRecord({ streamName: stream, partitionKey: 'k', data })
      const horizon = (await running.client.getShardIterator({ streamName: stream, shardId: SHARD0, shardIteratorType: 'TRIM_HORIZON' })).shardIterator
      const first = await running.client.getRecords({ shardIterator: horizon, limit: 1 })
      expect(texts(first.records)).toEqual(['p'])
      const latest = (await running.client.getShardIterator({ streamName: stream, shardId: SHARD0, shardIteratorType: 'LATEST' })).shardIterator

      running = await restart(running, dataDir)

      expect(texts((await drain(horizon, running.client)).records)).toEqual(['p', 'q', 'r'])
      expect(texts((await drain(first.nextShardIterator!, running.client)).records)).toEqual(['q', 'r'])
      await running.client.putRecord({ streamName: stream, partitionKey: 'k', data: 's' })
      expect(texts((await drain(latest, running.client)).records)).toEqual(['s'])
    } finally {
      await running.close()
      await rm(dataDir, { recursive: true, force: true })
    }
  })
})
