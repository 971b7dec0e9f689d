/**
 * Hand-built protobuf bytes for serialization tests. The client always encodes correctly,
 * so malformed and wrong-wire-type requests have to be spelled out byte by byte.
 */
import { expect } from 'vitest'

export const WireType = { VARINT: 0, I64: 1, LEN: 2, I32: 5 } as const

/** A base-128 varint; negative numbers take ten bytes, as protobuf encodes int32 -1. */
export function varint (value: number | bigint): Buffer {
  let v = BigInt.asUintN(64, BigInt(value))
  const bytes: number[] = []
  do {
    let byte = Number(v & 0x7fn)
    v >>= 7n
    if (v !== 0n) byte |= 0x80
    bytes.push(byte)
  } while (v !== 0n)
  return Buffer.from(bytes)
}

export function tag (field: number, wireType: number): Buffer {
  return varint((field << 3) | wireType)
}

export function varintField (field: number, value: number | bigint): Buffer {
  return Buffer.concat([tag(field, WireType.VARINT), varint(value)])
}

export function bytesField (field: number, payload: Buffer): Buffer {
  return Buffer.concat([tag(field, WireType.LEN), varint(payload.byteLength), payload])
}

export function stringField (field: number, text: string): Buffer {
  return bytesField(field, Buffer.from(text, 'utf8'))
}

/** A map<string, string> entry: a nested message of key = 1 and value = 2. */
export function mapEntryField (field: number, key: string, value: string): Buffer {
  return bytesField(field, Buffer.concat([stringField(1, key), stringField(2, value)]))
}

export function message (...parts: Buffer[]): Buffer {
  return Buffer.concat(parts)
}

/** Bytes that are no protobuf message at all: a tag whose varint never ends. */
export const GARBAGE = Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff])

export interface RawResult {
  code: number
  details: string
  metadata: Record<string, string>
}

/** Asserts that a rawCall failed with the given shardline code, gRPC status and AWS type. */
export function expectRawError (result: RawResult, code: string, grpcStatus: number, awsType: string): void {
  expect(result.metadata['shardline-code'], result.details).toBe(code)
  expect(result.code, result.details).toBe(grpcStatus)
  expect(result.metadata['shardline-aws-type']).toBe(awsType)
}

export function expectSerializationFailed (result: RawResult): void {
  expectRawError(result, 'SERIALIZATION_FAILED', 3, 'SerializationException')
  expect(result.metadata['shardline-retriable']).toBe('false')
}
