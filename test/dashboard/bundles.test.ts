import { execFileSync } from 'node:child_process'
import { readFileSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'

const ROOT = join(import.meta.dirname, '../..')

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? files(path) : /\.(js|mjs|css|html)$/.test(name) ? [path] : []
  })
}
const text = (dir: string) => files(join(ROOT, dir)).map((path) => ({ path: path.slice(ROOT.length + 1), body: readFileSync(path, 'utf8') }))

// SPEC §14: the dashboard is an app of its own and never part of the hosted page's or the
// widget's bundles. Marks of dashboard code: its API prefix, its CSRF header, its screens.
const MARKS = ['/api/dashboard', 'x-epay-csrf', 'dashboard/sign-in', 'recovery_codes']

describe('bundles', () => {
  it('keep the dashboard out of the hosted page and the widget', () => {
    execFileSync(process.execPath, ['scripts/build-if-needed.mjs'], { cwd: ROOT, stdio: 'pipe' })
    const dashboard = text('dist/dashboard').map((f) => f.body).join('\n')
    for (const mark of MARKS) expect(dashboard, mark).toContain(mark)
    const found = [...text('dist/page'), ...text('dist/widget')].flatMap((f) => MARKS.filter((m) => f.body.includes(m)).map((m) => `${f.path}: ${m}`))
    expect(found).toEqual([])
    // It may build first (build-if-needed), which takes longer than a unit test's 5 s.
  }, 120_000)
})
