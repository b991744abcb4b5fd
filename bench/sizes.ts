import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
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

/** One chunk of the dashboard build as Vite's manifest (dist/dashboard/.vite/manifest.json) lists it. */
type ManifestChunk = { file: string; name?: string; isEntry?: boolean; imports?: string[]; dynamicImports?: string[]; css?: string[] }
type Manifest = Record<string, ManifestChunk>

function dashboardManifest(root: string): Manifest {
  const path = join(root, 'dist/dashboard/.vite/manifest.json')
  if (!existsSync(path)) throw new Error(`${path} is missing: run npm run build`)
  return JSON.parse(readFileSync(path, 'utf8')) as Manifest
}

/**
 * The files a chunk needs before it runs: its own script, the chunks it imports statically
 * (the browser fetches them before running it, preload or not), recursively, and their
 * stylesheets. `have` is what an earlier step already loaded.
 */
function staticFiles(manifest: Manifest, key: string, have: ReadonlySet<string>, into = new Set<string>(), seen = new Set<string>()): Set<string> {
  if (seen.has(key)) return into
  seen.add(key)
  const chunk = manifest[key]
  if (!chunk) throw new Error(`${key} is not in the dashboard manifest`)
  for (const file of [chunk.file, ...(chunk.css ?? [])]) if (!have.has(file)) into.add(file)
  for (const next of chunk.imports ?? []) staticFiles(manifest, next, have, into, seen)
  return into
}

const entryKey = (manifest: Manifest) => {
  const key = Object.keys(manifest).find((k) => manifest[k]!.isEntry)
  if (!key) throw new Error('the dashboard manifest has no entry')
  return key
}

/**
 * The dashboard's first screen (SPEC §14: ≤ 60 KB gzip of JS and CSS): the entry's script and
 * stylesheet and the chunks the entry imports statically. Screens behind sign-in and the
 * password meter are separate chunks, listed with their own sizes.
 */
export function dashboardFirstScreen(root: string): { gzip: number; files: Array<{ name: string; gzip: number }>; lazy: Array<{ name: string; gzip: number }> } {
  const dir = join(root, 'dist/dashboard')
  const manifest = dashboardManifest(root)
  const refs = [...staticFiles(manifest, entryKey(manifest), new Set())]
  const files = refs.map((name) => ({ name, gzip: gzipSize(readFileSync(join(dir, name))) }))
  const lazy = readdirSync(join(dir, 'assets'))
    .map((name) => `assets/${name}`)
    .filter((name) => !refs.includes(name))
    .map((name) => ({ name, gzip: gzipSize(readFileSync(join(dir, name))) }))
  return { gzip: files.reduce((s, f) => s + f.gzip, 0), files, lazy }
}

/** What one dashboard screen loads, gzip bytes of JS and of CSS, and the files. */
export type ScreenSize = { screen: string; js: number; css: number; files: string[] }

/**
 * What each dashboard screen loads (issue 13, "Shown by"), gzip, JS and CSS apart: the entry
 * (sign-in is part of it), then the screen's own lazy chunk with its static imports and
 * stylesheets, and what the screen itself imports lazily once shown (Home's uPlot chart,
 * loaded after its figures). The screens are the entry's lazy imports named `…Page`
 * (dashboard/src/app/App.tsx), so a new screen gets its row by itself; the entry's other lazy
 * imports load only when asked for (the password meter, while a new password is typed).
 */
export function dashboardScreens(root: string): { screens: ScreenSize[]; onDemand: ScreenSize[] } {
  const dir = join(root, 'dist/dashboard')
  const manifest = dashboardManifest(root)
  const entry = entryKey(manifest)
  const first = staticFiles(manifest, entry, new Set())
  const measure = (screen: string, files: Iterable<string>): ScreenSize => {
    const list = [...files]
    const size = (ext: string) => list.filter((f) => f.endsWith(ext)).reduce((s, f) => s + gzipSize(readFileSync(join(dir, f))), 0)
    return { screen, js: size('.js'), css: size('.css'), files: list }
  }
  const screens = [measure('sign-in (the entry)', first)]
  const onDemand: ScreenSize[] = []
  for (const key of manifest[entry]!.dynamicImports ?? []) {
    const chunk = manifest[key]!
    const name = chunk.name ?? key
    const files = staticFiles(manifest, key, first)
    if (!name.endsWith('Page')) {
      onDemand.push(measure(name, files))
      continue
    }
    const later = chunk.dynamicImports ?? []
    for (const next of later) staticFiles(manifest, next, first, files)
    screens.push(measure(later.length ? `${name} + ${later.map((k) => manifest[k]!.name ?? k).join(' + ')}` : name, [...first, ...files]))
  }
  return { screens, onDemand }
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

const kb = (bytes: number) => `${(bytes / 1024).toFixed(2)} KB`
const verdict = (ok: boolean) => (ok ? 'meets' : 'MISSES')

/**
 * The bench table's size rows (metric, measured, goal, verdict) and the lines that say which
 * files they counted: `npm run bench` prints them with the rest, `tsx bench/sizes.ts` alone.
 */
export function sizeRows(root: string): { rows: Array<[string, string, string, string]>; lines: string[] } {
  const rows: Array<[string, string, string, string]> = []
  const widget = widgetSize(root)
  rows.push(['widget script, gzip (dist/widget/merchant.js)', `${kb(widget.gzip)} (${kb(widget.raw)} raw)`, '≤ 3 KB', verdict(widget.gzip <= 3 * 1024)])
  const path = criticalPath(root)
  rows.push(['hosted page critical path, gzip (HTML + JS + CSS at start)', kb(path.gzip), '≤ 20 KB', verdict(path.gzip <= 20 * 1024)])
  rows.push(['  of which before the first paint (the HTML, CSS inline; + session and catalogue per answer)', kb(path.firstPaint), '—', '—'])
  rows.push(['  the same uncompressed', kb(path.files.reduce((s, f) => s + f.raw, 0)), '—', '—'])
  const dashboard = dashboardFirstScreen(root)
  rows.push(['dashboard first screen (sign-in), gzip JS + CSS', kb(dashboard.gzip), '≤ 60 KB', verdict(dashboard.gzip <= 60 * 1024)])
  const home = dashboardHome(root)
  rows.push(['  Home after sign-in (its figures), gzip JS + CSS', kb(home.gzip), '—', '—'])
  rows.push(['  + Home\'s chart, loaded once the figures show', kb(home.later.gzip), '—', '—'])
  const { screens, onDemand } = dashboardScreens(root)
  rows.push(['dashboard JS per screen (gzip): the entry + the screen\'s chunks', 'JS + CSS = total', '—', '—'])
  for (const s of screens) rows.push([`  ${s.screen}`, `${kb(s.js)} + ${kb(s.css)} = ${kb(s.js + s.css)}`, '—', '—'])
  for (const s of onDemand) rows.push([`  on demand: ${s.screen} (besides the screen)`, `${kb(s.js)} + ${kb(s.css)} = ${kb(s.js + s.css)}`, '—', '—'])
  return {
    rows,
    lines: [
      `  critical path: ${path.files.map((f) => `${f.name} ${kb(f.gzip)}`).join(', ')}`,
      `  dashboard first screen: ${dashboard.files.map((f) => `${f.name} ${kb(f.gzip)}`).join(', ')}`,
      `  dashboard Home: ${home.files.join(', ')}; later ${home.later.files.join(', ')}`,
    ],
  }
}

// `tsx bench/sizes.ts`: the size rows alone, from the dist/ there is (run `npm run build` first).
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const root = fileURLToPath(new URL('..', import.meta.url))
  const { rows, lines } = sizeRows(root)
  for (const line of lines) process.stdout.write(`${line}\n`)
  const widths = [0, 1, 2, 3].map((i) => Math.max(...[['metric', 'measured', 'goal', 'verdict'], ...rows].map((r) => r[i]!.length)))
  for (const row of [['metric', 'measured', 'goal', 'verdict'], widths.map((w) => '-'.repeat(w)), ...rows]) {
    process.stdout.write(`| ${row.map((cell, i) => cell.padEnd(widths[i]!)).join(' | ')} |\n`)
  }
}
