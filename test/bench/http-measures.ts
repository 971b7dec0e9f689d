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
const PUT_RECORD_IN_FLIGHT = 32
const BATCH = 500
const BATCHES_IN_FLIGHT = 4
const DRAIN_RECORDS = 50_000
const LOAD_MS = 5_000
const DISTINCT_BODIES = 256

/** Runs one load against a server; `timed` wraps the measured section (to take the server's CPU use). */
type Target = (client: KinesisHttp, timed: Timed) => Promise<{ rate: number, detail: string }>
type Timed = <T extends { items: number }>(body: () => Promise<T>) => Promise<T>

function timedFor (pid: number, notes: string[]): Timed {
  return async (body) => {
    const [result, cpu] = await withCpuUse(pid, body)
    notes.push(cpuText(cpu, result.items))
    return result
  }
}

async function createStream (client: KinesisHttp, shardCount: number): Promise<void> {
  await client.call('CreateStream', JSON.stringify({ StreamName: STREAM, ShardCount: shardCount }))
  // kinesalite answers CreateStream before the stream is ACTIVE, even with createStreamMs 0.
  for (let i = 0; i < 100; i++) {
    const { StreamDescriptionSummary: s } = await client.call<{ StreamDescriptionSummary: { StreamStatus: string } }>('DescribeStreamSummary', JSON.stringify({ StreamName: STREAM }))
    if (s.StreamStatus === 'ACTIVE') return
    await sleep(50)
  }
  throw new Error('the stream did not become ACTIVE')
}

function putRecordBody (n: number): string {
  return JSON.stringify({ StreamName: STREAM, PartitionKey: partitionKey(n), Data: payload(n).toString('base64') })
}

function putRecordsBody (b: number): string {
  return JSON.stringify({
    StreamName: STREAM,
    Records: Array.from({ length: BATCH }, (_, r) => ({ PartitionKey: partitionKey(b * BATCH + r), Data: payload(b * BATCH + r).toString('base64') }))
  })
}

const singleBodies = Array.from({ length: DISTINCT_BODIES }, (_, n) => putRecordBody(n))
let batchBodies: string[] | undefined
function batchBody (n: number): string {
  batchBodies ??= Array.from({ length: 8 }, (_, b) => putRecordsBody(b))
  return batchBodies[n % batchBodies.length]!
}

async function putBatch (client: KinesisHttp, n: number): Promise<number> {
  const res = await client.call<{ FailedRecordCount: number }>('PutRecords', batchBody(n))
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
  return { rate: perSecond(result), detail: `${result.items} records in ${Math.round(result.elapsedMs)} ms` }
}

const putRecordsLoad: Target = async (client, timed) => {
  await createStream(client, 4)
  await runLoad({ concurrency: BATCHES_IN_FLIGHT, itemsPerCall: BATCH, durationMs: Infinity, maxItems: 4 * BATCH, call: (n) => putBatch(client, n) })
  const result = await timed(() => runLoad({ concurrency: BATCHES_IN_FLIGHT, itemsPerCall: BATCH, durationMs: LOAD_MS, call: (n) => putBatch(client, n) }))
  return { rate: perSecond(result), detail: `${result.items} records in ${Math.round(result.elapsedMs)} ms` }
}

const drainLoad: Target = async (client, timed) => {
  await createStream(client, 1)
  await runLoad({ concurrency: BATCHES_IN_FLIGHT, itemsPerCall: BATCH, durationMs: Infinity, maxItems: DRAIN_RECORDS, call: (n) => putBatch(client, n) })
  const started = performance.now()
  const { received, calls } = await timed(() => drain(client))
  const elapsedMs = performance.now() - started
  if (received !== DRAIN_RECORDS) throw new Error(`drained ${received} records, expected ${DRAIN_RECORDS}`)
  return { rate: received / (elapsedMs / 1000), detail: `${received} records in ${calls} calls, ${Math.round(elapsedMs)} ms` }
}

async function drain (client: KinesisHttp): Promise<{ items: number, received: number, calls: number }> {
  let { ShardIterator: iterator } = await client.call<{ ShardIterator: string }>('GetShardIterator', JSON.stringify({ StreamName: STREAM, ShardId: 'shardId-000000000000', ShardIteratorType: 'TRIM_HORIZON' }))
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
  const notes: string[] = []
  let shardline
  try {
    shardline = await target(ours, timedFor(server.pid, notes))
  } finally {
    ours.close()
  }
  const kinesalite = await startKinesalite()
  const theirs = new KinesisHttp(kinesalite.endpoint, sockets)
  let other
  try {
    other = await target(theirs, timedFor(kinesalite.pid, notes))
  } finally {
    theirs.close()
    await kinesalite.stop()
  }
  return {
    values: { shardline: shardline.rate, kinesalite: other.rate, ratio: shardline.rate / other.rate },
    detail: `shardline ${shardline.detail}, ${notes[0] ?? ''}; kinesalite ${other.detail}, ${notes[1] ?? ''}`
  }
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
    rows: rows(`GetRecords drain ${DRAIN_RECORDS / 1000}k x 1 KiB, 1 shard`, 5),
    run: (server) => sideBySide(server, BATCHES_IN_FLIGHT, drainLoad)
  }
]
