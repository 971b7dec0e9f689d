/**
 * The measures. Each run gets a fresh server (see run.ts) and returns one value per row;
 * the table reports the median of the runs.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { StreamClient } from '../../client/index.js'
import { cpuText, withCpuUse } from './cpu.js'
import { perSecond, runLoad, type LoadResult } from './load.js'
import { RECORD_BYTES, batchOf, partitionKey, payload } from './payload.js'
import { procStatusMb, type ServerProcess } from './server-process.js'
import { percentile } from './stats.js'
import { FANOUT_MEASURES } from './fanout-measures.js'
import { CONSUMER_MEASURES } from './consumer-measures.js'
import { HTTP_MEASURES } from './http-measures.js'
import { GrpcLoad, grpcFrame, messageType } from './grpc-load.js'
import { PRODUCER_MEASURES } from './producer-measures.js'
import { SNS_MEASURES } from './sns-measures.js'
import { SQS_MEASURES } from './sqs-measures.js'

export interface Target {
  readonly op: '>=' | '<' | '<='
  readonly value: number
}

export interface RowSpec {
  readonly key: string
  readonly label: string
  readonly unit: 'records/s' | 'messages/s' | 'deliveries/s' | 'ms' | 'MB' | 'x'
  readonly target?: Target
}

export interface RunResult {
  readonly values: Record<string, number>
  /** Printed under the progress line: secondary figures worth seeing, not tabled. */
  readonly detail?: string
}

export interface Measure {
  readonly id: string
  readonly rows: readonly RowSpec[]
  run (server: ServerProcess): Promise<RunResult>
}

/** Several channels' worth of clients; grpc-js may still share one connection between them. */
const CLIENTS = 4
const BATCH = 500
/** PutRecords calls in flight wherever the benchmark writes batches. */
const BATCHES_IN_FLIGHT = 8
const PUT_RECORD_IN_FLIGHT = 64
/**
 * The PutRecord calls in flight are spread over two connections (one per core). Over one,
 * client and server take turns: the server commits all 64 calls in one write, answers them
 * in one burst, and the client sends the next 64 in one burst, so each side idles while
 * the other works (about 9,000-10,000 calls/s here). Over four, the smaller bursts cost
 * more CPU per call than the overlap gains.
 */
const PUT_RECORD_CONNECTIONS = 2
const STREAM = 'bench'

async function withClients<T> (server: ServerProcess, body: (clients: StreamClient[]) => Promise<T>): Promise<T> {
  // Long deadlines: a slow server should show up as a low figure, not as a crash.
  const clients = Array.from({ length: CLIENTS }, () => new StreamClient({ endpoint: server.endpoint, deadlineMs: 60_000 }))
  try {
    await Promise.all(clients.map((c) => c.ready(10_000)))
    return await body(clients)
  } finally {
    for (const c of clients) c.close()
  }
}

function client (clients: StreamClient[], worker: number): StreamClient {
  return clients[worker % clients.length]!
}

/** PutRecords of full 500-record batches; throws on any failed record, since those would inflate the rate. */
async function putBatch (c: StreamClient, streamName: string, n: number): Promise<number> {
  const response = await c.putRecords({ streamName, records: batchOf(BATCH, n) })
  if (response.failedRecordCount > 0) {
    const failed = response.records.find((r) => r.errorCode !== undefined)
    throw new Error(`PutRecords failed ${response.failedRecordCount} of ${BATCH} records: ${failed?.errorCode ?? '?'} ${failed?.errorMessage ?? ''}`)
  }
  return response.records.length
}

/** Full PutRecords batches, BATCHES_IN_FLIGHT at a time, until the time or record budget is spent. */
function writeBatches (clients: StreamClient[], budget: { durationMs: number, maxItems: number }): Promise<LoadResult> {
  return runLoad({ concurrency: BATCHES_IN_FLIGHT, itemsPerCall: BATCH, ...budget, call: (n, w) => putBatch(client(clients, w), STREAM, n) })
}

async function putSingle (c: StreamClient, streamName: string, n: number): Promise<number> {
  await c.putRecord({ streamName, partitionKey: partitionKey(n), data: payload(n) })
  return 1
}

/** Distinct ready PutRecord frames, so keys and payloads vary from call to call. */
const SINGLE_FRAMES = 1024

/** Frames for the lean load generator, encoded once: the measured process then only sends them. */
function putRecordsFrames (): Buffer[] {
  const request = messageType('PutRecordsRequest')
  return Array.from({ length: 16 }, (_, i) => grpcFrame(request, {
    stream_name: STREAM,
    records: batchOf(BATCH, i).map((r) => ({ partition_key: r.partitionKey, data: r.data }))
  }))
}

function putRecordFrames (): Buffer[] {
  const request = messageType('PutRecordRequest')
  return Array.from({ length: SINGLE_FRAMES }, (_, n) => grpcFrame(request, { stream_name: STREAM, partition_key: partitionKey(n), data: payload(n) }))
}

async function withLoad<T> (server: ServerProcess, body: (load: GrpcLoad) => Promise<T>, connections = 1): Promise<T> {
  const load = new GrpcLoad(server.endpoint, connections)
  try {
    // The stream is made through the client library; only the measured calls go the lean way.
    const c = new StreamClient({ endpoint: server.endpoint, deadlineMs: 60_000 })
    try {
      await c.createStream({ streamName: STREAM, shardCount: 4 })
    } finally {
      c.close()
    }
    return await body(load)
  } finally {
    load.close()
  }
}

const putRecordsResponse = messageType('PutRecordsResponse')
const putRecordResponse = messageType('PutRecordResponse')

/** Full batches through the lean generator; every answer is decoded and any failed record throws. */
function leanBatches (load: GrpcLoad, frames: Buffer[], budget: { durationMs: number, maxItems: number }): Promise<LoadResult> {
  return runLoad({
    concurrency: BATCHES_IN_FLIGHT,
    itemsPerCall: BATCH,
    ...budget,
    call: async (n) => {
      const answer = putRecordsResponse.toObject(putRecordsResponse.decode(await load.call('PutRecords', frames[n % frames.length]!)))
      const records = (answer.records ?? []) as Array<{ sequence_number?: string }>
      if ((answer.failed_record_count ?? 0) !== 0 || records.length !== BATCH || records.some((r) => r.sequence_number?.length !== 56)) {
        throw new Error(`PutRecords stored ${records.length - Number(answer.failed_record_count ?? 0)} of ${BATCH} records`)
      }
      return BATCH
    }
  })
}

function leanSingles (load: GrpcLoad, frames: Buffer[], budget: { durationMs: number, maxItems: number }): Promise<LoadResult> {
  return runLoad({
    concurrency: PUT_RECORD_IN_FLIGHT,
    itemsPerCall: 1,
    ...budget,
    call: async (n) => {
      const answer = putRecordResponse.toObject(putRecordResponse.decode(await load.call('PutRecord', frames[n % frames.length]!)))
      if (typeof answer.shard_id !== 'string' || (answer.sequence_number as string | undefined)?.length !== 56) throw new Error('PutRecord answered without a shard and sequence number')
      return 1
    }
  })
}

const putRecords: Measure = {
  id: 'putRecords',
  rows: [{ key: 'rate', label: `PutRecords 500 x 1 KiB, ${BATCHES_IN_FLIGHT} in flight, 4 shards`, unit: 'records/s', target: { op: '>=', value: 60_000 } }],
  run: (server) => withLoad(server, async (load) => {
    const frames = putRecordsFrames()
    // Warm-up: JIT, the connection, the first LevelDB memtable.
    await leanBatches(load, frames, { durationMs: Infinity, maxItems: 20 * BATCH })
    const [result, cpu] = await withCpuUse(server.pid, () => leanBatches(load, frames, { durationMs: 5_000, maxItems: 400_000 }))
    return { values: { rate: perSecond(result) }, detail: `${result.items} records in ${Math.round(result.elapsedMs)} ms; ${cpuText(cpu, result.items)}` }
  })
}

const putRecord: Measure = {
  id: 'putRecord',
  rows: [{ key: 'rate', label: `PutRecord 1 KiB, ${PUT_RECORD_IN_FLIGHT} in flight over ${PUT_RECORD_CONNECTIONS} connections, 4 shards`, unit: 'records/s', target: { op: '>=', value: 10_000 } }],
  run: (server) => withLoad(server, async (load) => {
    const frames = putRecordFrames()
    await leanSingles(load, frames, { durationMs: Infinity, maxItems: 2_000 })
    const [result, cpu] = await withCpuUse(server.pid, () => leanSingles(load, frames, { durationMs: 5_000, maxItems: 100_000 }))
    return { values: { rate: perSecond(result) }, detail: `${result.items} records in ${Math.round(result.elapsedMs)} ms; ${cpuText(cpu, result.items)}` }
  }, PUT_RECORD_CONNECTIONS)
}

const putRecordLatency: Measure = {
  id: 'putRecordLatency',
  rows: [
    { key: 'p50', label: 'PutRecord 1 KiB, sequential: p50 latency', unit: 'ms' },
    { key: 'p99', label: 'PutRecord 1 KiB, sequential: p99 latency', unit: 'ms' }
  ],
  run: (server) => withClients(server, async ([c]) => {
    await c!.createStream({ streamName: STREAM, shardCount: 4 })
    for (let n = 0; n < 200; n++) await putSingle(c!, STREAM, n)
    const latencies: number[] = []
    const [, cpu] = await withCpuUse(server.pid, async () => {
      for (let n = 200; n < 3_200; n++) {
        const started = performance.now()
        await putSingle(c!, STREAM, n)
        latencies.push(performance.now() - started)
      }
    })
    return {
      values: { p50: percentile(latencies, 50), p99: percentile(latencies, 99) },
      detail: `${latencies.length} calls, max ${Math.max(...latencies).toFixed(2)} ms; ${cpuText(cpu, latencies.length)}`
    }
  })
}

const DRAIN_RECORDS = 100_000

const getRecords: Measure = {
  id: 'getRecords',
  rows: [{ key: 'rate', label: 'GetRecords drain 100k x 1 KiB, 1 shard, limit 10,000', unit: 'records/s', target: { op: '>=', value: 100_000 } }],
  run: (server) => withClients(server, async (clients) => {
    const c = clients[0]!
    await c.createStream({ streamName: STREAM, shardCount: 1 })
    await writeBatches(clients, { durationMs: Infinity, maxItems: DRAIN_RECORDS })
    let received = 0
    let calls = 0
    const started = performance.now()
    const [, cpu] = await withCpuUse(server.pid, async () => {
      let { shardIterator: iterator } = await c.getShardIterator({ streamName: STREAM, shardId: 'shardId-000000000000', shardIteratorType: 'TRIM_HORIZON' })
      while (received < DRAIN_RECORDS) {
        const page = await c.getRecords({ shardIterator: iterator, limit: 10_000 })
        calls++
        // A cheap guard that the drain reads what was written rather than empty records.
        const first = page.records[0]
        if (first !== undefined && first.data.byteLength !== RECORD_BYTES) throw new Error(`read a record of ${first.data.byteLength} bytes, expected ${RECORD_BYTES}`)
        received += page.records.length
        if (page.nextShardIterator === undefined || page.records.length === 0) break
        iterator = page.nextShardIterator
      }
    })
    const elapsedMs = performance.now() - started
    if (received !== DRAIN_RECORDS) throw new Error(`drained ${received} records, expected ${DRAIN_RECORDS}`)
    return { values: { rate: received / (elapsedMs / 1000) }, detail: `${received} records in ${calls} calls, ${Math.round(elapsedMs)} ms; ${cpuText(cpu, received)}` }
  })
}

const RSS_RECORDS = 1_000_000
const IDLE_MS = 2_000

const rss: Measure = {
  id: 'rss',
  rows: [
    { key: 'afterWrites', label: 'server RSS after 1M x 1 KiB stored (4 shards)', unit: 'MB', target: { op: '<', value: 300 } },
    { key: 'idle', label: 'server RSS after 1M x 1 KiB stored, 2 s idle', unit: 'MB', target: { op: '<', value: 300 } }
  ],
  run: (server) => withClients(server, async (clients) => {
    await clients[0]!.createStream({ streamName: STREAM, shardCount: 4 })
    const before = await procStatusMb(server.pid, 'VmRSS')
    const [result, cpu] = await withCpuUse(server.pid, () => writeBatches(clients, { durationMs: Infinity, maxItems: RSS_RECORDS }))
    if (result.items !== RSS_RECORDS) throw new Error(`stored ${result.items} records, expected ${RSS_RECORDS}`)
    const afterWrites = await procStatusMb(server.pid, 'VmRSS')
    await sleep(IDLE_MS)
    const idle = await procStatusMb(server.pid, 'VmRSS')
    const peak = await procStatusMb(server.pid, 'VmHWM')
    return {
      values: { afterWrites, idle },
      detail: `before writes ${before.toFixed(0)} MB, peak (VmHWM) ${peak.toFixed(0)} MB; writes took ${Math.round(result.elapsedMs)} ms (${Math.round(perSecond(result))} records/s); ${cpuText(cpu, result.items)}`
    }
  })
}

export const MEASURES: readonly Measure[] = [putRecords, putRecord, putRecordLatency, getRecords, rss, ...FANOUT_MEASURES, ...HTTP_MEASURES, ...PRODUCER_MEASURES, ...CONSUMER_MEASURES, ...SQS_MEASURES, ...SNS_MEASURES]
