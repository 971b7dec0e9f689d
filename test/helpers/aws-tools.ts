/**
 * The Python and AWS CLI clients the real-client tests run, unchanged but for the
 * endpoint: finding which are installed (the default `python3` and `aws` on the PATH, and
 * Debian's python3-boto3 and awscli under /usr/bin where .ci/run installs them), and
 * running them with fixed credentials and no profile or config file of the machine's.
 */
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'

export const run = promisify(execFile)

export const AWS_ENV: NodeJS.ProcessEnv = {
  ...process.env,
  AWS_ACCESS_KEY_ID: 'AKIDSHARDLINECLI',
  AWS_SECRET_ACCESS_KEY: 'shardline-cli-secret',
  AWS_DEFAULT_REGION: 'us-east-1',
  AWS_REGION: 'us-east-1',
  // No profile or config file on the machine may change what is tested.
  AWS_CONFIG_FILE: '/dev/null',
  AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
  AWS_PAGER: ''
}

/** What `file args` prints, or undefined when it cannot run or fails. */
export async function probe (file: string, args: string[]): Promise<string | undefined> {
  try {
    const { stdout, stderr } = await run(file, args, { env: AWS_ENV, timeout: 30_000 })
    return `${stdout}${stderr}`.trim()
  } catch {
    return undefined
  }
}

/** A client found (version set) or not (undefined) at `file`. */
export interface Tool {
  readonly label: string
  readonly file: string
  readonly version: string | undefined
}

async function findTool (label: string, file: string, args: string[], absent: string): Promise<Tool> {
  const version = await probe(file, args)
  if (version === undefined) console.log(`skipping ${label}: ${absent}`)
  return { label, file, version }
}

const BOTO3_VERSION = ['-c', 'import boto3; print(boto3.__version__)']

/** boto3 of the default python3 (current botocore). */
export const defaultBoto3 = (): Promise<Tool> => findTool('boto3 of the default python3', 'python3', BOTO3_VERSION, "`python3 -c 'import boto3'` failed (not installed)")
/** Debian's python3-boto3 (1.26, older than SQS's JSON protocol). */
export const debianBoto3 = (): Promise<Tool> => findTool("Debian's python3-boto3", '/usr/bin/python3', BOTO3_VERSION, "`/usr/bin/python3 -c 'import boto3'` failed (not installed)")
/** The AWS CLI on the PATH (v1, from pip, here). */
export const defaultCli = (): Promise<Tool> => findTool('the default AWS CLI', 'aws', ['--version'], '`aws --version` failed (not installed)')
/** Debian's awscli (2.9). */
export const debianCli = (): Promise<Tool> => findTool("Debian's awscli", '/usr/bin/aws', ['--version'], '`/usr/bin/aws --version` failed (not installed)')

/** Every boto3 the tests run under. */
export const findPythons = (): Promise<Tool[]> => Promise.all([defaultBoto3(), debianBoto3()])
/** Every AWS CLI the tests run. */
export const findClis = (): Promise<Tool[]> => Promise.all([defaultCli(), debianCli()])

/** Runs a Python script (a file, or `-c` and its text) with `args`; resolves with its stdout. */
export async function runPython (python: string, script: string[], args: string[], timeoutMs = 60_000): Promise<string> {
  const { stdout } = await run(python, [...script, ...args], { env: AWS_ENV, timeout: timeoutMs })
  return stdout
}

/** `cli --endpoint-url endpoint --output json service args...`, its output parsed (an empty output as {}). */
export async function awsJson (cli: string, endpoint: string, service: string, ...args: string[]): Promise<Record<string, unknown>> {
  const { stdout } = await run(cli, ['--endpoint-url', endpoint, '--output', 'json', service, ...args], { env: AWS_ENV, timeout: 30_000 })
  return stdout.trim() === '' ? {} : JSON.parse(stdout) as Record<string, unknown>
}

/** The exit code and stderr of a command expected to fail, or undefined if it succeeded. */
export async function awsFailure (cli: string, endpoint: string, service: string, ...args: string[]): Promise<{ code: number, stderr: string } | undefined> {
  return await run(cli, ['--endpoint-url', endpoint, service, ...args], { env: AWS_ENV, timeout: 30_000 }).then(() => undefined, (err: { stderr: string, code: number }) => ({ code: err.code, stderr: err.stderr }))
}
