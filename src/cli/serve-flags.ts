/**
 * `shardline serve` flags, parsed with node:util parseArgs and checked into ServerOptions.
 */
import { parseArgs } from 'node:util'
import { DEFAULTS, type LogLevel, type ServerOptions } from '../config.js'
import { UsageError } from './usage-error.js'

const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']

export const SERVE_USAGE = `Usage: shardline serve [flags]

  --data DIR              data directory (default ${DEFAULTS.dataDir})
  --memory                keep nothing on disk
  --host HOST             listen address (default ${DEFAULTS.host})
  --grpc-port PORT        gRPC port, 0 picks a free one (default ${DEFAULTS.grpcPort})
  --http-port PORT        AWS-compatible HTTP port (HTTP/1.1 and HTTP/2), 0 picks a free one (default ${DEFAULTS.httpPort})
  --auth FILE             verify SigV4 signatures with the keys in FILE, JSON {"ACCESS_KEY_ID": "secret"}
                          (default: any credentials are accepted)
  --limits aws|off        enforce the per-shard limits (default ${DEFAULTS.limits})
  --sync                  fsync every commit
  --region REGION         used in ARNs (default ${DEFAULTS.region})
  --account-id ID         12 digits, used in ARNs (default ${DEFAULTS.accountId})
  --create-stream-ms MS   how long streams stay CREATING/UPDATING/DELETING (default ${DEFAULTS.createStreamMs})
  --shard-count-updates-per-day N
                          UpdateShardCount calls per stream per rolling 24 h (default ${DEFAULTS.shardCountUpdatesPerDay}; --limits off lifts it)
  --partition-hash MURMUR3|MD5
                          how new streams place partition keys unless CreateStream says (default ${DEFAULTS.partitionHash};
                          MD5 places them as AWS does)
  --shard-limit N         open shards per account and region, on-demand streams included (default AWS's:
                          500 in us-east-1, us-west-2 and eu-west-1, 200 elsewhere; --limits off lifts it)
  --on-demand-stream-limit N
                          ON_DEMAND streams per account and region (default ${DEFAULTS.onDemandStreamLimit}; --limits off lifts it)
  --on-demand-check-ms MS how often ON_DEMAND shard loads are sampled; 0: never (default ${DEFAULTS.onDemandCheckMs})
  --on-demand-scale-up-ms MS
                          an ON_DEMAND shard splits when its load averaged over this is over half its write limit
                          (default ${DEFAULTS.onDemandScaleUpMs})
  --on-demand-scale-down-ms MS
                          how long two neighbouring ON_DEMAND shards stay under a quarter of it before they merge
                          (default ${DEFAULTS.onDemandScaleDownMs})
  --no-console            do not serve the web console at GET /console on the HTTP port (default: served)
  --metrics on|off        serve Prometheus metrics at GET /metrics on the HTTP port (default on)
  --metrics-shard-labels on|off
                          label stream and lease metrics by shard; off sums them per stream, for streams
                          with thousands of shards (default on)
  --lambda-endpoint NAME=URL
                          invoke Lambda function NAME (subscribed to a topic) with a POST to URL; repeatable
  --log-level LEVEL       ${LOG_LEVELS.join('|')} (default info)
  --help                  show this help
`

export { UsageError }

function integer (flag: string, text: string | undefined, min: number, max: number): number | undefined {
  if (text === undefined) return undefined
  const value = Number(text)
  if (!/^\d+$/.test(text) || value < min || value > max) {
    throw new UsageError(`--${flag} must be an integer from ${min} to ${max}, got '${text}'`)
  }
  return value
}

export function parseServeFlags (args: string[]): ServerOptions & { help: boolean } {
  let values
  try {
    ({ values } = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: {
        data: { type: 'string' },
        memory: { type: 'boolean' },
        host: { type: 'string' },
        'grpc-port': { type: 'string' },
        'http-port': { type: 'string' },
        auth: { type: 'string' },
        limits: { type: 'string' },
        sync: { type: 'boolean' },
        region: { type: 'string' },
        'account-id': { type: 'string' },
        'create-stream-ms': { type: 'string' },
        'shard-count-updates-per-day': { type: 'string' },
        'partition-hash': { type: 'string' },
        'shard-limit': { type: 'string' },
        'on-demand-stream-limit': { type: 'string' },
        'on-demand-check-ms': { type: 'string' },
        'on-demand-scale-up-ms': { type: 'string' },
        'on-demand-scale-down-ms': { type: 'string' },
        'no-console': { type: 'boolean' },
        'lambda-endpoint': { type: 'string', multiple: true },
        'log-level': { type: 'string' },
        metrics: { type: 'string' },
        'metrics-shard-labels': { type: 'string' },
        help: { type: 'boolean', short: 'h' }
      }
    }))
  } catch (err) {
    throw new UsageError((err as Error).message)
  }
  const limits = values.limits
  if (limits !== undefined && limits !== 'aws' && limits !== 'off') {
    throw new UsageError(`--limits must be 'aws' or 'off', got '${limits}'`)
  }
  const logLevel = values['log-level']
  if (logLevel !== undefined && !LOG_LEVELS.includes(logLevel as LogLevel)) {
    throw new UsageError(`--log-level must be one of ${LOG_LEVELS.join(', ')}, got '${logLevel}'`)
  }
  const accountId = values['account-id']
  if (accountId !== undefined && !/^\d{12}$/.test(accountId)) {
    throw new UsageError(`--account-id must be 12 digits, got '${accountId}'`)
  }
  const region = values.region
  if (region !== undefined && !/^[a-z0-9-]+$/.test(region)) {
    throw new UsageError(`--region must be lowercase letters, digits and dashes, got '${region}'`)
  }
  const partitionHash = values['partition-hash']
  if (partitionHash !== undefined && partitionHash !== 'MURMUR3' && partitionHash !== 'MD5') {
    throw new UsageError(`--partition-hash must be 'MURMUR3' or 'MD5', got '${partitionHash}'`)
  }
  if (values.memory === true && values.data !== undefined) {
    throw new UsageError('--memory and --data exclude each other: --memory keeps nothing on disk')
  }
  const options: ServerOptions & { help: boolean } = {
    help: values.help ?? false,
    memory: values.memory ?? false,
    sync: values.sync ?? false,
    logLevel: (logLevel as LogLevel | undefined) ?? 'info'
  }
  if (values['no-console'] === true) options.console = false
  if (values.data !== undefined) options.dataDir = values.data
  if (values.host !== undefined) options.host = values.host
  const grpcPort = integer('grpc-port', values['grpc-port'], 0, 65535)
  if (grpcPort !== undefined) options.grpcPort = grpcPort
  const httpPort = integer('http-port', values['http-port'], 0, 65535)
  if (httpPort !== undefined) options.httpPort = httpPort
  if (values.auth !== undefined) options.auth = values.auth
  if (limits !== undefined) options.limits = limits
  if (region !== undefined) options.region = region
  if (accountId !== undefined) options.accountId = accountId
  const delay = integer('create-stream-ms', values['create-stream-ms'], 0, 3_600_000)
  if (delay !== undefined) options.createStreamMs = delay
  const updates = integer('shard-count-updates-per-day', values['shard-count-updates-per-day'], 1, 1_000_000)
  if (updates !== undefined) options.shardCountUpdatesPerDay = updates
  if (partitionHash !== undefined) options.partitionHash = partitionHash
  const shardLimit = integer('shard-limit', values['shard-limit'], 1, 1_000_000)
  if (shardLimit !== undefined) options.shardLimit = shardLimit
  const onDemandStreams = integer('on-demand-stream-limit', values['on-demand-stream-limit'], 1, 1_000_000)
  if (onDemandStreams !== undefined) options.onDemandStreamLimit = onDemandStreams
  const check = integer('on-demand-check-ms', values['on-demand-check-ms'], 0, 3_600_000)
  if (check !== undefined) options.onDemandCheckMs = check
  const up = integer('on-demand-scale-up-ms', values['on-demand-scale-up-ms'], 0, 2_592_000_000)
  if (up !== undefined) options.onDemandScaleUpMs = up
  const down = integer('on-demand-scale-down-ms', values['on-demand-scale-down-ms'], 0, 2_592_000_000)
  if (down !== undefined) options.onDemandScaleDownMs = down
  const metrics = onOff('metrics', values.metrics)
  if (metrics !== undefined) options.metrics = metrics
  const shardLabels = onOff('metrics-shard-labels', values['metrics-shard-labels'])
  if (shardLabels !== undefined) options.metricsShardLabels = shardLabels
  for (const spec of values['lambda-endpoint'] ?? []) {
    const eq = spec.indexOf('=')
    const name = spec.slice(0, eq)
    const url = spec.slice(eq + 1)
    if (eq <= 0 || !/^[A-Za-z0-9_-]{1,64}$/.test(name) || !/^https?:\/\/\S+$/.test(url)) {
      throw new UsageError(`--lambda-endpoint must be NAME=URL (a function name, an http:// or https:// URL), got '${spec}'`)
    }
    options.lambdaEndpoints = { ...options.lambdaEndpoints, [name]: url }
  }
  return options
}

function onOff (flag: string, text: string | undefined): boolean | undefined {
  if (text === undefined) return undefined
  if (text !== 'on' && text !== 'off') throw new UsageError(`--${flag} must be 'on' or 'off', got '${text}'`)
  return text === 'on'
}
