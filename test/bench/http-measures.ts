/**
 * The AWS-compatible HTTP API, and the same load against kinesalite side by side: each run
 * drives shardline's HTTP port, then a fresh kinesalite in its own process, with the same
 * client and bodies, and reports both rates and their ratio.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { KinesisHttp, startKinesalite } from './kinesis-http.js'
import { cpuText, withCpuUse } from './cpu.js'
import { perSecond, runLoad } from './load.js'
import type { Measure, RunResult } from './measures.js'
import { RECORD_BYTES, partitionKey, payload } from './payload.js'
import type { ServerProcess } from './server-process.js'

const STREAM = 'bench'
/** The drain's first stream, read on the fresh server (see drainLoad). */
const FIRST_STREAM = 'bench-first'
const PUT_RECORD_IN_FLIGHT = 32
const BATCH = 500
const BATCHES_IN_FLIGHT = 4
const DRAIN_RECORDS = 50_000
const LOAD_MS = 5_000
const DISTINCT_BODIES = 256

interface Rate {
  readonly rate: number
  readonly detail: string
}

/** What a load measured: its rate, and for the drain the first drain on the fresh server too. */
interface Outcome extends Rate {
  readonly first?: Rate
}

/** Runs one load against a server; `timed` wraps a measured section (to take the server's CPU use). */
type Target = (client: KinesisHttp, timed: Timed) => Promise<Outcome>
type Timed = <T extends { items: number }>(body: () => Promise<T>) => Promise<T & { cpu: string }>

function timedFor (pid: number): Timed {
  return async (body) => {
    const [result, cpu] = await withCpuUse(pid, body)
    return { ...result, cpu: cpuText(cpu, result.items) }
  }
}

async function createStream (client: KinesisHttp, shardCount: number, stream = STREAM): Promise<void> {
  await client.call('CreateStream', JSON.stringify({ StreamName: stream, ShardCount: shardCount }))
  // kinesalite answers CreateStream before the stream is ACTIVE, even with createStreamMs 0.
  for (let i = 0; i < 100; i++) {
    const { StreamDescriptionSummary: s } = await client.call<{ StreamDescriptionSummary: { StreamStatus: string } }>('DescribeStreamSummary', JSON.stringify({ StreamName: stream }))
    if (s.StreamStatus === 'ACTIVE') return
    await sleep(50)
  }
  throw new Error('the stream did not become ACTIVE')
}

function putRecordBody (n: number): string {
  return JSON.stringify({ StreamName: STREAM, PartitionKey: partitionKey(n), Data: payload(n).toString('base64') })
}

function putRecordsBody (b: number, stream: string): string {
  return JSON.stringify({
    StreamName: stream,
    Records: Array.from({ length: BATCH }, (_, r) => ({ PartitionKey: partitionKey(b * BATCH + r), Data: payload(b * BATCH + r).toString('base64') }))
  })
}

const singleBodies = Array.from({ length: DISTINCT_BODIES }, (_, n) => putRecordBody(n))
const batchBodies = new Map<string, string[]>()
function batchBody (n: number, stream: string): string {
  let bodies = batchBodies.get(stream)
  if (bodies === undefined) {
    bodies = Array.from({ length: 8 }, (_, b) => putRecordsBody(b, stream))
    batchBodies.set(stream, bodies)
  }
  return bodies[n % bodies.length]!
}

async function putBatch (client: KinesisHttp, n: number, stream = STREAM): Promise<number> {
  const res = await client.call<{ FailedRecordCount: number }>('PutRecords', batchBody(n, stream))
  if (res.FailedRecordCount > 0) throw new Error(`PutRecords failed ${res.FailedRecordCount} records`)
  return BATCH
}

const putRecordLoad: Target = async (client, timed) => {
  await createStream(client, 4)
  const call = async (n: number): Promise<number> => {
    await client.call('PutRecord', singleBodies[n % DISTINCT_BODIES]!)
    return 1
  }
  await runLoad({ concurrency: PUT_RECORD_IN_FLIGHT, itemsPerCall: 1, durationMs: Infinity, maxItems: 500, call })
  const result = await timed(() => runLoad({ concurrency: PUT_RECORD_IN_FLIGHT, itemsPerCall: 1, durationMs: LOAD_MS, call }))
  return { rate: perSecond(result), detail: `${result.items} records in ${Math.round(result.elapsedMs)} ms, ${result.cpu}` }
}

const putRecordsLoad: Target = async (client, timed) => {
  await createStream(client, 4)
  await runLoad({ concurrency: BATCHES_IN_FLIGHT, itemsPerCall: BATCH, durationMs: Infinity, maxItems: 4 * BATCH, call: (n) => putBatch(client, n) })
  const result = await timed(() => runLoad({ concurrency: BATCHES_IN_FLIGHT, itemsPerCall: BATCH, durationMs: LOAD_MS, call: (n) => putBatch(client, n) }))
  return { rate: perSecond(result), detail: `${result.items} records in ${Math.round(result.elapsedMs)} ms, ${result.cpu}` }
}

/**
 * Two drains of fresh records, both timed: the first on the fresh server, then a second of
 * another stream, the measured one. The first is mostly the server's cold start (code not
 * yet optimised, a heap still growing), paid once per server process, not per drain; the
 * second is the steady state, measured as the put loads are, after a warm-up. Both are
 * reported.
 */
const drainLoad: Target = async (client, timed) => {
  const first = await timedDrain(client, timed, FIRST_STREAM)
  const second = await timedDrain(client, timed, STREAM)
  return { ...second, first }
}

/** Fills a one-shard stream with DRAIN_RECORDS records, then drains it, timed. */
async function timedDrain (client: KinesisHttp, timed: Timed, stream: string): Promise<Rate> {
  await createStream(client, 1, stream)
  await runLoad({ concurrency: BATCHES_IN_FLIGHT, itemsPerCall: BATCH, durationMs: Infinity, maxItems: DRAIN_RECORDS, call: (n) => putBatch(client, n, stream) })
  const started = performance.now()
  const { received, calls, cpu } = await timed(() => drain(client, stream))
  const elapsedMs = performance.now() - started
  if (received !== DRAIN_RECORDS) throw new Error(`drained ${received} records, expected ${DRAIN_RECORDS}`)
  return { rate: received / (elapsedMs / 1000), detail: `${received} records in ${calls} calls, ${Math.round(elapsedMs)} ms, ${cpu}` }
}

/** Reads a one-shard stream from its start until DRAIN_RECORDS records have come back (or it has no more). */
async function drain (client: KinesisHttp, stream: string): Promise<{ items: number, received: number, calls: number }> {
  let { ShardIterator: iterator } = await client.call<{ ShardIterator: string }>('GetShardIterator', JSON.stringify({ StreamName: stream, ShardId: 'shardId-000000000000', ShardIteratorType: 'TRIM_HORIZON' }))
  let received = 0
  let calls = 0
  while (received < DRAIN_RECORDS) {
    const page = await client.call<{ Records: Array<{ Data: string }>, NextShardIterator?: string }>('GetRecords', JSON.stringify({ ShardIterator: iterator, Limit: 10_000 }))
    calls++
    const first = page.Records[0]
    if (first !== undefined && Buffer.from(first.Data, 'base64').byteLength !== RECORD_BYTES) throw new Error('read a record of the wrong size')
    received += page.Records.length
    if (page.NextShardIterator === undefined || page.Records.length === 0) break
    iterator = page.NextShardIterator
  }
  return { items: received, received, calls }
}

async function sideBySide (server: ServerProcess, sockets: number, target: Target): Promise<RunResult> {
  const ours = new KinesisHttp(server.httpEndpoint, sockets)
  let shardline
  try {
    shardline = await target(ours, timedFor(server.pid))
  } finally {
    ours.close()
  }
  const kinesalite = await startKinesalite()
  const theirs = new KinesisHttp(kinesalite.endpoint, sockets)
  let other
  try {
    other = await target(theirs, timedFor(kinesalite.pid))
  } finally {
    theirs.close()
    await kinesalite.stop()
  }
  const values: Record<string, number> = { shardline: shardline.rate, kinesalite: other.rate, ratio: shardline.rate / other.rate }
  let detail = `shardline ${shardline.detail}; kinesalite ${other.detail}`
  if (shardline.first !== undefined && other.first !== undefined) {
    Object.assign(values, { firstShardline: shardline.first.rate, firstKinesalite: other.first.rate, firstRatio: shardline.first.rate / other.first.rate })
    detail = `first drain: shardline ${shardline.first.detail}; kinesalite ${other.first.detail}\n    second: ${detail}`
  }
  return { values, detail }
}

function rows (label: string, ratio: number): Measure['rows'] {
  return [
    { key: 'shardline', label: `HTTP API: ${label}, shardline`, unit: 'records/s' },
    { key: 'kinesalite', label: `HTTP API: ${label}, kinesalite`, unit: 'records/s' },
    { key: 'ratio', label: `HTTP API: ${label}, shardline / kinesalite`, unit: 'x', target: { op: '>=', value: ratio } }
  ]
}

export const HTTP_MEASURES: readonly Measure[] = [
  {
    id: 'httpPutRecord',
    rows: rows(`PutRecord 1 KiB, ${PUT_RECORD_IN_FLIGHT} in flight (HTTP/1.1 keep-alive), 4 shards`, 5),
    run: (server) => sideBySide(server, PUT_RECORD_IN_FLIGHT, putRecordLoad)
  },
  {
    id: 'httpPutRecords',
    rows: rows(`PutRecords 500 x 1 KiB, ${BATCHES_IN_FLIGHT} in flight, 4 shards`, 4),
    run: (server) => sideBySide(server, BATCHES_IN_FLIGHT, putRecordsLoad)
  },
  {
    id: 'httpGetRecords',
    rows: [
      ...rows(`GetRecords drain ${DRAIN_RECORDS / 1000}k x 1 KiB, 1 shard, after a first drain`, 5),
      { key: 'firstShardline', label: `HTTP API: GetRecords first drain ${DRAIN_RECORDS / 1000}k on a fresh server, shardline`, unit: 'records/s' },
      { key: 'firstKinesalite', label: `HTTP API: GetRecords first drain ${DRAIN_RECORDS / 1000}k on a fresh server, kinesalite`, unit: 'records/s' },
      { key: 'firstRatio', label: `HTTP API: GetRecords first drain ${DRAIN_RECORDS / 1000}k on a fresh server, shardline / kinesalite`, unit: 'x' }
    ],
    run: (server) => sideBySide(server, BATCHES_IN_FLIGHT, drainLoad)
  }
]
