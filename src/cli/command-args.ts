/**
 * Flag parsing shared by the client-side commands (tail, queues, topics, import, export): the
 * server's endpoint and region, the command's positionals, and its own flags.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util'
import { DEFAULT_ENDPOINT, type Target } from './teaching-commands.js'
import { UsageError } from './usage-error.js'

type Options = NonNullable<ParseArgsConfig['options']>

export interface ParsedCommand extends Target {
  readonly positionals: string[]
  readonly flags: Record<string, string | boolean | undefined>
}

export function parseCommand (command: string, args: string[], positionals: readonly string[], options: Options = {}): ParsedCommand {
  let parsed
  try {
    parsed = parseArgs({ args, strict: true, allowPositionals: true, options: { endpoint: { type: 'string' }, region: { type: 'string' }, ...options } })
  } catch (err) {
    throw new UsageError(`${command}: ${(err as Error).message}`)
  }
  if (parsed.positionals.length !== positionals.length) {
    throw new UsageError(`${command}: expected ${positionals.length === 0 ? 'no arguments' : positionals.join(' ')}, got ${parsed.positionals.length === 0 ? 'nothing' : parsed.positionals.join(' ')}`)
  }
  const values = parsed.values as Record<string, string | boolean | undefined>
  return {
    endpoint: (values.endpoint as string | undefined) ?? DEFAULT_ENDPOINT,
    region: values.region as string | undefined,
    positionals: parsed.positionals,
    flags: values
  }
}

/** A flag that takes one of `allowed`. */
export function choice<T extends string> (command: string, flag: string, value: string | boolean | undefined, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new UsageError(`${command}: --${flag} must be one of ${allowed.join(', ')}, got '${String(value)}'`)
  }
  return value as T
}

/** A flag that takes a whole number in [min, max]. */
export function wholeNumber (command: string, flag: string, value: string | boolean | undefined, min: number, max: number): number | undefined {
  if (value === undefined) return undefined
  const n = Number(value)
  if (typeof value !== 'string' || !/^\d+$/.test(value) || n < min || n > max) {
    throw new UsageError(`${command}: --${flag} must be an integer from ${min} to ${max}, got '${String(value)}'`)
  }
  return n
}
