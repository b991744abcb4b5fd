import { readFileSync, readdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { inlineStylesheets } from '../server/assets.ts'

/** Bytes of `data` gzipped at level 9, as a CDN or `compression` would serve it. */
export function gzipSize(data: Uint8Array | string): number {
  return gzipSync(data, { level: 9 }).length
}

/** The widget bundle (SPEC §11: ≤ 3 KB gzip). */
export function widgetSize(root: string): { raw: number; gzip: number } {
  const bytes = readFileSync(join(root, 'dist/widget/merchant.js'))
  return { raw: bytes.length, gzip: gzipSize(bytes) }
}

/**
 * The hosted page's critical path: index.html and every script, stylesheet and module preload
 * it references, plus the chunks those scripts import statically (the browser cannot run the
 * page without them), each gzipped on its own (as they are served). Chunks the page imports
 * later with import() (other locales, the contract, screens after the form) are not on it.
 */
export function criticalPath(root: string): { files: Array<{ name: string; raw: number; gzip: number }>; gzip: number; firstPaint: number } {
  const dir = join(root, 'dist/page')
  // As served: the stylesheets inline (server/assets.ts), so the HTML alone paints.
  const pageFiles = new Map(readdirSync(join(dir, 'assets')).map((name) => [name, { body: new Uint8Array(readFileSync(join(dir, 'assets', name))).buffer as ArrayBuffer, type: '' }]))
  const html = inlineStylesheets(readFileSync(join(dir, 'index.html'), 'utf8'), pageFiles)
  const refs = [...html.matchAll(/<(?:script[^>]*\ssrc|link[^>]*\shref)="\/page\/([^"]+)"/g)].map((m) => m[1]!)
  const names = new Set(refs)
  for (const name of names) {
    if (!name.endsWith('.js')) continue
    const code = readFileSync(join(dir, name), 'utf8')
    // Static imports only (`import … from "./x.js"`, `import "./x.js"`); import("./x.js") is later.
    for (const m of code.matchAll(/(?:\bfrom|\bimport)\s*["'`]\.\/([\w.-]+\.js)["'`]/g)) names.add(join(dirname(name), m[1]!))
  }
  const files = [{ name: 'index.html (CSS inline)', bytes: Buffer.from(html) }, ...[...names].map((name) => ({ name, bytes: readFileSync(join(dir, name)) }))]
    .map(({ name, bytes }) => ({ name, raw: bytes.length, gzip: gzipSize(bytes) }))
  return { files, gzip: files.reduce((s, f) => s + f.gzip, 0), firstPaint: files[0]!.gzip }
}

/**
 * The dashboard's first screen (SPEC §14: ≤ 60 KB gzip of JS and CSS): index.html and the
 * script and stylesheet it references. Screens behind sign-in and the password meter are
 * separate chunks, listed with their own sizes.
 */
export function dashboardFirstScreen(root: string): { gzip: number; files: Array<{ name: string; gzip: number }>; lazy: Array<{ name: string; gzip: number }> } {
  const dir = join(root, 'dist/dashboard')
  const html = readFileSync(join(dir, 'index.html'), 'utf8')
  const refs = [...html.matchAll(/<(?:script[^>]*\ssrc|link[^>]*\shref)="\/dashboard\/([^"]+)"/g)].map((m) => m[1]!)
  const files = refs.map((name) => ({ name, gzip: gzipSize(readFileSync(join(dir, name))) }))
  const lazy = readdirSync(join(dir, 'assets'))
    .map((name) => `assets/${name}`)
    .filter((name) => !refs.includes(name))
    .map((name) => ({ name, gzip: gzipSize(readFileSync(join(dir, name))) }))
  return { gzip: files.reduce((s, f) => s + f.gzip, 0), files, lazy }
}

/**
 * The screen signed-in users land on (Home): the first screen's files, then the Home chunk and
 * the chunks it imports statically; `later` is what Home loads once its figures are shown (the
 * chart, lazily, with its stylesheet).
 */
export function dashboardHome(root: string): { gzip: number; files: string[]; later: { gzip: number; files: string[] } } {
  const dir = join(root, 'dist/dashboard')
  const first = dashboardFirstScreen(root)
  const have = new Set(first.files.map((f) => f.name))
  const staticClosure = (start: string, into: Set<string>): void => {
    if (into.has(start) || have.has(start)) return
    into.add(start)
    const code = readFileSync(join(dir, start), 'utf8')
    for (const m of code.matchAll(/(?:from|import)\s*["'`]\.\/([\w.-]+\.js)["'`]/g)) staticClosure(`assets/${m[1]}`, into)
  }
  const chunk = (prefix: string) => {
    const name = readdirSync(join(dir, 'assets')).find((n) => n.startsWith(prefix) && n.endsWith('.js'))
    if (!name) throw new Error(`no ${prefix}*.js in dist/dashboard/assets`)
    return `assets/${name}`
  }
  const home = new Set<string>()
  staticClosure(chunk('HomePage-'), home)
  const later = new Set<string>()
  staticClosure(chunk('HomeChart-'), later)
  for (const name of home) later.delete(name)
  // Stylesheets of lazily imported chunks are named in the importer's dependency map.
  for (const m of readFileSync(join(dir, chunk('HomePage-')), 'utf8').matchAll(/"(assets\/[\w.-]+\.css)"/g)) later.add(m[1]!)
  const size = (names: Iterable<string>) => [...names].reduce((s, n) => s + gzipSize(readFileSync(join(dir, n))), 0)
  return { gzip: first.gzip + size(home), files: [...have, ...home], later: { gzip: size(later), files: [...later] } }
}
