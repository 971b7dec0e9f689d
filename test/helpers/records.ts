/**
 * Reading helpers shared by the data-plane tests.
 */
import type { GetRecordsResponse, StreamClient, StreamRecord } from '../../client/index.js'

export const SHARD0 = 'shardId-000000000000'

export function texts (records: StreamRecord[]): string[] {
  return records.map((r) => r.data.toString())
}

/** Readers bound to a test file's client (given lazily, as files create it in beforeAll). */
export function recordReaders (client: () => StreamClient) {
  /** Everything from an iterator up to the tip of the shard, and the iterator to go on with. */
  async function drain (shardIterator: string, c: StreamClient = client()): Promise<{ records: StreamRecord[], next: string }> {
    const records: StreamRecord[] = []
    let iterator = shardIterator
    for (;;) {
      const page: GetRecordsResponse = await c.getRecords({ shardIterator: iterator })
      records.push(...page.records)
      iterator = page.nextShardIterator!
      if (page.records.length === 0 && page.millisBehindLatest === 0) return { records, next: iterator }
    }
  }

  /** Every record of one shard, from the trim horizon to the tip. */
  async function readShard (streamName: string, shardId = SHARD0): Promise<StreamRecord[]> {
    const { shardIterator } = await client().getShardIterator({ streamName, shardId, shardIteratorType: 'TRIM_HORIZON' })
    return (await drain(shardIterator)).records
  }

  return { drain, readShard }
}
