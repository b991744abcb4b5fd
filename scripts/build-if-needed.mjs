// Builds the hosted page, the widget and the dashboard when their output is missing or older than the
// sources, so `npm start` and `npm test` work on a fresh clone with no separate build step.
import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'

const root = new URL('..', import.meta.url).pathname

function newest(path) {
  if (!existsSync(path)) return 0
  const stat = statSync(path)
  if (!stat.isDirectory()) return stat.mtimeMs
  return Math.max(0, ...readdirSync(path).map((name) => newest(join(path, name))))
}

const targets = [
  { out: 'dist/page/index.html', sources: ['hosted-page', 'protocol', 'vite.config.ts'], args: ['vite', 'build'] },
  { out: 'dist/widget/merchant.js', sources: ['widget', 'protocol', 'vite.config.ts'], args: ['vite', 'build', '--mode', 'widget'] },
  { out: 'dist/dashboard/index.html', sources: ['dashboard', 'protocol', 'vite.config.ts'], args: ['vite', 'build', '--mode', 'dashboard'] },
]
for (const { out, sources, args } of targets) {
  const built = newest(join(root, out))
  const source = Math.max(...sources.map((s) => newest(join(root, s))))
  if (built > source) continue
  process.stdout.write(`building ${out}…\n`)
  execFileSync('npx', ['--no-install', ...args, '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' })
}
