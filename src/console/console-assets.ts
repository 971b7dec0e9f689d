/**
 * The console's page and scripts: plain files under src/console/assets/, committed as
 * they are served (no front-end build). They are found next to this module when it runs
 * from src/ (tsx), or in the package's src/console/assets/ when it runs from dist/ (tsc
 * compiles TypeScript only), and read into memory once: they are a few tens of KiB.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { extname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml'
}

export interface Asset {
  readonly contentType: string
  readonly body: Buffer
}

function assetsDirectory (): string {
  const candidates = [
    fileURLToPath(new URL('./assets/', import.meta.url)),
    // dist/src/console/ -> src/console/assets/
    fileURLToPath(new URL('../../../src/console/assets/', import.meta.url))
  ]
  const found = candidates.find((dir) => existsSync(join(dir, 'index.html')))
  if (found === undefined) throw new Error(`the web console's files are missing (looked in ${candidates.join(' and ')}); run with --no-console to start without it`)
  return found
}

/** Every asset by its path under assets/ (`index.html`, `views/streams.js`). */
export function loadAssets (): ReadonlyMap<string, Asset> {
  const dir = assetsDirectory()
  const assets = new Map<string, Asset>()
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue
    const contentType = CONTENT_TYPES[extname(entry.name)]
    if (contentType === undefined) continue
    const full = join(entry.parentPath, entry.name)
    const name = full.slice(dir.length).split(/[\\/]/).filter((p) => p !== '').join('/')
    assets.set(name, { contentType, body: readFileSync(full) })
  }
  return assets
}
