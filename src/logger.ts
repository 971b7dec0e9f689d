import { pino, type Logger } from 'pino'
import type { LogLevel } from './config.js'

/** Structured logs on stderr, so stdout stays for what the CLI prints on purpose. */
export function createLogger (level: LogLevel): Logger {
  return pino({ level, base: { service: 'shardline' } }, pino.destination({ fd: 2, sync: false }))
}
