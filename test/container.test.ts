/**
 * The container image (.ci/Dockerfile) and the `shardline/testcontainers` module. There is
 * no Docker engine on most machines that run this suite: what needs one detects that and
 * skips with the reason printed. The rest runs everywhere: the Dockerfile's promises
 * (multi-stage on Node 20 slim, non-root, /data, ports, health check, command), the
 * image's command and health check run directly as processes, the module's configuration,
 * and its started container's endpoints and ready-made clients against a real server.
 */
import { spawn } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { KinesisClient, ListStreamsCommand } from '@aws-sdk/client-kinesis'
import { getContainerRuntimeClient, ImageName, type StartedTestContainer } from 'testcontainers'
import { beforeAll, describe, expect, it } from 'vitest'
import { isShardlineError } from '../client/index.js'
import { DEFAULT_IMAGE, GRPC_PORT, HTTP_PORT, ShardlineContainer, StartedShardlineContainer } from '../src/testcontainers/index.js'
import { REPO_ROOT } from './helpers/child-server.js'
import { startServer, uniqueName } from './helpers/server.js'

interface Instruction {
  readonly keyword: string
  readonly args: string
}

async function dockerfile (): Promise<Instruction[]> {
  const text = (await readFile(join(REPO_ROOT, '.ci/Dockerfile'), 'utf8')).replace(/\\\n/g, ' ')
  return text.split('\n').filter((l) => l.trim() !== '' && !l.trimStart().startsWith('#')).map((l) => {
    const [keyword, ...rest] = l.trim().split(/\s+/)
    return { keyword: keyword!.toUpperCase(), args: rest.join(' ') }
  })
}

function exec (instructions: Instruction[], keyword: string): string[] {
  const found = instructions.filter((i) => i.keyword === keyword)
  expect(found, keyword).toHaveLength(1)
  return JSON.parse(found[0]!.args.replace(/^CMD\s+/, '')) as string[]
}

/** `shardline ...` as the image runs it, run from the sources here instead. */
function asProcess (command: readonly string[]): [string, string[]] {
  expect(command[0]).toBe('shardline')
  return [process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...command.slice(1)]]
}

describe('the Dockerfile', () => {
  let instructions: Instruction[]
  beforeAll(async () => { instructions = await dockerfile() })

  it('is multi-stage on Node 20 slim, runs as a non-root user, and keeps data in a volume', () => {
    const from = instructions.filter((i) => i.keyword === 'FROM').map((i) => i.args)
    expect(from).toEqual(['node:20-slim AS build', 'node:20-slim'])
    const user = instructions.filter((i) => i.keyword === 'USER').map((i) => i.args)
    expect(user).toEqual(['node'])
    expect(instructions.find((i) => i.keyword === 'VOLUME')?.args).toBe('/data')
    expect(instructions.find((i) => i.keyword === 'EXPOSE')?.args).toBe(`${HTTP_PORT} ${GRPC_PORT}`)
    // The runtime stage copies the build's output, not the sources.
    expect(instructions.some((i) => i.keyword === 'COPY' && i.args.startsWith('--from=build /src/dist/src'))).toBe(true)
  })

  it('serves with --host 0.0.0.0 and checks /health, the same command the module runs', () => {
    const cmd = exec(instructions, 'CMD')
    expect(cmd.slice(0, 4)).toEqual(['shardline', 'serve', '--host', '0.0.0.0'])
    expect(cmd).toEqual(new ShardlineContainer().command)
    const healthcheck = instructions.find((i) => i.keyword === 'HEALTHCHECK')!.args
    expect(healthcheck).toMatch(/CMD \["shardline", "health"\]$/)
  })

  it('runs its command and health check as processes: the server serves and the check passes', async () => {
    const cmd = exec(instructions, 'CMD')
    const healthcheck = JSON.parse(instructions.find((i) => i.keyword === 'HEALTHCHECK')!.args.replace(/^.*CMD\s+/, '')) as string[]
    const dir = await mkdtemp(join(tmpdir(), 'shardline-image-'))
    // The image's command, with this machine's data directory and free ports (flags given later win).
    const [node, args] = asProcess([...cmd.map((a) => (a === '/data' ? dir : a)), '--grpc-port', '0', '--http-port', '0'])
    const child = spawn(node, args, { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => { out += chunk })
    try {
      const httpPort = await new Promise<number>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no listening line within 30 s: ${out}`)), 30_000)
        child.stdout.on('data', () => {
          const match = /listening: grpc 0\.0\.0\.0:\d+, http 0\.0\.0\.0:(\d+), data (\S+)/.exec(out)
          if (match === null) return
          clearTimeout(timer)
          expect(match[2]).toBe(dir)
          resolve(Number(match[1]))
        })
        child.on('exit', (code) => reject(new Error(`the server exited with ${String(code)}: ${out}`)))
      })
      const [checkNode, checkArgs] = asProcess([...healthcheck, '--url', `http://127.0.0.1:${httpPort}`])
      const check = spawn(checkNode, checkArgs, { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] })
      let checkOut = ''
      check.stdout.setEncoding('utf8').on('data', (chunk: string) => { checkOut += chunk })
      const code = await new Promise<number | null>((resolve) => check.on('close', resolve))
      expect(checkOut).toBe(`http://127.0.0.1:${httpPort}/health: {"status":"ok"}\n`)
      expect(code).toBe(0)
    } finally {
      child.kill('SIGTERM')
      await new Promise((resolve) => child.on('close', resolve))
      await rm(dir, { recursive: true, force: true })
    }
  })
})

describe('shardline health', () => {
  it('fails when nothing answers (main exits 1), and checks /ready with --ready', async () => {
    const { healthCommand } = await import('../src/cli/health-command.js')
    const t = await startServer()
    const url = `http://127.0.0.1:${t.server.httpPort}`
    try {
      expect(await healthCommand(['--url', url, '--ready'])).toBe(`${url}/ready: {"status":"ready","storage":"open"}\n`)
    } finally {
      await t.close()
    }
    await expect(healthCommand(['--url', url])).rejects.toThrow(`${url}/health: no answer`)
  })
})

describe('ShardlineContainer', () => {
  it('runs shardline serve with the image\'s defaults, or what it is told', () => {
    expect(new ShardlineContainer().command).toEqual(['shardline', 'serve', '--host', '0.0.0.0', '--data', '/data'])
    const told = new ShardlineContainer('registry.example/shardline:1.2').withMemory().withLimitsOff().withRegion('eu-west-1').withServeArgs('--metrics-shard-labels', 'off')
    expect(told.command).toEqual(['shardline', 'serve', '--host', '0.0.0.0', '--limits', 'off', '--region', 'eu-west-1', '--metrics-shard-labels', 'off', '--memory'])
    expect(told.serverRegion).toBe('eu-west-1')
    expect(DEFAULT_IMAGE).toBe('shardline:latest')
  })

  it('gives the endpoints and ready-made clients of a started container, and closes them on stop', async () => {
    // A real server stands in for the container: the started container only asks the
    // container for its host and mapped ports.
    const t = await startServer()
    let stopped = false
    const standIn = {
      getHost: () => '127.0.0.1',
      getMappedPort: (port: number) => (port === HTTP_PORT ? t.server.httpPort : port === GRPC_PORT ? t.server.grpcPort : Number.NaN),
      stop: async () => { stopped = true; return {} }
    } as unknown as StartedTestContainer
    const started = new StartedShardlineContainer(standIn, 'us-east-1')
    try {
      expect(started.grpcEndpoint).toBe(`127.0.0.1:${t.server.grpcPort}`)
      expect(started.httpEndpoint).toBe(`http://127.0.0.1:${t.server.httpPort}`)
      const streamName = uniqueName('module')
      const streams = started.streamClient()
      await streams.createStream({ streamName, shardCount: 1 })
      const queues = started.queueClient()
      expect((await queues.createQueue({ queueName: uniqueName('module-q') })).queueUrl).toMatch(/^http:\/\//)
      expect((await started.leaseClient().listLeases({ leaseTable: 'module' })).leases).toEqual([])
      const sdk = new KinesisClient({ ...started.awsClientConfig(), maxAttempts: 1 })
      expect((await sdk.send(new ListStreamsCommand({}))).StreamNames).toContain(streamName)
      sdk.destroy()
      await started.stop()
      expect(stopped).toBe(true)
      const closed = await streams.listStreams({}).then(() => undefined, (err: unknown) => err)
      expect(isShardlineError(closed)).toBe(true)
    } finally {
      await t.close()
    }
  })
})

describe('the image in Docker', () => {
  let reason: string | undefined
  beforeAll(async () => {
    try {
      const client = await getContainerRuntimeClient()
      if (!(await client.image.exists(ImageName.fromString(DEFAULT_IMAGE)))) reason = `image ${DEFAULT_IMAGE} is not built (docker build -f .ci/Dockerfile -t ${DEFAULT_IMAGE} .)`
    } catch (err) {
      reason = `no Docker engine: ${(err as Error).message}`
    }
    if (reason !== undefined) console.log(`skipping the Docker tests: ${reason}`)
  }, 60_000)

  it('starts, is ready, and serves both APIs', async (ctx) => {
    if (reason !== undefined) {
      ctx.skip()
      return
    }
    const shardline = await new ShardlineContainer().withMemory().start()
    try {
      const streamName = uniqueName('docker')
      await shardline.streamClient().createStream({ streamName, shardCount: 1 })
      const ready = await fetch(`${shardline.httpEndpoint}/ready`)
      expect(ready.status).toBe(200)
      const metrics = await (await fetch(`${shardline.httpEndpoint}/metrics`)).text()
      expect(metrics).toContain('shardline_api_requests_total{transport="grpc",action="CreateStream"} 1')
    } finally {
      await shardline.stop()
    }
  }, 120_000)
})
