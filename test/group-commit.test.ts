/**
 * Group commit's scheduling: one write per event-loop turn, acknowledgements after the
 * write, and the bounded spin that keeps an idle server's loop polling while a write is in
 * flight. The writes here are promises the test settles, to control when a write ends;
 * the real LevelDB path is covered by the crash-safety and persistence suites.
 */
import { describe, expect, it } from 'vitest'
import { GroupCommit } from '../src/storage/group-commit.js'

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))
const wait = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))
/** Pending setImmediate callbacks: the spin is one that re-arms itself. */
const immediates = (): number => process.getActiveResourcesInfo().filter((r) => r === 'Immediate').length

/** A committer whose writes end when the test says so. */
function controlled (): { commit: GroupCommit<string>, groups: string[][], finish: () => void } {
  const groups: string[][] = []
  const pending: Array<() => void> = []
  const commit = new GroupCommit<string>((group) => {
    groups.push(group)
    return new Promise<void>((resolve) => pending.push(resolve))
  })
  return { commit, groups, finish: () => pending.shift()?.() }
}

describe('group commit', () => {
  it('writes every submission of one turn together, in order, and acknowledges after the write', async () => {
    const { commit, groups, finish } = controlled()
    let acknowledged = 0
    const all = ['a', 'b', 'c'].map((op) => commit.submit(op).then(() => { acknowledged++ }))
    await turn()
    expect(groups).toEqual([['a', 'b', 'c']])
    expect(acknowledged).toBe(0)
    finish()
    await Promise.all(all)
    expect(acknowledged).toBe(3)
  })

  it('keeps the loop polling while a write after an idle spell is in flight, and stops once it ends', async () => {
    const { commit, finish } = controlled()
    await wait(5)
    const before = immediates()
    const done = commit.submit('x')
    await turn()
    expect(immediates()).toBeGreaterThan(before)
    finish()
    await done
    await wait(5)
    expect(immediates()).toBe(before)
  })

  it('stops spinning after its cap even if the write has not ended', async () => {
    const { commit, finish } = controlled()
    await wait(5)
    const before = immediates()
    const done = commit.submit('slow')
    await turn()
    expect(immediates()).toBeGreaterThan(before)
    await wait(20)
    expect(immediates()).toBe(before)
    finish()
    await done
  })

  it('does not spin for a write after the loop was busy rather than asleep', async () => {
    const { commit, groups, finish } = controlled()
    const first = commit.submit('1')
    await turn()
    finish()
    await first
    // 5 ms of work on the loop, no sleep: the next write is part of a busy spell.
    const until = performance.now() + 5
    while (performance.now() < until) { /* busy */ }
    const second = commit.submit('2')
    while (groups.length < 2) await turn()
    expect(immediates()).toBe(0)
    finish()
    await second
  })

  it('does not spin for a write that follows the previous one at once (under load)', async () => {
    const { commit, groups, finish } = controlled()
    await wait(5)
    const first = commit.submit('1')
    await turn()
    const second = commit.submit('2')
    finish()
    await first
    // The second group's write starts as the first settles, with no idle gap before it.
    while (groups.length < 2) await turn()
    expect(immediates()).toBe(0)
    finish()
    await second
  })
})
