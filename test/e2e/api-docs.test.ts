import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ROOT, eventually, freePort, serverEnv, startServer, type ServerProcess } from './harness.ts'
import { dataDir } from './data-dir.ts'

/** A fenced block of docs/api.md. */
type Block = { lang: string; text: string; line: number }

// Values that are the same on every run; ids, dates, tokens and URLs differ and are only checked for shape.
const STABLE = new Set(['status', 'code', 'message', 'type', 'amount', 'currency', 'balance', 'commission', 'masked', 'brand', 'method', 'project_id', 'year', 'month', 'holder', 'number', 'description'])

/** Lists where `actual` differs from the documented answer: same keys, same types, stable values equal. */
function differences(actual: unknown, documented: unknown, at = '$', key = ''): string[] {
  if (Array.isArray(documented)) {
    if (!Array.isArray(actual) || actual.length !== documented.length) return [`${at}: documented ${documented.length} items, got ${JSON.stringify(actual)}`]
    return documented.flatMap((d, i) => differences(actual[i], d, `${at}[${i}]`, key))
  }
  if (documented && typeof documented === 'object') {
    if (!actual || typeof actual !== 'object' || Array.isArray(actual)) return [`${at}: documented an object, got ${JSON.stringify(actual)}`]
    const a = actual as Record<string, unknown>
    const d = documented as Record<string, unknown>
    const keys = new Set([...Object.keys(a), ...Object.keys(d)])
    return [...keys].flatMap((k) => (k in d && k in a ? differences(a[k], d[k], `${at}.${k}`, k) : [`${at}.${k}: ${k in d ? 'documented but missing' : 'present but not documented'}`]))
  }
  if (typeof actual !== typeof documented) return [`${at}: documented ${typeof documented}, got ${JSON.stringify(actual)}`]
  if (STABLE.has(key) && actual !== documented) return [`${at}: documented ${JSON.stringify(documented)}, got ${JSON.stringify(actual)}`]
  return []
}

function blocksOf(markdown: string): Block[] {
  return [...markdown.matchAll(/^```(\w+)\n([\s\S]*?)^```$/gm)].map((m) => ({
    lang: m[1]!,
    text: m[2]!,
    line: markdown.slice(0, m.index).split('\n').length,
  }))
}

// The curl examples of the API guide, run as written against a real server (SPEC §9).
describe('docs/api.md examples', () => {
  let server: ServerProcess
  let secret: string
  beforeAll(async () => {
    const port = await freePort()
    // Demo mode, as `npm start`: project 112 is created and its secret printed on first start.
    server = await startServer({ ...serverEnv(port, { dataDir: dataDir('epay-docs-') }), EPAY_DEMO: '1' })
    secret = await eventually(() => /Its secret: (\S+)/.exec(server.output())?.[1], 10_000, 'the printed secret')
  })
  afterAll(() => server?.stop())

  it('answers every example as documented', () => {
    const blocks = blocksOf(readFileSync(join(ROOT, 'docs/api.md'), 'utf8'))
    const [setup, ...rest] = blocks.filter((b) => b.lang === 'sh')
    expect(setup?.text).toContain('gate()')
    const examples = rest.map((block) => {
      const next = blocks[blocks.indexOf(block) + 1]
      return { block, expected: next && (next.lang === 'json' || next.lang === 'text') ? next : undefined }
    })
    expect(examples.length).toBeGreaterThan(15)
    // One shell session, as a reader pastes the page: variables set by one example serve the next.
    const script = [setup!.text, ...examples.map((e, i) => `printf '\\n@@@ ${i}\\n'\n${e.block.text}`)].join('\n')
    const run = spawnSync('bash', ['-c', script], {
      cwd: ROOT,
      encoding: 'utf8',
      // A hang guard: 18 s alone; the whole suite running beside it has made it several times that.
      timeout: 240_000,
      env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '/tmp', EPAY: server.url, EPAY_SECRET: secret },
    })
    expect(run.status, run.stderr).toBe(0)
    const outputs = run.stdout.split(/\n@@@ \d+\n/).slice(1)
    expect(outputs).toHaveLength(examples.length)
    examples.forEach(({ block, expected }, i) => {
      const output = outputs[i]!.trim()
      const where = `docs/api.md:${block.line}`
      if (!expected) return expect(output, where).toBe('')
      if (expected.lang === 'text') return expect(output, where).toBe(expected.text.trim())
      let actual: unknown
      try {
        actual = JSON.parse(output)
      } catch {
        throw new Error(`${where}: the answer is not JSON: ${output}`)
      }
      expect(differences(actual, JSON.parse(expected.text)), where).toEqual([])
    })
  }, 300_000)
})
