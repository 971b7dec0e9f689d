/**
 * The README documents the error catalogue and the two commands; these tests keep it true.
 */
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ERROR_CODES, GrpcStatus } from '../src/errors.js'
import { REPO_ROOT } from './helpers/child-server.js'

const GRPC_NAMES: Record<number, string> = Object.fromEntries(Object.entries(GrpcStatus).map(([name, status]) => [status, name]))

describe('README', () => {
  it('lists every error code with its AWS name, gRPC status, HTTP status and retriable flag', async () => {
    const readme = await readFile(join(REPO_ROOT, 'README.md'), 'utf8')
    const table = readme.split('<!-- error-table:start -->')[1]!.split('<!-- error-table:end -->')[0]!
    const rows = table.trim().split('\n').slice(2)
    const expected = Object.entries(ERROR_CODES).map(([code, spec]) =>
      `| \`${code}\` | ${spec.awsType} | ${spec.grpcStatus} ${GRPC_NAMES[spec.grpcStatus]!} | ${spec.httpStatus} | ${spec.retriable ? 'yes' : 'no'} | ${spec.description} |`)
    expect(rows).toEqual(expected)
  })

  it('lists every SQS code with both of AWS\'s names and its HTTP status', async () => {
    const readme = await readFile(join(REPO_ROOT, 'README.md'), 'utf8')
    const table = readme.split('<!-- sqs-error-table:start -->')[1]!.split('<!-- sqs-error-table:end -->')[0]!
    const rows = table.trim().split('\n').slice(2)
    const expected = Object.entries(ERROR_CODES)
      .filter(([code, spec]) => 'queryCode' in spec && !code.startsWith('SNS_'))
      .map(([code, spec]) => `| \`${code}\` | ${spec.awsType} | ${(spec as { queryCode: string }).queryCode} | ${spec.httpStatus} | ${spec.retriable ? 'yes' : 'no'} |`)
    expect(expected.length).toBeGreaterThan(15)
    expect(rows).toEqual(expected)
  })

  it('lists every SNS code with its exception name, Query code and HTTP status', async () => {
    const readme = await readFile(join(REPO_ROOT, 'README.md'), 'utf8')
    const table = readme.split('<!-- sns-error-table:start -->')[1]!.split('<!-- sns-error-table:end -->')[0]!
    const rows = table.trim().split('\n').slice(2)
    const expected = Object.entries(ERROR_CODES)
      .filter(([code]) => code.startsWith('SNS_'))
      .map(([code, spec]) => `| \`${code}\` | ${spec.awsType} | ${(spec as { queryCode: string }).queryCode} | ${spec.httpStatus} | ${spec.description} |`)
    expect(expected.length).toBeGreaterThan(15)
    expect(rows).toEqual(expected)
  })

  it('gives exactly the two commands on its first screen, and CI runs the test one', async () => {
    const readme = await readFile(join(REPO_ROOT, 'README.md'), 'utf8')
    const firstBlock = /```sh\n([\s\S]*?)```/.exec(readme)![1]!
    const commands = firstBlock.trim().split('\n').map((line) => line.replace(/#.*$/, '').trim())
    expect(commands).toEqual(['npm install && npm start', 'npm test'])
    const ci = await readFile(join(REPO_ROOT, '.ci/run'), 'utf8')
    expect(ci).toMatch(/^npm ci$/m)
    expect(ci).toMatch(/^npm test$/m)
  })
})
