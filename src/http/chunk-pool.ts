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
let release: NodeJS.Timeout | undefined

/** A chunk of POOLED_CHUNK_BYTES, not zeroed: a kept one or a new one. */
export function takeChunk (): Buffer {
  const kept = idle.pop()
  if (kept !== undefined) return kept
  const chunk = Buffer.allocUnsafeSlow(POOLED_CHUNK_BYTES)
  made.add(chunk.buffer)
  return chunk
}

/**
 * Takes back the pooled chunks among `views` (slices of chunks, or other buffers, which are
 * left alone). The caller must not touch them again, and nothing else may hold them: a
 * taken-back chunk is written over by the next large response.
 */
export function returnChunks (views: readonly Buffer[]): void {
  const seen = new Set<ArrayBufferLike>()
  for (const view of views) {
    const memory = view.buffer
    if (!made.has(memory) || seen.has(memory)) continue
    seen.add(memory)
    if (idle.length < MAX_IDLE_CHUNKS) idle.push(Buffer.from(memory, 0, POOLED_CHUNK_BYTES))
  }
  clearTimeout(release)
  release = setTimeout(() => { idle.length = 0 }, IDLE_RELEASE_MS)
  // Kept memory must not keep a stopping server's event loop alive.
  release.unref()
}

/** Chunks kept unused, for tests. */
export function idleChunks (): number {
  return idle.length
}
