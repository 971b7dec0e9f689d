/**
 * A real browser for the tests: Debian's chromium (apt-get install -y chromium), driven by
 * playwright-core, which can download no browser of its own here. Where chromium is
 * missing, browser tests skip and say why.
 */
import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { BrowserContext, Page } from 'playwright-core'
import { REPO_ROOT } from './child-server.js'

export const CHROMIUM = '/usr/bin/chromium'
/** Screenshots for review; test/output/ is not committed. */
export const SCREENSHOTS = join(REPO_ROOT, 'test', 'output')
// No sandbox: the tests run as root in a container; nothing reaches out to Google's services.
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync']

/** Why `what` cannot run here (printed once), or undefined when chromium is installed. */
export function browserMissing (what: string): string | undefined {
  if (existsSync(CHROMIUM)) return undefined
  const reason = `${CHROMIUM} is missing (apt-get install -y chromium)`
  console.warn(`skipping ${what}: ${reason}`)
  return reason
}

export interface TestBrowser {
  readonly context: BrowserContext
  readonly page: Page
  /** Saves a full-page screenshot as test/output/<name>.png. */
  screenshot (name: string): Promise<void>
  close (): Promise<void>
}

/** A fresh headless chromium with its own profile directory, and one page. */
export async function openBrowser (viewport?: { width: number, height: number }): Promise<TestBrowser> {
  const profile = await mkdtemp(join(tmpdir(), 'shardline-chromium-'))
  const { chromium } = await import('playwright-core')
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: FLAGS, ...(viewport === undefined ? {} : { viewport }) })
  const page = await context.newPage()
  page.setDefaultTimeout(10_000)
  return {
    context,
    page,
    screenshot: async (name) => {
      await mkdir(SCREENSHOTS, { recursive: true })
      await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true })
    },
    close: async () => {
      await context.close()
      await rm(profile, { recursive: true, force: true })
    }
  }
}
