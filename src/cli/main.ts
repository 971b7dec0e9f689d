#!/usr/bin/env node
/**
 * The shardline command line.
 */
import { createServer } from '../server.js'
import { SERVE_USAGE, UsageError, parseServeFlags } from './serve-flags.js'
import { TEACHING_USAGE, locateCommand, shardsCommand } from './teaching-commands.js'
import { QUEUES_USAGE, queuesCommand } from './queues-command.js'
import { TOPICS_USAGE, topicsCommand } from './topics-command.js'
import { TRANSFER_USAGE, exportCommand, importCommand } from './stream-transfer.js'
import { TAIL_USAGE, tailCommand } from './tail-command.js'
import { HEALTH_USAGE, healthCommand } from './health-command.js'

const USAGE = `Usage: shardline <command> [flags]

Commands:
  serve                                      run the server (shardline serve --help for flags)
${TEACHING_USAGE}${TAIL_USAGE}${QUEUES_USAGE}${TOPICS_USAGE}${TRANSFER_USAGE}${HEALTH_USAGE}
The client commands take --endpoint HOST:PORT (the gRPC port, default 127.0.0.1:4568) and --region R.
`

/** An AbortSignal that Ctrl-C (or SIGTERM) aborts, for commands that run until stopped. */
function interruptSignal (): AbortSignal {
  const controller = new AbortController()
  const stop = (): void => controller.abort()
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
  return controller.signal
}

/** The process must be gone within 5 s of a signal, even if something hangs. */
const HARD_EXIT_MS = 4500

async function serve (args: string[]): Promise<void> {
  const options = parseServeFlags(args)
  if (options.help) {
    process.stdout.write(SERVE_USAGE)
    return
  }
  const server = await createServer(options)
  // Tests and tools parse this line: keep `listening: grpc HOST:PORT` first.
  process.stdout.write(`shardline listening: grpc ${server.host}:${server.grpcPort}, http ${server.host}:${server.httpPort}, data ${server.config.memory ? 'in memory' : server.config.dataDir}\n`)
  const stop = (signal: string): void => {
    process.stdout.write(`shardline: ${signal}, shutting down\n`)
    setTimeout(() => {
      process.stderr.write('shardline: shutdown took too long, exiting\n')
      process.exit(1)
    }, HARD_EXIT_MS).unref()
    server.close().then(() => process.exit(0), (err: unknown) => {
      process.stderr.write(`shardline: shutdown failed: ${String(err)}\n`)
      process.exit(1)
    })
  }
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
}

async function main (argv: string[]): Promise<void> {
  const [command, ...rest] = argv
  switch (command) {
    case 'serve':
      return await serve(rest)
    case 'shards':
      process.stdout.write(await shardsCommand(rest))
      return
    case 'locate':
      process.stdout.write(await locateCommand(rest))
      return
    case 'tail':
      await tailCommand(rest, (line) => process.stdout.write(line), interruptSignal())
      return
    case 'health':
      process.stdout.write(await healthCommand(rest))
      return
    case 'queues':
      process.stdout.write(await queuesCommand(rest))
      return
    case 'topics':
      process.stdout.write(await topicsCommand(rest))
      return
    case 'export':
      process.stderr.write(await exportCommand(rest, { stdout: process.stdout, stderr: process.stderr, signal: interruptSignal() }))
      return
    case 'import':
      process.stderr.write(await importCommand(rest, { stdout: process.stdout, stderr: process.stderr, signal: interruptSignal() }))
      return
    case undefined:
    case '--help':
    case '-h':
    case 'help':
      process.stdout.write(USAGE)
      return
    default:
      throw new UsageError(`unknown command '${command}'`)
  }
}

main(process.argv.slice(2)).catch((err: unknown) => {
  if (err instanceof UsageError) {
    process.stderr.write(`shardline: ${err.message}\n\n${USAGE}`)
    process.exit(2)
  }
  process.stderr.write(`shardline: ${err instanceof Error ? err.message : String(err)}\n`)
  process.exit(1)
})
