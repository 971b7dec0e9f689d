/** What a handler receives. */
import type { StreamRecord } from '../types.js'

export interface Batch {
  shardId: string
  records: StreamRecord[]
  /** How far the last record is behind the tip of the shard. */
  millisBehindLatest: number
  /**
   * Checkpoints this shard at `sequenceNumber`, by default the batch's last record. Rejects
   * with code LEASE_LOST once the lease is no longer this worker's.
   */
  checkpoint (sequenceNumber?: string): Promise<void>
  /** Renews the lease if a renewal is due; rejects with code LEASE_LOST once it is lost. Call it in long handlers. */
  heartbeat (): Promise<void>
}

export type EachBatch = (batch: Batch) => Promise<void> | void
export type EachRecord = (record: StreamRecord, batch: Batch) => Promise<void> | void

export interface RunOptions {
  eachBatch?: EachBatch
  eachRecord?: EachRecord
}
