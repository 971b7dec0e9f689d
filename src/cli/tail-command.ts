/**
 * `shardline tail STREAM`: prints a stream's records as they arrive, from every open
 * shard, and goes on into the children of a shard that is split or merged meanwhile.
 */
import type { Shard, StreamClient } from '../../client/index.js'
import { choice, parseCommand, wholeNumber } from './command-args.js'
import { DECODINGS, formatRecord } from './record-format.js'
import { readShard } from './shard-reader.js'
import { allShards, withClient } from './teaching-commands.js'

export const TAIL_USAGE = `  tail STREAM [--from latest|trim-horizon] [--decode text|json|hex|base64] [--max N] [--poll-ms MS]
                                             follow all shards live (and their children after a split or merge);
                                             one line per record: arrival, shard, partition key, sequence number, data
`

/** Shards whose parents are gone (trimmed) or never were: where reading from the start begins. */
function roots (shards: readonly Shard[]): Shard[] {
  const ids = new Set(shards.map((s) => s.shardId))
  return shards.filter((s) => !ids.has(s.parentShardId ?? '') && !ids.has(s.adjacentParentShardId ?? ''))
}

/**
 * Runs until `signal` aborts (Ctrl-C) or `--max` records were printed. `write` gets each
 * line, newline included.
 */
export async function tailCommand (args: string[], write: (line: string) => void, signal: AbortSignal): Promise<void> {
  const { positionals: [streamName], flags, ...target } = parseCommand('tail', args, ['STREAM'], {
    from: { type: 'string' },
    decode: { type: 'string' },
    max: { type: 'string' },
    'poll-ms': { type: 'string' }
  })
  const from = choice('tail', 'from', flags.from, ['latest', 'trim-horizon'], 'latest')
  const decoding = choice('tail', 'decode', flags.decode, DECODINGS, 'text')
  const max = wholeNumber('tail', 'max', flags.max, 1, Number.MAX_SAFE_INTEGER)
  const pollMs = wholeNumber('tail', 'poll-ms', flags['poll-ms'], 200, 60_000) ?? 250
  const stop = new AbortController()
  const onAbort = (): void => stop.abort()
  signal.addEventListener('abort', onAbort, { once: true })
  let printed = 0
  try {
    await withClient(target, async (client: StreamClient) => {
      const shards = await allShards(client, streamName!)
      const started = new Set<string>()
      const running: Array<Promise<void>> = []
      const failures: unknown[] = []
      const follow = (shardId: string, type: 'LATEST' | 'TRIM_HORIZON'): void => {
        // A merged shard's two parents both lead to it; it is read once.
        if (started.has(shardId)) return
        started.add(shardId)
        const reading = (async () => {
          const children = await readShard(client, {
            streamName: streamName!,
            shardId,
            from: type,
            follow: true,
            pollMs,
            signal: stop.signal,
            onRecords: (records) => {
              for (const record of records) {
                if (stop.signal.aborted) return
                write(formatRecord({ shardId, ...record }, decoding) + '\n')
                printed++
                if (max !== undefined && printed >= max) stop.abort()
              }
            }
          })
          // Everything a child holds came after its parent's end.
          for (const child of children ?? []) follow(child.shardId, 'TRIM_HORIZON')
        })()
        // One shard's failure ends the whole tail, and is reported once.
        running.push(reading.catch((err: unknown) => {
          failures.push(err)
          stop.abort()
        }))
      }
      if (from === 'latest') {
        for (const shard of shards) if (shard.sequenceNumberRange.endingSequenceNumber === undefined) follow(shard.shardId, 'LATEST')
      } else {
        for (const shard of roots(shards)) follow(shard.shardId, 'TRIM_HORIZON')
      }
      // New followers are pushed while earlier ones run; wait until none is left.
      for (let i = 0; i < running.length; i++) await running[i]
      if (failures.length > 0) throw failures[0]
    })
  } finally {
    signal.removeEventListener('abort', onAbort)
  }
}
