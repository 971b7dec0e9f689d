/**
 * A shard's running totals of what went in and out, since the server started. Plain
 * numbers bumped on paths that already do the work (the writer's admission loop, the
 * reader's page), so counting costs an add; readers such as the web console sample them
 * and turn differences into rates.
 */
export class ShardTraffic {
  recordsIn = 0
  bytesIn = 0
  recordsOut = 0
  bytesOut = 0
  /** Records PutRecord/PutRecords refused with ProvisionedThroughputExceeded. */
  writeThrottled = 0
  /** GetRecords calls refused with ProvisionedThroughputExceeded. */
  readThrottled = 0

  countOut (records: number, bytes: number): void {
    this.recordsOut += records
    this.bytesOut += bytes
  }
}
