/**
 * `shardline export STREAM` and `shardline import STREAM FILE`: a stream's records to and
 * from newline-delimited JSON, for moving data between servers. One line per record:
 *
 *   {"shardId":"shardId-000000000000","sequenceNumber":"...","partitionKey":"k",
 *    "approximateArrivalTimestamp":1767225600000,"data":"<base64>"}
 *
 * Export reads every shard from its trim horizon, parents before children, so a partition
 * key's records come in their order; open shards are read up to their end at the time.
 * Import sends the lines in order in PutRecords batches and resends throttled records
 * before anything after them, so each key keeps its order. Sequence numbers and arrival
 * times are the new stream's own (Kinesis assigns them).
 */
import { createReadStream, createWriteStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import { once } from 'node:events'
import { createInterface } from 'node:readline'
import type { PutRecordsRequestEntry, Shard, StreamClient } from '../../client/index.js'
import { sleep } from '../../client/sleep.js'
import { parseCommand } from './command-args.js'
import { startProgress } from './progress.js'
import { readShard } from './shard-reader.js'
import { allShards, withClient } from './teaching-commands.js'

export const TRANSFER_USAGE = `  export STREAM [--out FILE] [--progress]    write every record as newline-delimited JSON (to stdout without --out)
  import STREAM FILE [--progress]            put the records of an export (or any NDJSON with partitionKey and
                                             base64 data) in order; a progress bar on a terminal (--progress: always)
`

/** PutRecords takes 500 records and 5 MiB of data and partition keys per call. */
const BATCH_RECORDS = 500
const BATCH_BYTES = 5 * 1024 * 1024
const MAX_RETRY_MS = 2000

export interface ExportedRecord {
  readonly shardId: string
  readonly sequenceNumber: string
  readonly partitionKey: string
  readonly approximateArrivalTimestamp: number
  /** base64 */
  readonly data: string
}

/** Shards with every parent before its children. */
function lineageOrder (shards: readonly Shard[]): Shard[] {
  const byId = new Map(shards.map((s) => [s.shardId, s]))
  const done = new Set<string>()
  const order: Shard[] = []
  const visit = (shard: Shard): void => {
    if (done.has(shard.shardId)) return
    done.add(shard.shardId)
    for (const parent of [shard.parentShardId, shard.adjacentParentShardId]) {
      const known = parent === undefined ? undefined : byId.get(parent)
      if (known !== undefined) visit(known)
    }
    order.push(shard)
  }
  for (const shard of shards) visit(shard)
  return order
}

export interface CommandIo {
  readonly stdout: NodeJS.WritableStream
  readonly stderr: NodeJS.WritableStream & { isTTY?: boolean }
  readonly signal: AbortSignal
}

async function writeLine (out: NodeJS.WritableStream, line: string): Promise<void> {
  if (!out.write(line)) await once(out, 'drain')
}

/** Returns a summary line for stderr. */
export async function exportCommand (args: string[], io: CommandIo): Promise<string> {
  const { positionals: [streamName], flags, ...target } = parseCommand('export', args, ['STREAM'], { out: { type: 'string' }, progress: { type: 'boolean' } })
  const file = typeof flags.out === 'string' ? createWriteStream(flags.out) : undefined
  const out = file ?? io.stdout
  let records = 0
  try {
    await withClient(target, async (client: StreamClient) => {
      const shards = lineageOrder(await allShards(client, streamName!))
      const progress = startProgress({ label: `export ${streamName!}`, total: shards.length, unit: 'shards', stream: io.stderr, force: flags.progress === true })
      try {
        for (const [i, shard] of shards.entries()) {
          await readShard(client, {
            streamName: streamName!,
            shardId: shard.shardId,
            from: 'TRIM_HORIZON',
            follow: false,
            pollMs: 0,
            signal: io.signal,
            onRecords: async (page) => {
              for (const r of page) {
                const line: ExportedRecord = { shardId: shard.shardId, sequenceNumber: r.sequenceNumber, partitionKey: r.partitionKey, approximateArrivalTimestamp: r.approximateArrivalTimestamp, data: r.data.toString('base64') }
                await writeLine(out, JSON.stringify(line) + '\n')
              }
              records += page.length
              progress.update(i, records)
            }
          })
          progress.update(i + 1, records)
        }
      } finally {
        progress.stop()
      }
    })
  } finally {
    if (file !== undefined) {
      file.end()
      await once(file, 'close')
    }
  }
  return `exported ${records} records of ${streamName!}${typeof flags.out === 'string' ? ` to ${flags.out}` : ''}\n`
}

function parseLine (text: string, lineNumber: number, file: string): PutRecordsRequestEntry & { bytes: number } {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (err) {
    throw new Error(`import: ${file} line ${lineNumber} is not JSON: ${(err as Error).message}`)
  }
  const record = value as Partial<Record<string, unknown>>
  if (typeof record !== 'object' || record === null || typeof record.partitionKey !== 'string' || record.partitionKey === '' || typeof record.data !== 'string') {
    throw new Error(`import: ${file} line ${lineNumber} needs "partitionKey" (a non-empty string) and "data" (base64), as export writes them`)
  }
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(record.data)) throw new Error(`import: ${file} line ${lineNumber}: "data" is not base64`)
  const data = Buffer.from(record.data, 'base64')
  return { partitionKey: record.partitionKey, data, bytes: data.byteLength + Buffer.byteLength(record.partitionKey) }
}

/** Reads the whole file once and checks every line; returns the number of records. */
async function checkFile (file: string): Promise<number> {
  const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity })
  let count = 0
  let lineNumber = 0
  try {
    for await (const text of lines) {
      lineNumber++
      if (text.trim() === '') continue
      parseLine(text, lineNumber, file)
      count++
    }
  } finally {
    lines.close()
  }
  return count
}

/** Puts `batch`, resending refused records (throttling) until all are stored. */
async function putAll (client: StreamClient, streamName: string, batch: PutRecordsRequestEntry[], signal: AbortSignal): Promise<void> {
  let pending = batch
  let delay = 100
  while (pending.length > 0 && !signal.aborted) {
    const { records } = await client.putRecords({ streamName, records: pending })
    const failed: PutRecordsRequestEntry[] = []
    let failure: string | undefined
    records.forEach((result, i) => {
      if (result.errorCode !== undefined && result.errorCode !== '') {
        failed.push(pending[i]!)
        failure ??= `${result.errorCode}: ${result.errorMessage ?? ''}`
      }
    })
    if (failed.length > 0 && !failure!.startsWith('ProvisionedThroughputExceededException')) throw new Error(`import: PutRecords refused records: ${failure!}`)
    pending = failed
    if (failed.length > 0) {
      await sleep(delay, signal)
      delay = Math.min(delay * 2, MAX_RETRY_MS)
    }
  }
}

export async function importCommand (args: string[], io: CommandIo): Promise<string> {
  const { positionals: [streamName, file], flags, ...target } = parseCommand('import', args, ['STREAM', 'FILE'], { progress: { type: 'boolean' } })
  let total: number
  try {
    total = (await stat(file!)).size
  } catch (err) {
    throw new Error(`import: cannot read ${file!}: ${(err as Error).message}`)
  }
  // Every line is checked before anything is sent: a bad file imports nothing.
  const count = await checkFile(file!)
  let records = 0
  await withClient(target, async (client: StreamClient) => {
    // Fails before anything is sent when the stream is missing.
    await client.describeStreamSummary({ streamName: streamName! })
    const progress = startProgress({ label: `import ${streamName!}`, total, unit: 'bytes', stream: io.stderr, force: flags.progress === true })
    const lines = createInterface({ input: createReadStream(file!), crlfDelay: Infinity })
    let batch: PutRecordsRequestEntry[] = []
    let batchBytes = 0
    let read = 0
    let lineNumber = 0
    const flush = async (): Promise<void> => {
      if (batch.length === 0) return
      await putAll(client, streamName!, batch, io.signal)
      records += batch.length
      batch = []
      batchBytes = 0
      progress.update(read, records)
    }
    try {
      for await (const text of lines) {
        lineNumber++
        read += Buffer.byteLength(text) + 1
        if (io.signal.aborted) break
        if (text.trim() === '') continue
        const { bytes, ...entry } = parseLine(text, lineNumber, file!)
        if (batch.length === BATCH_RECORDS || batchBytes + bytes > BATCH_BYTES) await flush()
        batch.push(entry)
        batchBytes += bytes
      }
      await flush()
      progress.update(total, records)
    } catch (err) {
      // What came before the failure is stored: say how far the import got.
      if (err instanceof Error) err.message += ` (${records} of ${count} records were imported before it)`
      throw err
    } finally {
      progress.stop()
      lines.close()
    }
  })
  return `imported ${records} records into ${streamName!}\n`
}
