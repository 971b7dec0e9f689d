/**
 * The 1 MiB chunks large HTTP bodies (GetRecords pages) are written into, kept for reuse
 * once a response has been sent. A drain writes 15 MB of JSON a page: in fresh memory each
 * time, every 4 KiB of it is a page fault the first time it is written, and the chunks,
 * held until their page has gone out, live long enough to be promoted and add to the
 * external memory that brings on full garbage collections. Reused, a first drain's page
 * faults fell from 9,000-16,000 to 4,000-12,000, and a second drain's CPU from 4.8-5.6 to
 * 4.2-4.8 us per record (npm run bench -- --only httpGetRecords, three runs each).
 *
 * A chunk comes back only from a response that has finished writing it (see
 * kinesis-api.ts sendChunks); one that is dropped anywhere else is simply collected.
 */
export const POOLED_CHUNK_BYTES = 1024 * 1024
/** The most kept unused: two 15 MB pages' worth, one being sent while the next is rendered. */
const MAX_IDLE_CHUNKS = 32
/** Kept chunks are let go after this long without a large response. */
const IDLE_RELEASE_MS = 5_000

const idle: Buffer[] = []
/** The memory of every chunk this pool made, so only those are taken back. */
const made = new WeakSet<ArrayBufferLike>()
/** The memory of the chunks in `idle`: one given back twice is still kept once, so no two writers ever share it. */
const kept = new WeakSet<ArrayBufferLike>()
let release: NodeJS.Timeout | undefined

/** A chunk of POOLED_CHUNK_BYTES, not zeroed: a kept one or a new one. */
export function takeChunk (): Buffer {
  const chunk = idle.pop()
  if (chunk !== undefined) {
    kept.delete(chunk.buffer)
    return chunk
  }
  const fresh = Buffer.allocUnsafeSlow(POOLED_CHUNK_BYTES)
  made.add(fresh.buffer)
  return fresh
}

function releaseIdle (): void {
  for (const chunk of idle) kept.delete(chunk.buffer)
  idle.length = 0
}

/**
 * Takes back the pooled chunks among `views` (slices of chunks, or other buffers, which are
 * left alone). The caller must not touch them again, and nothing else may hold them: a
 * taken-back chunk is written over by the next large response.
 */
export function returnChunks (views: readonly Buffer[]): void {
  for (const view of views) {
    const memory = view.buffer
    if (!made.has(memory) || kept.has(memory) || idle.length >= MAX_IDLE_CHUNKS) continue
    kept.add(memory)
    idle.push(Buffer.from(memory, 0, POOLED_CHUNK_BYTES))
  }
  if (release === undefined) {
    release = setTimeout(releaseIdle, IDLE_RELEASE_MS)
    // Kept memory must not keep a stopping server's event loop alive.
    release.unref()
  } else {
    release.refresh()
  }
}

/** Chunks kept unused, for tests. */
export function idleChunks (): number {
  return idle.length
}
