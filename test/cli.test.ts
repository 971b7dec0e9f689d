/**
 * The `shardline` command line: flags, errors, and what it prints.
 */
import { spawnSync } from 'node:child_process'
import { mkdtemp, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { StreamClient } from '../client/index.js'
import { UsageError, parseServeFlags } from '../src/cli/serve-flags.js'
import { REPO_ROOT, startChildServer } from './helpers/child-server.js'

function run (args: string[]): { status: number | null, stdout: string, stderr: string } {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 20_000 })
  return { status: result.status, stdout: result.stdout, stderr: result.stderr }
}

describe('shardline CLI', () => {
  it('prints usage for --help', () => {
    const result = run(['serve', '--help'])
    expect(result.status).toBe(0)
    for (const flag of ['--data', '--memory', '--host', '--grpc-port', '--http-port', '--auth', '--limits', '--sync', '--region', '--account-id', '--create-stream-ms', '--shard-count-updates-per-day', '--log-level']) {
      expect(result.stdout).toContain(flag)
    }
  })

  it.each([
    [['serve', '--limits', 'some'], /--limits must be 'aws' or 'off'/],
    [['serve', '--bogus'], /Unknown option '--bogus'/],
    [['launch'], /unknown command 'launch'/]
  ])('rejects %j with status 2 and a clear message', (args, message) => {
    const result = run(args)
    expect(result.status).toBe(2)
    expect(result.stderr).toMatch(message)
  })

  it.each([
    [['--grpc-port', '70000'], /--grpc-port must be an integer from 0 to 65535, got '70000'/],
    [['--grpc-port', 'abc'], /--grpc-port must be an integer/],
    [['--http-port', '65536'], /--http-port must be an integer from 0 to 65535, got '65536'/],
    [['--auth'], /--auth/],
    [['--create-stream-ms', '-5'], /--create-stream-ms/],
    [['--account-id', '12'], /--account-id must be 12 digits/],
    [['--region', 'EU WEST'], /--region must be lowercase letters, digits and dashes/],
    [['--log-level', 'loud'], /--log-level must be one of fatal, error, warn, info, debug, trace, silent/],
    [['--memory', '--data', 'x'], /--memory and --data exclude each other/],
    [['extra'], /positional/i]
  ])('flag parser rejects %j', (args, message) => {
    expect(() => parseServeFlags(args)).toThrow(UsageError)
    expect(() => parseServeFlags(args)).toThrow(message)
  })

  it('flag parser maps every flag onto the server options', () => {
    expect(parseServeFlags(['--data', 'd', '--host', '0.0.0.0', '--grpc-port', '0', '--http-port', '0', '--auth', 'keys.json', '--limits', 'off', '--sync', '--region', 'eu-west-1', '--account-id', '123456789012', '--create-stream-ms', '500', '--shard-count-updates-per-day', '20', '--log-level', 'debug'])).toEqual({
      help: false,
      memory: false,
      sync: true,
      logLevel: 'debug',
      dataDir: 'd',
      host: '0.0.0.0',
      httpPort: 0,
      auth: 'keys.json',
      grpcPort: 0,
      limits: 'off',
      region: 'eu-west-1',
      accountId: '123456789012',
      createStreamMs: 500,
      shardCountUpdatesPerDay: 20
    })
  })

  it('serves on the data directory it is given, prints the address, and uses the region and account in ARNs', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'shardline-cli-'))
    const child = await startChildServer(['--data', dataDir, '--region', 'eu-west-1', '--account-id', '123456789012'])
    try {
      expect(child.stdout()).toMatch(new RegExp(`listening: grpc 127\\.0\\.0\\.1:${child.port}, http 127\\.0\\.0\\.1:${child.httpPort}, data ${dataDir}`))
      const client = new StreamClient({ endpoint: child.endpoint })
      await client.createStream({ streamName: 'cli', shardCount: 1 })
      const { streamDescriptionSummary } = await client.describeStreamSummary({ streamName: 'cli' })
      expect(streamDescriptionSummary.streamArn).toBe('arn:aws:kinesis:eu-west-1:123456789012:stream/cli')
      client.close()
      expect((await stat(join(dataDir, 'CURRENT'))).isFile()).toBe(true)
    } finally {
      child.process.kill('SIGTERM')
      await child.exited
      await rm(dataDir, { recursive: true, force: true })
    }
  })

  it('refuses a data directory another server holds', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'shardline-cli-'))
    const child = await startChildServer(['--data', dataDir])
    try {
      const second = run(['serve', '--grpc-port', '0', '--http-port', '0', '--data', dataDir])
      expect(second.status).toBe(1)
      expect(second.stderr).toMatch(/cannot open the data directory/)
    } finally {
      child.process.kill('SIGTERM')
      await child.exited
      await rm(dataDir, { recursive: true, force: true })
    }
  })
})
