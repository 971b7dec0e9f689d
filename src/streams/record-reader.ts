/**
 * The read path: shard iterators and GetRecords.
 */
import type { ServerConfig } from '../config.js'
import { ServiceError } from '../errors.js'
import type { Scope } from '../scope.js'
import { comparePositions, positionAfter, type ShardPosition } from '../storage/record-key.js'
import type { Store, StoredRecord } from '../storage/store.js'
import { labelsOf, type RecordLabels } from './encryption.js'
import { authorize } from './resource-policy.js'
import { decodeIterator, encodeIterator } from './iterator-token.js'
import { ReadAhead, recordBytes, type PageRenderer, type PrefetchedPage } from './read-ahead.js'
import { StartPositions, type IteratorRequest } from './start-position.js'
import { MIB } from './shard-throttle.js'
import { formatShardId, type Shard, type Stream } from './stream-model.js'
import type { StreamRegistry } from './stream-registry.js'
import type { TokenSigner } from './token-signer.js'

export type { IteratorRequest, ShardIteratorType } from './start-position.js'

export interface ChildShardInfo {
  readonly shardId: string
  readonly parentShards: string[]
  readonly hashStart: bigint
  readonly hashEnd: bigint
}

export interface ShardPage {
  readonly records: StoredRecord[]
  readonly sequenceNumbers: string[]
  /** Data plus partition key bytes of the records. */
  readonly bytes: number
  /** Where the next read starts. */
  readonly next: ShardPosition
  /** True once a closed shard has been read to its end. */
  readonly ended: boolean
  readonly millisBehindLatest: number
  readonly childShards: ChildShardInfo[]
  /** The records' encryption (encryption.ts). */
  readonly labels: RecordLabels
  /** The records as the caller's renderer rendered them ahead, if it did (see read-ahead.ts). */
  readonly rendered?: unknown
}

export interface RecordsPage {
  readonly records: StoredRecord[]
  readonly sequenceNumbers: string[]
  /** Undefined once a closed shard has been read to its end. */
  readonly nextShardIterator: string | undefined
  readonly millisBehindLatest: number
  readonly childShards: ChildShardInfo[]
  readonly labels: RecordLabels
  readonly rendered?: unknown
}

/**
 * Whether a page was cut short by its limit or byte cap: the sign of a consumer catching
 * up. `largestRecord`: the bytes the stream's largest record may have (up to 10 MiB).
 */
function isFull (records: readonly StoredRecord[], limit: number, maxBytes: number, bytes: number, largestRecord: number): boolean {
  return records.length >= limit || bytes + largestRecord > maxBytes
}

/** GetRecords returns at most 10 MiB and 10,000 records. */
export const MAX_RECORDS_BYTES = 10 * MIB
const MAX_RECORDS_PER_CALL = 10_000

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat']
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']

/** A time as Java's Date prints it in UTC, as AWS's messages show times: `Thu Jan 01 00:00:00 UTC 2026`. */
function javaDate (ms: number): string {
  const d = new Date(ms)
  const two = (n: number): string => String(n).padStart(2, '0')
  return `${DAYS[d.getUTCDay()]!} ${MONTHS[d.getUTCMonth()]!} ${two(d.getUTCDate())} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} UTC ${d.getUTCFullYear()}`
}

export class RecordReader {
  private readonly readAhead = new ReadAhead()
  private readonly positions: StartPositions

  constructor (
    private readonly store: Store,
    private readonly registry: StreamRegistry,
    private readonly signer: TokenSigner,
    private readonly config: ServerConfig
  ) {
    this.positions = new StartPositions(store)
  }

  /** `renderer`: how the caller's transport renders records, for the first page read ahead. */
  async iterator (stream: Stream, shard: Shard, request: IteratorRequest, renderer?: PageRenderer): Promise<string> {
    const now = this.config.clock()
    const position = await this.startPosition(stream, shard, request, 'GetShardIterator')
    // A consumer asks for records right after it gets an iterator: the first page is read
    // ahead too, for the largest call (a smaller one takes a prefix of it).
    if (shard.committed !== undefined && comparePositions(position, shard.committed) <= 0) {
      this.readAheadFrom(stream, shard, position, this.readStart(stream, position, now), MAX_RECORDS_PER_CALL, MAX_RECORDS_BYTES, renderer)
    }
    return encodeIterator(this.signer, { streamId: stream.id, shard: shard.index, position, issuedAt: now, streamName: stream.name })
  }

  /** Where reading starts for GetShardIterator or SubscribeToShard (`operation`, for AWS's messages). */
  startPosition (stream: Stream, shard: Shard, request: IteratorRequest, operation: string): Promise<ShardPosition> {
    return this.positions.of(stream, shard, request, this.config.clock(), operation)
  }

  /**
   * GetRecords for a caller of `caller`. An iterator names its stream by id, whatever the
   * account and region: one of another region's stream is no iterator this regional
   * endpoint issued, and one of another account's stream reads only as that stream's
   * policy allows (the same check as for an ARN).
   */
  async getRecords (token: string, limit: number, caller: Scope, streamArn?: string, renderer?: PageRenderer): Promise<RecordsPage> {
    const now = this.config.clock()
    const state = decodeIterator(this.signer, token)
    const owner = state === undefined ? undefined : this.registry.findById(state.streamId)
    if (state === undefined || (owner !== undefined && owner.scope.region !== caller.region)) throw new ServiceError('INVALID_ITERATOR', 'Invalid ShardIterator.')
    const accountId = caller.accountId
    if (owner !== undefined && owner.scope !== caller) authorize(caller, owner.scope.accountId, 'GetRecords', owner.arn, owner.doc.policy)
    if (now - state.issuedAt > this.config.iteratorTtlMs) {
      throw new ServiceError('ITERATOR_EXPIRED', `Iterator expired. The iterator was created at time ${javaDate(state.issuedAt)} while right now it is ${javaDate(now)} which is further in the future than the tolerated delay of ${this.config.iteratorTtlMs} milliseconds.`)
    }
    const found = owner
    if (found !== undefined && streamArn !== undefined && streamArn !== '' && streamArn !== found.arn) {
      throw new ServiceError('STREAM_NOT_FOUND', `Stream ${streamArn} under account ${accountId} not found: the shard iterator belongs to stream ${found.arn}.`)
    }
    // A stream being deleted reads as gone, as it does for GetShardIterator.
    const stream = found !== undefined && this.registry.isLive(found, 'readable') ? found : undefined
    const shard = stream?.shards.get(state.shard)
    if (stream === undefined || shard === undefined) {
      throw new ServiceError('SHARD_NOT_FOUND', `Shard ${formatShardId(state.shard)} in stream ${state.streamName === '' ? found?.name ?? '' : state.streamName} under account ${found?.scope.accountId ?? accountId} does not exist`)
    }
    // Internal streams are not Kinesis streams: no Kinesis limit applies to reading them.
    const limited = this.config.limits === 'aws' && !stream.internal
    if (limited && !shard.throttle.admitRead()) {
      shard.traffic.readThrottled++
      throw new ServiceError('THROUGHPUT_EXCEEDED', `Rate exceeded for shard ${shard.id} in stream ${stream.name} under account ${stream.scope.accountId}: a shard serves 5 GetRecords calls/s and 2 MiB/s.`)
    }

    const page = await this.readPage(stream, shard, state.position, limit, MAX_RECORDS_BYTES, { renderer })
    if (limited) shard.throttle.chargeRead(page.bytes)
    shard.traffic.countOut(page.records.length, page.bytes)
    return {
      records: page.records,
      sequenceNumbers: page.sequenceNumbers,
      nextShardIterator: page.ended ? undefined : encodeIterator(this.signer, { streamId: stream.id, shard: shard.index, position: page.next, issuedAt: now, streamName: stream.name }),
      millisBehindLatest: page.millisBehindLatest,
      childShards: page.childShards,
      labels: page.labels,
      ...(page.rendered === undefined ? {} : { rendered: page.rendered })
    }
  }

  /**
   * Reads the records at or after `position`, as GetRecords and subscriptions both do:
   * skips to the retention horizon, and says whether a closed shard has ended. With
   * `readAhead` (GetRecords), a full page also starts reading the page after it (see
   * read-ahead.ts), rendered with its renderer if it has one, and a prefetch made for
   * this position is used if it covers the page.
   */
  async readPage (stream: Stream, shard: Shard, position: ShardPosition, limit: number, maxBytes: number, readAhead?: { renderer?: PageRenderer | undefined }): Promise<ShardPage> {
    const now = this.config.clock()
    const from = this.readStart(stream, position, now)
    const prefetched = readAhead !== undefined ? await this.readAhead.take(stream.id, shard.index, position, from, limit, maxBytes, readAhead.renderer) : undefined
    let records: StoredRecord[]
    let sealed: boolean
    // Worked out during the prefetch when the page comes wholly from one; else below.
    let sequenceNumbers: string[] | undefined
    let bytes: number | undefined
    if (prefetched?.complete === true) {
      ({ records, sealed, sequenceNumbers, bytes } = prefetched)
    } else {
      // Taken before the read: if the shard was sealed then, the read saw all its records.
      sealed = shard.sealed
      records = prefetched === undefined
        ? await this.store.readRecords({ streamId: stream.id, shard: shard.index, from, limit, maxBytes })
        : await this.completePage(stream, shard, from, prefetched, limit, maxBytes)
    }
    const last = records[records.length - 1]
    const next = last === undefined ? from : positionAfter(last)
    const caughtUp = shard.committed === undefined || comparePositions(next, shard.committed) > 0
    // A closed shard ends once its last record has been returned. Records still being
    // written when it closed keep it open until they are written and read (`sealed`); a
    // shard that never held a record ends at once.
    const closedAt = shard.doc.closedAt
    const ended = sealed && closedAt !== undefined && (last === undefined || comparePositions(last, closedAt) >= 0)
    bytes ??= records.reduce((sum, r) => sum + recordBytes(r), 0)
    if (readAhead !== undefined && !ended && isFull(records, limit, maxBytes, bytes, stream.largestRecordBytes)) {
      this.readAheadFrom(stream, shard, next, next, limit, maxBytes, readAhead.renderer)
    }
    return {
      records,
      sequenceNumbers: sequenceNumbers ?? records.map((r) => shard.sequenceNumber(r)),
      bytes,
      next,
      ended,
      millisBehindLatest: caughtUp || last === undefined ? 0 : Math.max(0, now - last.ts),
      childShards: ended ? this.childrenOf(stream, shard) : [],
      labels: labelsOf(stream.doc.encryptionHistory, records),
      ...(prefetched?.rendered === undefined ? {} : { rendered: prefetched.rendered })
    }
  }

  /** Where a read asked for at `position` starts: records older than the retention period are never returned, trimmed yet or not. */
  private readStart (stream: Stream, position: ShardPosition, now: number): ShardPosition {
    const horizon = { ts: stream.horizon(now), counter: 0 }
    return comparePositions(position, horizon) < 0 ? horizon : position
  }

  /**
   * Prefetches the page asked for at `position`, read from `from` (see read-ahead.ts): a
   * consumer that drains a shard then finds each page read (and rendered) while it was
   * busy with the one before. (Reading two pages ahead measured no faster: the work only
   * competes with sending the current page.)
   */
  private readAheadFrom (stream: Stream, shard: Shard, position: ShardPosition, from: ShardPosition, limit: number, maxBytes: number,
    renderer: PageRenderer | undefined): void {
    this.readAhead.start(stream.id, shard.index, position, from, limit, maxBytes, shard.sealed, (readLimit, readBytes, onBatch) =>
      this.store.readRecords({ streamId: stream.id, shard: shard.index, from, limit: readLimit, maxBytes: readBytes, onBatch }),
    (records) => records.map((r) => shard.sequenceNumber(r)), renderer, (records) => labelsOf(stream.doc.encryptionHistory, records), stream.largestRecordBytes)
  }

  /** A page that used up a prefetched run, completed with what storage holds after the run. */
  private async completePage (stream: Stream, shard: Shard, from: ShardPosition, prefetched: PrefetchedPage, limit: number, maxBytes: number): Promise<StoredRecord[]> {
    const { records: run, bytes: runBytes } = prefetched
    const last = run[run.length - 1]
    const read = { streamId: stream.id, shard: shard.index }
    if (last === undefined) return this.store.readRecords({ ...read, from, limit, maxBytes })
    const more = await this.store.readRecords({ ...read, from: positionAfter(last), limit: limit - run.length, maxBytes: Math.max(1, maxBytes - runBytes) })
    const records = run.slice()
    let bytes = runBytes
    for (const record of more) {
      const size = recordBytes(record)
      // Storage returns at least one record whatever the cap; the page already has some.
      if (bytes + size > maxBytes) break
      bytes += size
      records.push(record)
    }
    return records
  }

  /**
   * The sequence number just before `position`, which continues from it with
   * AFTER_SEQUENCE_NUMBER (SubscribeToShard's continuation_sequence_number). Before the
   * first record it is the shard's starting sequence number.
   */
  continuationOf (shard: Shard, position: ShardPosition): string {
    const before = position.counter > 0
      ? { ts: position.ts, counter: position.counter - 1 }
      : { ts: position.ts - 1, counter: Number.MAX_SAFE_INTEGER }
    const start = { ts: shard.doc.createdAt, counter: 0 }
    return shard.sequenceNumber(comparePositions(before, start) < 0 ? start : before)
  }

  private childrenOf (stream: Stream, shard: Shard): ChildShardInfo[] {
    return stream.shardList
      .filter((s) => s.doc.parent === shard.index || s.doc.adjacentParent === shard.index)
      .map((child) => ({
        shardId: child.id,
        parentShards: [child.doc.parent, child.doc.adjacentParent]
          .filter((p): p is number => p !== undefined)
          .map(formatShardId),
        hashStart: child.hashStart,
        hashEnd: child.hashEnd
      }))
  }
}
