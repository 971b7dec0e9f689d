#!/usr/bin/env node
/**
 * The shardline command line.
 */
import { createServer } from '../server.js'
import { SERVE_USAGE, UsageError, parseServeFlags } from './serve-flags.js'
import { TEACHING_USAGE, locateCommand, shardsCommand } from './teaching-commands.js'

const USAGE = `Usage: shardline <command> [flags]

Commands:
  serve                                      run the server (shardline serve --help for flags)
${TEACHING_USAGE}`

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
