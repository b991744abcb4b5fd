import { defineConfig } from 'vitest/config'

const CRASH_SUITES = ['test/e2e/crash-harness.test.ts', 'test/e2e/two-process.test.ts', 'test/e2e/crash-recovery.test.ts', 'test/e2e/gate-crash-retry.test.ts', 'test/e2e/upstream-gateway.test.ts']

// One run: server code in node, the page and the widget in jsdom, the browser and process suites
// beside them (two workers: browser suites mostly wait, the server suites mostly compute), then
// the crash campaigns alone.
export default defineConfig({
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  test: {
    // CI also writes a JSON report, summarised by .ci/run as one plain closing line.
    reporters: process.env['CI'] ? ['default', ['json', { outputFile: '.tmp/vitest-report.json' }]] : ['default'],
    // Vitest's default is one worker fewer than the cores: one, on the 2-core machines this runs on.
    maxWorkers: 2,
    projects: [
      {
        extends: true,
        test: {
          name: 'server',
          environment: 'node',
          include: ['test/server/**/*.test.ts', 'test/protocol/**/*.test.ts', 'test/fuzz/**/*.test.ts'],
          globalSetup: ['test/setup/pglite-templates.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'dom',
          environment: 'jsdom',
          include: ['test/hosted-page/**/*.test.{ts,tsx}', 'test/widget/**/*.test.ts', 'test/dashboard/**/*.test.{ts,tsx}'],
          setupFiles: ['test/setup/dom.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          environment: 'node',
          // One retry for the browser and process suites only: on 2 busy cores a browser step can
          // time out once; a real failure fails twice. Each retry is printed, and a flake seen in
          // CI is reported on the issue rather than hidden.
          retry: 1,
          // Files that mark their tests concurrent (each test its own page and payment) run
          // three at a time: enough to overlap the simulated latencies, few enough for 2 cores.
          maxConcurrency: 3,
          include: ['test/e2e/**/*.test.ts'],
          exclude: CRASH_SUITES,
          globalSetup: ['test/setup/pglite-templates.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
      {
        extends: true,
        test: {
          // The SIGKILL campaigns time their kills against real restarts: they run last, two at a
          // time (each its own data directory, schema and ports), with the machine to themselves.
          name: 'crash',
          environment: 'node',
          retry: 1,
          include: CRASH_SUITES,
          globalSetup: ['test/setup/pglite-templates.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          maxWorkers: 2,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
})
