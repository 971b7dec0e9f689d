/**
 * The per-shard limits of Kinesis: writes 1 MiB/s and 1,000 records/s; shared reads
 * 2 MiB/s and 5 GetRecords calls/s.
 *
 * A record larger than a second's writes (a stream's records may reach 10 MiB, see
 * UpdateMaxRecordSize) could never fit the write window. Kinesis takes such a record as a
 * burst and averages it out: here it is admitted whenever the shard has write room left in
 * the trailing second, and the shard then takes no writes for as long as the record takes
 * at 1 MiB/s.
 */
import type { Clock } from '../clock.js'
import { SlidingWindow } from './sliding-window.js'
import { TokenBucket } from './token-bucket.js'

export const MIB = 1024 * 1024

export const SHARD_LIMITS = {
  writeBytesPerSecond: MIB,
  writeRecordsPerSecond: 1000,
  readBytesPerSecond: 2 * MIB,
  readCallsPerSecond: 5
} as const

export class ShardThrottle {
  private readonly writeRecords: SlidingWindow
  private readonly writeBytes: SlidingWindow
  private readonly readCalls: SlidingWindow
  private readonly readBytes: TokenBucket
  /** Until when a large record's burst keeps the shard from writing (0: none). */
  private burstUntil = 0

  constructor (private readonly clock: Clock) {
    this.writeRecords = new SlidingWindow(SHARD_LIMITS.writeRecordsPerSecond, clock)
    this.writeBytes = new SlidingWindow(SHARD_LIMITS.writeBytesPerSecond, clock)
    this.readCalls = new SlidingWindow(SHARD_LIMITS.readCallsPerSecond, clock)
    this.readBytes = new TokenBucket(SHARD_LIMITS.readBytesPerSecond, SHARD_LIMITS.readBytesPerSecond, clock)
  }

  /** Admits one record of `bytes` (data plus partition key), or changes nothing. */
  admitWrite (bytes: number): boolean {
    if (this.burstUntil !== 0 && !this.burstOver()) return false
    if (bytes > SHARD_LIMITS.writeBytesPerSecond) return this.admitLarge(bytes)
    if (!this.writeBytes.fits(bytes) || !this.writeRecords.fits(1)) return false
    this.writeBytes.tryAdd(bytes)
    this.writeRecords.tryAdd(1)
    return true
  }

  private admitLarge (bytes: number): boolean {
    if (!this.writeBytes.fits(1) || !this.writeRecords.fits(1)) return false
    this.writeRecords.tryAdd(1)
    this.burstUntil = this.clock() + Math.ceil((bytes / SHARD_LIMITS.writeBytesPerSecond) * 1000)
    return true
  }

  private burstOver (): boolean {
    if (this.clock() < this.burstUntil) return false
    this.burstUntil = 0
    return true
  }

  /**
   * The share of the write limit used over the trailing second (the larger of bytes and
   * records), read by the on-demand scaler rather than counted again on the write path.
   * While a large record's burst is paid back the shard's whole write limit is taken by
   * it: full use, though its bytes are in no window.
   */
  writeUse (): number {
    if (this.burstUntil !== 0 && this.clock() < this.burstUntil) return 1
    return Math.max(this.writeBytes.current() / SHARD_LIMITS.writeBytesPerSecond, this.writeRecords.current() / SHARD_LIMITS.writeRecordsPerSecond)
  }

  /** Admits one GetRecords call, or changes nothing. */
  admitRead (): boolean {
    if (!this.readBytes.available() || !this.readCalls.fits(1)) return false
    this.readCalls.tryAdd(1)
    return true
  }

  /** Charges the bytes a GetRecords call returned. */
  chargeRead (bytes: number): void {
    this.readBytes.take(bytes)
  }
}
