import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'

type Node = { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount?: number }

/**
 * Where the server spent its CPU, from the `.cpuprofile` files in `dir` (node --cpu-prof): shares
 * of busy time by area (PGlite, crypto, HTTP…) and the functions with the most self time.
 */
export function summariseProfile(dir: string, window?: { from: number; to: number }): { areas: Array<{ area: string; share: number }>; functions: Array<{ name: string; share: number }> } {
  const totals = new Map<string, number>()
  const functions = new Map<string, number>()
  let all = 0
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'))) {
    const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as { nodes: Node[]; startTime: number; samples: number[]; timeDeltas: number[] }
    // Samples carry CLOCK_MONOTONIC microseconds, the clock process.hrtime reads in any process,
    // so only the load window counts (not start-up, not the warm-up's first compile).
    const counted = new Map<number, number>()
    let at = profile.startTime
    profile.samples.forEach((id, i) => {
      at += profile.timeDeltas[i] ?? 0
      if (!window || (at >= window.from && at <= window.to)) counted.set(id, (counted.get(id) ?? 0) + 1)
    })
    for (const node of profile.nodes) {
      const hits = counted.get(node.id) ?? 0
      const area = areaOf(node.callFrame)
      if (area === '(idle)' || hits === 0) continue
      totals.set(area, (totals.get(area) ?? 0) + hits)
      const { functionName, url, lineNumber } = node.callFrame
      const name = `${functionName || '(anonymous)'} ${url ? `${url.replace(/^.*\/(node_modules|main)\//, '').replace(/^file:\/\//, '')}:${lineNumber + 1}` : ''}`.trim()
      functions.set(name, (functions.get(name) ?? 0) + hits)
      all += hits
    }
  }
  const shares = (map: Map<string, number>) => [...map].map(([key, hits]) => ({ key, share: hits / Math.max(1, all) })).sort((a, b) => b.share - a.share)
  return {
    areas: shares(totals).map(({ key, share }) => ({ area: key, share })),
    functions: shares(functions).map(({ key, share }) => ({ name: key, share })),
  }
}

function areaOf(frame: Node['callFrame']): string {
  const { url, functionName } = frame
  if (!url) return functionName === '(idle)' ? '(idle)' : functionName === '(garbage collector)' ? 'garbage collection' : functionName === '(program)' ? 'V8/native (program)' : `native ${functionName || '(anonymous)'}`
  if (url.includes('@electric-sql/pglite') || url.startsWith('wasm://')) return 'PGlite (WASM PostgreSQL)'
  if (url.includes('node_modules/pg')) return 'pg driver'
  if (url.includes('node_modules/jose')) return 'jose (session JWS)'
  if (url.includes('node_modules/hono') || url.includes('@hono')) return 'Hono + node-server'
  if (url.includes('node_modules/valibot')) return 'valibot'
  if (url.includes('node_modules/tsx') || url.includes('esbuild')) return 'tsx loader'
  if (url.startsWith('node:')) {
    const module = url.replace(/^node:(internal\/)?/, '').split('/')[0]!
    return module === 'crypto' ? 'Node crypto (HMAC, random)' : module === 'http' || module === '_http_server' || module === '_http_outgoing' || module === 'streams' || module === 'stream' || module === 'net' ? 'Node HTTP/streams' : `Node ${module}`
  }
  const server = /\/(server|protocol)\/(.*)$/.exec(url)
  if (server) return `EPay ${server[1]}/${server[2]!.split('/').slice(0, -1).join('/') || '.'}`
  return url.replace(/^.*node_modules\//, '')
}
