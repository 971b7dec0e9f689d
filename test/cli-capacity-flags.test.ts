/**
 * The `shardline serve` flags for placement, quotas and on-demand scaling: parsed onto the
 * server options, refused when out of range, listed by --help, and taking effect in a real
 * server process (--partition-hash MD5 places keys as AWS does, --shard-limit is what
 * DescribeLimits reports and CreateStream enforces).
 */
import { createHash } from 'node:crypto'
import { spawnSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { isShardlineError, StreamClient } from '../client/index.js'
import { UsageError, parseServeFlags } from '../src/cli/serve-flags.js'
import { REPO_ROOT, startChildServer } from './helpers/child-server.js'
import { uniqueName } from './helpers/server.js'

describe('serve flags for placement, quotas and on-demand scaling', () => {
  it('maps each flag onto its server option', () => {
    const options = parseServeFlags(['--partition-hash', 'MD5', '--shard-limit', '10', '--on-demand-stream-limit', '3', '--on-demand-check-ms', '250', '--on-demand-scale-up-ms', '5000', '--on-demand-scale-down-ms', '0'])
    expect(options).toMatchObject({ partitionHash: 'MD5', shardLimit: 10, onDemandStreamLimit: 3, onDemandCheckMs: 250, onDemandScaleUpMs: 5000, onDemandScaleDownMs: 0 })
    expect(parseServeFlags([])).not.toHaveProperty('partitionHash')
    expect(parseServeFlags([])).not.toHaveProperty('shardLimit')
  })

  it.each([
    [['--partition-hash', 'SHA1'], /--partition-hash must be 'MURMUR3' or 'MD5', got 'SHA1'/],
    [['--shard-limit', '0'], /--shard-limit must be an integer from 1 to 1000000, got '0'/],
    [['--on-demand-stream-limit', 'many'], /--on-demand-stream-limit must be an integer/],
    [['--on-demand-check-ms', '3600001'], /--on-demand-check-ms must be an integer from 0 to 3600000, got '3600001'/],
    [['--on-demand-scale-up-ms', '1.5'], /--on-demand-scale-up-ms must be an integer/],
    [['--on-demand-scale-down-ms', 'x'], /--on-demand-scale-down-ms must be an integer/]
  ])('refuses %j', (args, message) => {
    expect(() => parseServeFlags(args)).toThrow(UsageError)
    expect(() => parseServeFlags(args)).toThrow(message)
  })

  it('lists them in --help', () => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'serve', '--help'], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 20_000 })
    expect(result.status).toBe(0)
    for (const flag of ['--partition-hash', '--shard-limit', '--on-demand-stream-limit', '--on-demand-check-ms', '--on-demand-scale-up-ms', '--on-demand-scale-down-ms']) expect(result.stdout).toContain(flag)
  })

  it('take effect in a server process: MD5 placement by default, and the shard quota', async () => {
    const server = await startChildServer(['--memory', '--partition-hash', 'MD5', '--shard-limit', '5'])
    const client = new StreamClient({ endpoint: server.endpoint })
    try {
      const streamName = uniqueName('flags')
      await client.createStream({ streamName, shardCount: 4 })
      expect((await client.describeStream({ streamName })).streamDescription.partitionHash).toBe('MD5')
      // A key's MD5 in the upper half of the hash space lands in the upper shards.
      const key = Array.from({ length: 50 }, (_, i) => `key-${i}`).find((k) => createHash('md5').update(k).digest()[0]! >= 0xc0)!
      expect((await client.putRecord({ streamName, partitionKey: key, data: 'x' })).shardId).toBe('shardId-000000000003')
      const explicit = uniqueName('flags')
      await client.createStream({ streamName: explicit, shardCount: 1, partitionHash: 'MURMUR3' })
      expect((await client.describeStream({ streamName: explicit })).streamDescription.partitionHash).toBe('MURMUR3')
      expect((await client.describeLimits()).shardLimit).toBe(5)
      let code: string | undefined
      try {
        await client.createStream({ streamName: uniqueName('flags'), shardCount: 1 })
      } catch (err) {
        if (isShardlineError(err)) code = err.code
      }
      expect(code).toBe('LIMIT_EXCEEDED')
    } finally {
      client.close()
      server.process.kill('SIGTERM')
      await server.exited
    }
  })
})
