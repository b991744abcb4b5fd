import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { gzipSync } from 'node:zlib'
import { beforeAll, describe, expect, it } from 'vitest'
import type { EPayWidgetApi } from '../../widget/src/types.ts'
import { EPAY, aConfig } from './fixtures.ts'
import { describeWidget } from './widget.contract.ts'

const ROOT = join(import.meta.dirname, '../..')
const IIFE = join(ROOT, 'dist/widget/merchant.js')
const ESM = join(ROOT, 'dist/widget/merchant.mjs')
/** SPEC §11: the embed script stays within 3 KB gzip. */
const GZIP_BUDGET = 3072

function newest(path: string): number {
  const stat = statSync(path)
  return stat.isDirectory() ? Math.max(0, ...readdirSync(path).map((name) => newest(join(path, name)))) : stat.mtimeMs
}

/** Builds the widget when dist/ is missing or older than its sources; a failed build fails the suite. */
function buildIfStale(): void {
  const source = Math.max(newest(join(ROOT, 'widget')), newest(join(ROOT, 'vite.config.ts')))
  if (existsSync(IIFE) && existsSync(ESM) && newest(IIFE) > source && newest(ESM) > source) return
  execFileSync('npx', ['--no-install', 'vite', 'build', '--mode', 'widget', '--logLevel', 'warn'], { cwd: ROOT, stdio: 'pipe' })
}

/** jsdom's own window: a script element runs there, as in a browser (vitest exposes it as `jsdom`). */
const pageWindow = () => (globalThis as unknown as { jsdom: { window: Window & { EPayWidget?: EPayWidgetApi } } }).jsdom.window

let code = ''
let global: EPayWidgetApi | undefined
let esm: EPayWidgetApi | undefined

beforeAll(async () => {
  buildIfStale()
  code = readFileSync(IIFE, 'utf8')
  const script = document.createElement('script')
  script.textContent = code
  document.head.append(script)
  global = pageWindow().EPayWidget
  esm = (await import(/* @vite-ignore */ pathToFileURL(ESM).href)) as EPayWidgetApi
}, 120_000)

describe('dist/widget/merchant.js', () => {
  it(`is at most ${GZIP_BUDGET} bytes gzipped`, () => {
    const size = gzipSync(code, { level: 9 }).length
    expect(size).toBeLessThanOrEqual(GZIP_BUDGET)
  })

  it('uses no eval, Function constructor, innerHTML, <style> or "*" target origin', () => {
    expect(code).not.toMatch(/\beval\s*\(|new Function|Function\(|innerHTML|outerHTML|insertAdjacentHTML|document\.write/)
    expect(code).not.toMatch(/createElement\(\s*[`'"]style/)
    expect(code).not.toMatch(/postMessage\([^)]*,\s*[`'"]\*[`'"]\s*\)/)
  })

  it('is pure ASCII, so a copy served without charset=utf-8 still shows its text right', () => {
    expect(code).toMatch(/^[\x00-\x7f]*$/)
  })

  it('defines window.EPayWidget with the API of ECommPay\'s merchant.js when loaded as a script', () => {
    expect(global).toBeDefined()
    expect(Object.keys(global!).sort()).toEqual(['bind', 'closePopup', 'create', 'run', 'runEmbedded'])
    for (const name of ['run', 'bind', 'create', 'runEmbedded', 'closePopup'] as const) expect(typeof global![name]).toBe('function')
  })

  it('runs: opens a frame and fires a callback for a valid message (smoke)', () => {
    const seen: unknown[] = []
    const instance = global!.run(aConfig({ onPaymentSuccess: (data) => seen.push(data) }))
    const frame = document.querySelector('iframe')!
    const guid = new URL(frame.src).searchParams.get('_guid')
    const data = { payment_id: 'order-1001', status: 'success' }
    window.dispatchEvent(new MessageEvent('message', { origin: EPAY, source: frame.contentWindow, data: { message: 'epframe.payment.success', guid, data } }))
    expect(seen).toEqual([data])
    instance.destroy()
    expect(document.querySelector('iframe')).toBeNull()
  })
})

describe('dist/widget/merchant.mjs', () => {
  it('finds EPay from its own URL (import.meta.url) when loaded as a module', () => {
    expect(readFileSync(ESM, 'utf8')).toContain('import.meta.url')
  })

  it('exports the API of ECommPay\'s merchant.js', () => {
    expect(Object.keys(esm!).filter((k) => typeof esm![k as keyof EPayWidgetApi] === 'function').sort()).toEqual(['bind', 'closePopup', 'create', 'run', 'runEmbedded'])
  })
})

describeWidget('dist/widget/merchant.js', () => global!)
describeWidget('dist/widget/merchant.mjs', () => esm!)
