import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { extname, join } from 'node:path'

/** The built dashboard (dist/dashboard): its index.html and hashed files. */
export type DashboardAssets = { html: string; files: ReadonlyMap<string, { body: ArrayBuffer; type: string }> }

const TYPES: Record<string, string> = { '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.svg': 'image/svg+xml' }

/** Reads dist/dashboard once; undefined when it is not built (the page then answers 503). */
export function loadDashboardAssets(root: string): DashboardAssets | undefined {
  const dir = join(root, 'dist/dashboard')
  if (!existsSync(join(dir, 'index.html'))) return undefined
  const files = new Map<string, { body: ArrayBuffer; type: string }>()
  const assets = join(dir, 'assets')
  if (existsSync(assets)) {
    for (const name of readdirSync(assets)) {
      const buf = readFileSync(join(assets, name))
      files.set(name, { body: buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer, type: TYPES[extname(name)] ?? 'application/octet-stream' })
    }
  }
  return { html: readFileSync(join(dir, 'index.html'), 'utf8'), files }
}
