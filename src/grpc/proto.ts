/**
 * Loads the shardline protos. The same code runs from `src/` (tsx, vitest) and from
 * `dist/src/`, so the proto directory is found by walking up from this file.
 */
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { loadSync, type PackageDefinition } from '@grpc/proto-loader'
import protobuf from 'protobufjs'

export const PROTO_FILES = ['shardline/v1/streams.proto', 'shardline/v1/leases.proto', 'shardline/v1/queues.proto', 'shardline/v1/topics.proto']

export function findProtoRoot (): string {
  let dir = dirname(fileURLToPath(import.meta.url))
  for (;;) {
    const root = join(dir, 'proto')
    if (existsSync(join(root, PROTO_FILES[0]!))) return root
    const parent = dirname(dir)
    if (parent === dir) throw new Error(`cannot find proto/${PROTO_FILES[0]!} above ${fileURLToPath(import.meta.url)}`)
    dir = parent
  }
}

/**
 * Field names stay snake_case (they are the action input names), int64 becomes number
 * (milliseconds fit in 53 bits), enums become their names, and absent fields stay absent
 * so validation can tell "missing" from "zero".
 */
export function loadProtos (): PackageDefinition {
  return loadSync(PROTO_FILES, {
    includeDirs: [findProtoRoot()],
    keepCase: true,
    longs: Number,
    enums: String,
    defaults: false,
    oneofs: false
  })
}

/** The same protos as protobufjs reflection, for checks proto-loader does not make. */
export function loadProtoRoot (): protobuf.Root {
  const root = new protobuf.Root()
  const protoRoot = findProtoRoot()
  root.resolvePath = (_origin, target) => join(protoRoot, target)
  root.loadSync(PROTO_FILES, { keepCase: true })
  root.resolveAll()
  return root
}
