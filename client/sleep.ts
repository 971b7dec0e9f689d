/**
 * A sleep that an AbortSignal ends early, quietly: the loops that use it check the signal
 * themselves, so an abort is not an error here (unlike node:timers/promises, which rejects).
 */
export function sleep (ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted === true) { resolve(); return }
    const onAbort = (): void => { clearTimeout(timer); resolve() }
    // The listener goes when the timer fires, so retries do not pile listeners on a long-lived signal.
    const timer = setTimeout(() => { signal?.removeEventListener('abort', onAbort); resolve() }, ms)
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}
