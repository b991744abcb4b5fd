import { createHash } from 'node:crypto'
import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { extname, join } from 'node:path'
import type { Assets, Precompressed } from './http/deps.ts'

/** Copies a file into a plain ArrayBuffer (what a Response body takes). */
function readBytes(path: string): ArrayBuffer {
  const buf = readFileSync(path)
  return buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer
}

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.woff2': 'font/woff2',
  '.png': 'image/png',
}

/** The build's .br and .gz beside a file, when both are there. */
function readPrecompressed(path: string): Precompressed | undefined {
  if (!existsSync(`${path}.br`) || !existsSync(`${path}.gz`)) return undefined
  return { br: readFileSync(`${path}.br`), gzip: readFileSync(`${path}.gz`) }
}

/** Reads the built page, widget and demo shop once at start; missing builds fail loudly. */
export function loadAssets(root: string, withDemo: boolean): Assets {
  const pageDir = join(root, 'dist/page')
  const pageIndex = join(pageDir, 'index.html')
  if (!existsSync(pageIndex)) throw new Error('the hosted page is not built: run `npm run build`')
  const pageFiles = new Map<string, { body: ArrayBuffer; type: string }>()
  const assetsDir = join(pageDir, 'assets')
  if (existsSync(assetsDir)) {
    for (const name of readdirSync(assetsDir)) {
      if (name.endsWith('.br') || name.endsWith('.gz')) continue
      const encoded = readPrecompressed(join(assetsDir, name))
      pageFiles.set(name, { body: readBytes(join(assetsDir, name)), type: TYPES[extname(name)] ?? 'application/octet-stream', ...(encoded ? { encoded } : {}) })
    }
  }
  const iifePath = join(root, 'dist/widget/merchant.js')
  const esmPath = join(root, 'dist/widget/merchant.mjs')
  let widget: Assets['widget']
  if (existsSync(iifePath) && existsSync(esmPath)) {
    const iife = readBytes(iifePath)
    const encodedIife = readPrecompressed(iifePath)
    const encodedEsm = readPrecompressed(esmPath)
    widget = {
      iife,
      esm: readBytes(esmPath),
      sha384: `sha384-${createHash('sha384').update(new Uint8Array(iife)).digest('base64')}`,
      ...(encodedIife && encodedEsm ? { encoded: { iife: encodedIife, esm: encodedEsm } } : {}),
    }
  }
  return {
    pageHtml: inlineStylesheets(readFileSync(pageIndex, 'utf8'), pageFiles),
    pageFiles,
    widget,
    demoHtml: withDemo ? readFileSync(join(root, 'index.html'), 'utf8') : undefined,
  }
}

/**
 * Puts the page's stylesheets into the HTML itself: the first paint then needs the one response
 * (on a slow mobile link a second request costs a full round trip, ~0.5 s). The CSS is small
 * (~2 KB gzip) and the same in every answer, so it compresses along with the page.
 */
export function inlineStylesheets(html: string, files: ReadonlyMap<string, { body: ArrayBuffer; type: string }>): string {
  return html.replace(/<link rel="stylesheet"[^>]*href="\/page\/assets\/([^"]+\.css)"[^>]*>/g, (tag, name: string) => {
    const file = files.get(name)
    return file ? `<style>${Buffer.from(file.body).toString('utf8')}</style>` : tag
  })
}
