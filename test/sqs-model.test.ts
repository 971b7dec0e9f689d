/**
 * The SQS shape tables the HTTP codecs compile from the actions' schemas (src/http/
 * shape-table.ts), checked against the botocore models on the machine: the current model
 * (JSON 1.0) for every operation's member names, in and out, and Debian's older Query
 * model for the Query names (`locationName`, flattened lists and maps, entry names). So
 * no model ships with the server, yet a schema that drifts from AWS's model fails here.
 * Each model is skipped, saying why, where its botocore is not installed.
 */
import { execFile } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { gunzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { QUEUE_ACTIONS } from '../src/actions/index.js'
import { sqsName } from '../src/actions/queues/sqs-validation.js'
import { compileAction, type ShapeNode, type StructNode } from '../src/http/shape-table.js'

const run = promisify(execFile)

interface ModelRef { shape: string, locationName?: string, flattened?: boolean }
interface ModelShape { type: string, members?: Record<string, ModelRef>, member?: ModelRef, key?: ModelRef, value?: ModelRef, flattened?: boolean }
interface Model { metadata: { protocol: string }, operations: Record<string, { input?: ModelRef, output?: ModelRef }>, shapes: Record<string, ModelShape> }

async function botocoreDir (python: string): Promise<string | undefined> {
  try {
    const { stdout } = await run(python, ['-c', 'import botocore, os; print(os.path.dirname(botocore.__file__))'], { timeout: 30_000 })
    return stdout.trim()
  } catch {
    return undefined
  }
}

function loadModel (dir: string | undefined): Model | undefined {
  if (dir === undefined) return undefined
  const base = join(dir, 'data/sqs/2012-11-05/service-2.json')
  if (existsSync(base)) return JSON.parse(readFileSync(base, 'utf8')) as Model
  if (existsSync(`${base}.gz`)) return JSON.parse(gunzipSync(readFileSync(`${base}.gz`)).toString('utf8')) as Model
  return undefined
}

const current = loadModel(await botocoreDir('python3'))
const debian = loadModel(await botocoreDir('/usr/bin/python3'))
if (current === undefined) console.log('skipping the JSON model check: python3 has no botocore with an SQS model')
if (debian === undefined || debian.metadata.protocol !== 'query') console.log("skipping the Query model check: /usr/bin/python3 has no botocore with SQS's Query model (Debian's python3-botocore)")

const compiled = new Map(QUEUE_ACTIONS.map((a) => [a.name, compileAction(a, sqsName, 'queue_url')]))

/**
 * Checks a compiled struct's JSON names against a model structure, recursively. Inputs
 * take every member; an output may leave out members shardline never sets (a message
 * attribute's StringListValues, reserved by AWS).
 */
function checkJson (model: Model, shapeName: string, node: ShapeNode, where: string, output = false): void {
  const shape = model.shapes[shapeName]!
  switch (shape.type) {
    case 'structure': {
      expect(node.kind, where).toBe('Structure')
      const struct = node as StructNode
      const names = Object.keys(shape.members ?? {}).sort()
      if (output) expect(names, where).toEqual(expect.arrayContaining(struct.members.map((m) => m.json)))
      else expect(struct.members.map((m) => m.json).sort(), where).toEqual(names)
      for (const [name, ref] of Object.entries(shape.members ?? {})) {
        const member = struct.byJson.get(name)
        if (member !== undefined) checkJson(model, ref.shape, member.node, `${where}.${name}`, output)
      }
      return
    }
    case 'list':
      expect(node.kind, where).toBe('List')
      if (node.kind === 'List') checkJson(model, shape.member!.shape, node.item, `${where}[]`, output)
      return
    case 'map':
      expect(node.kind, where).toBe('Map')
      if (node.kind === 'Map') checkJson(model, shape.value!.shape, node.value, `${where}{}`, output)
      return
    case 'blob':
      expect(node.kind, where).toBe('Blob')
      return
    case 'boolean':
      expect(node.kind, where).toBe('Boolean')
      return
    case 'integer': case 'long':
      expect(['Integer', 'Long'], where).toContain(node.kind)
      return
    default:
      expect(node.kind, where).toBe('String')
  }
}

/** Checks the Query names botocore's query serializer would use against the compiled ones (outputs: those shardline sets). */
function checkQuery (model: Model, shapeName: string, node: ShapeNode, where: string, output = false): void {
  const shape = model.shapes[shapeName]!
  if (shape.type !== 'structure') return
  const struct = node as StructNode
  for (const [name, ref] of Object.entries(shape.members ?? {})) {
    const member = struct.byJson.get(name) ?? struct.members.find((m) => m.query === name)
    if (output && member === undefined) continue
    expect(member, `${where}.${name}`).toBeDefined()
    const target = model.shapes[ref.shape]!
    const flattened = target.flattened === true || ref.flattened === true
    let expected = ref.locationName ?? name
    if (target.type === 'list' && flattened) expected = target.member!.locationName ?? expected
    // Requests are read by that name (among others clients send); answers are written with it.
    if (output) expect(member!.query, `${where}.${name}`).toBe(expected)
    else expect(struct.byQuery.get(expected), `${where}.${name} read as ${expected}`).toBe(member)
    if (target.type === 'list') {
      expect(member!.node.kind === 'List' && member!.node.flat, `${where}.${name} flattened`).toBe(flattened)
      if (member!.node.kind === 'List') checkQuery(model, target.member!.shape, member!.node.item, `${where}.${name}[]`, output)
    } else if (target.type === 'map') {
      const map = member!.node
      expect(map.kind === 'Map' && map.flat, `${where}.${name} flattened`).toBe(flattened)
      if (map.kind === 'Map') {
        expect([map.keyName, map.valueName], `${where}.${name} entry`).toEqual([target.key!.locationName ?? 'key', target.value!.locationName ?? 'value'])
        checkQuery(model, target.value!.shape, map.value, `${where}.${name}{}`, output)
      }
    } else {
      checkQuery(model, ref.shape, member!.node, `${where}.${name}`, output)
    }
  }
}

describe.skipIf(current === undefined)('the SQS JSON model (current botocore)', () => {
  it('has exactly the operations shardline serves, with the same members in and out', () => {
    expect([...compiled.keys()].sort()).toEqual(Object.keys(current!.operations).sort())
    for (const [name, op] of Object.entries(current!.operations)) {
      const action = compiled.get(name)!
      if (op.input !== undefined) checkJson(current!, op.input.shape, action.input, `${name} input`)
      if (op.output !== undefined) checkJson(current!, op.output.shape, action.output, `${name} output`, true)
      else expect(action.noOutput, `${name} has no output`).toBe(true)
    }
  })
})

describe.skipIf(debian === undefined || debian.metadata.protocol !== 'query')('the SQS Query model (Debian\'s botocore)', () => {
  it('names every member, list item and map entry as the Query serializer does', () => {
    for (const [name, op] of Object.entries(debian!.operations)) {
      const action = compiled.get(name)!
      if (op.input !== undefined) checkQuery(debian!, op.input.shape, action.input, `${name} input`)
      if (op.output !== undefined) checkQuery(debian!, op.output.shape, action.output, `${name} output`, true)
    }
  })
})
