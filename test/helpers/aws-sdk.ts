/**
 * The real AWS SDK for JavaScript v3 Kinesis client pointed at a test server's HTTP port,
 * in the two ways users run it: its default HTTP/2 handler and NodeHttpHandler (HTTP/1.1).
 */
import { KinesisClient, type KinesisClientConfig } from '@aws-sdk/client-kinesis'
import { NodeHttpHandler } from '@smithy/node-http-handler'
import { expect } from 'vitest'

export type SdkTarget = 'http2' | 'http1'
export const SDK_TARGETS: readonly SdkTarget[] = ['http2', 'http1']

export const TEST_CREDENTIALS = { accessKeyId: 'AKIDSHARDLINETEST', secretAccessKey: 'shardline-test-secret' }

export function sdkClient (httpPort: number, target: SdkTarget, config: Partial<KinesisClientConfig> = {}): KinesisClient {
  return new KinesisClient({
    endpoint: `http://127.0.0.1:${httpPort}`,
    region: 'us-east-1',
    credentials: TEST_CREDENTIALS,
    // Errors are asserted as they come: no retries hiding them or slowing the suite.
    maxAttempts: 1,
    ...(target === 'http1' ? { requestHandler: new NodeHttpHandler({ connectionTimeout: 5000 }) } : {}),
    ...config
  })
}

/** Asserts that the promise rejects with the AWS error `name`; returns the error. */
export async function expectAwsError (promise: Promise<unknown>, name: string, message?: RegExp): Promise<Error & { $metadata?: { httpStatusCode?: number } }> {
  try {
    await promise
  } catch (err) {
    const error = err as Error & { $metadata?: { httpStatusCode?: number } }
    expect(error.name, error.message).toBe(name)
    if (message !== undefined) expect(error.message).toMatch(message)
    return error
  }
  throw new Error(`expected the call to fail with ${name}, but it succeeded`)
}
