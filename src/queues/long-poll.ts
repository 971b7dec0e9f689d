/**
 * Long-polling receives waiting on a queue, in arrival order. A message becoming
 * receivable wakes the first waiter only; a waiter that then takes a full batch wakes the
 * next one, so each message goes to exactly one waiter and none polls.
 */

export type WakeReason = 'woken' | 'timeout' | 'closed'

interface Waiter {
  readonly resolve: (reason: WakeReason) => void
  readonly timer: NodeJS.Timeout
}

export class Waiters {
  private readonly list: Waiter[] = []
  private closed = false

  get size (): number {
    return this.list.length
  }

  /** Waits until woken, for at most `ms` (real time), or until the queue closes. */
  wait (ms: number): Promise<WakeReason> {
    if (this.closed) return Promise.resolve('closed')
    return new Promise((resolve) => {
      const waiter: Waiter = {
        resolve,
        timer: setTimeout(() => {
          const i = this.list.indexOf(waiter)
          if (i >= 0) this.list.splice(i, 1)
          resolve('timeout')
        }, Math.max(0, ms))
      }
      this.list.push(waiter)
    })
  }

  /** Wakes the longest-waiting receive; false when none waits. */
  wakeFirst (): boolean {
    const waiter = this.list.shift()
    if (waiter === undefined) return false
    clearTimeout(waiter.timer)
    waiter.resolve('woken')
    return true
  }

  /** Ends every wait at once (shutdown, queue deleted); later waits end at once too. */
  close (): void {
    this.closed = true
    for (const waiter of this.list.splice(0)) {
      clearTimeout(waiter.timer)
      waiter.resolve('closed')
    }
  }
}
