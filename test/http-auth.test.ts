/**
 * SigV4 verification with a key file (`auth` option / `--auth`): the right secret passes,
 * a wrong one is InvalidSignatureException, an unknown key UnrecognizedClientException.
 * Over HTTP/2 and HTTP/1.1, with the real AWS SDK signing.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CreateStreamCommand, ListStreamsCommand, PutRecordCommand } from '@aws-sdk/client-kinesis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createServer } from '../src/index.js'
import { expectAwsError, SDK_TARGETS, sdkClient, TEST_CREDENTIALS } from './helpers/aws-sdk.js'
import { startChildServer } from './helpers/child-server.js'
import { kinesisHeaders, rawHttp1 } from './helpers/raw-http.js'
import { startServer, type TestServer } from './helpers/server.js'

let dir: string
let keyFile: string
let ts: TestServer

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'shardline-auth-'))
  keyFile = join(dir, 'keys.json')
  await writeFile(keyFile, JSON.stringify({ [TEST_CREDENTIALS.accessKeyId]: TEST_CREDENTIALS.secretAccessKey, OTHERKEY: 'other-secret' }))
  ts = await startServer({ auth: keyFile })
})

afterAll(async () => {
  await ts.close()
  await rm(dir, { recursive: true, force: true })
})

describe.each(SDK_TARGETS)('SigV4 verification over %s', (target) => {
  it('accepts requests signed with a key from the file', async () => {
    const kinesis = sdkClient(ts.server.httpPort, target)
    const other = sdkClient(ts.server.httpPort, target, { credentials: { accessKeyId: 'OTHERKEY', secretAccessKey: 'other-secret' } })
    try {
      const name = `auth-${target}`
      await kinesis.send(new CreateStreamCommand({ StreamName: name, ShardCount: 1 }))
      // A body with bytes that base64 and JSON escape: the payload hash must match exactly.
      await other.send(new PutRecordCommand({ StreamName: name, PartitionKey: 'ü/+=', Data: Buffer.from([0, 255, 10]) }))
      expect((await kinesis.send(new ListStreamsCommand({}))).StreamNames).toContain(name)
    } finally {
      kinesis.destroy()
      other.destroy()
    }
  })

  it('refuses a wrong secret with InvalidSignatureException and an unknown key with UnrecognizedClientException', async () => {
    const wrong = sdkClient(ts.server.httpPort, target, { credentials: { accessKeyId: TEST_CREDENTIALS.accessKeyId, secretAccessKey: 'not-the-secret' } })
    const unknown = sdkClient(ts.server.httpPort, target, { credentials: { accessKeyId: 'NOSUCHKEY', secretAccessKey: 'x' } })
    try {
      await expectAwsError(wrong.send(new ListStreamsCommand({})), 'InvalidSignatureException', /signature/)
      await expectAwsError(unknown.send(new ListStreamsCommand({})), 'UnrecognizedClientException')
    } finally {
      wrong.destroy()
      unknown.destroy()
    }
  })

  it('refuses a signature made more than 15 minutes off the server\'s clock', async () => {
    const late = sdkClient(ts.server.httpPort, target, { systemClockOffset: -20 * 60_000 })
    try {
      await expectAwsError(late.send(new ListStreamsCommand({})), 'InvalidSignatureException', /Signature expired/)
    } finally {
      late.destroy()
    }
  })
})

describe('SigV4 verification of edited requests', () => {
  it('is turned on by the --auth flag', async () => {
    const child = await startChildServer(['--memory', '--auth', keyFile])
    const wrong = sdkClient(child.httpPort, 'http1', { credentials: { accessKeyId: TEST_CREDENTIALS.accessKeyId, secretAccessKey: 'wrong' } })
    const right = sdkClient(child.httpPort, 'http1')
    try {
      await expectAwsError(wrong.send(new ListStreamsCommand({})), 'InvalidSignatureException')
      expect((await right.send(new ListStreamsCommand({}))).StreamNames).toEqual([])
    } finally {
      wrong.destroy()
      right.destroy()
      child.process.kill('SIGTERM')
      await child.exited
    }
  })

  it('refuses a made-up signature over a real key', async () => {
    const amzDate = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+/, '')
    const headers = kinesisHeaders('ListStreams', {
      authorization: `AWS4-HMAC-SHA256 Credential=${TEST_CREDENTIALS.accessKeyId}/${amzDate.slice(0, 8)}/us-east-1/kinesis/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=${'0'.repeat(64)}`,
      'x-amz-date': amzDate
    })
    const res = await rawHttp1(ts.server.httpPort, { headers, body: '{}' })
    expect(res.status).toBe(400)
    expect(res.json?.__type).toBe('InvalidSignatureException')
    expect(res.json?.message).toMatch(/does not match/)
  })

  it('refuses to start with a key file that is not a JSON object of secrets', async () => {
    const bad = join(dir, 'bad.json')
    await writeFile(bad, '["AKID"]')
    await expect(createServer({ memory: true, grpcPort: 0, httpPort: 0, logLevel: 'silent', auth: bad })).rejects.toThrow(/must hold a JSON object/)
    await expect(createServer({ memory: true, grpcPort: 0, httpPort: 0, logLevel: 'silent', auth: join(dir, 'absent.json') })).rejects.toThrow(/cannot read the auth key file/)
  })
})
