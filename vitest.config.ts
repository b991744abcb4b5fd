import { defineConfig } from 'vitest/config'
import { LongestFirst } from './test/setup/longest-first.ts'

const CRASH_SUITES = ['test/e2e/crash-harness.test.ts', 'test/e2e/two-process.test.ts', 'test/e2e/crash-recovery.test.ts', 'test/e2e/gate-crash-retry.test.ts', 'test/e2e/upstream-gateway.test.ts']

// One run: server code in node, the page and the widget in jsdom, the browser and process suites
// beside them in one pool, longest files first (test/setup/longest-first.ts); then the SIGKILL
// campaigns, which time kills against real restarts and failed their retry budgets when they ran
// beside everything else.
export default defineConfig({
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  test: {
    // CI also writes a JSON report, summarised by .ci/run as one plain closing line.
    reporters: process.env['CI'] ? ['default', ['json', { outputFile: '.tmp/vitest-report.json' }]] : ['default'],
    // Four workers on 2 cores: the suites mostly wait (browsers, child servers, PostgreSQL,
    // timers); at two workers the vitest processes used under one core and the run took 21 min.
    maxWorkers: 4,
    sequence: { sequencer: LongestFirst },
    projects: [
      {
        extends: true,
        test: {
          name: 'server',
          environment: 'node',
          include: ['test/server/**/*.test.ts', 'test/protocol/**/*.test.ts', 'test/fuzz/**/*.test.ts'],
          globalSetup: ['test/setup/pglite-templates.ts'],
          // Files share a worker's modules: each file re-importing the server cost more CPU than
          // its tests. Safe because nothing here mocks modules or stubs globals, and every file
          // composes its own app, database and clock.
          isolate: false,
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
          // As the server project: no mocks, no stubbed globals; each file starts its own servers.
          isolate: false,
          globalSetup: ['test/setup/pglite-templates.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
      {
        extends: true,
        test: {
          // The SIGKILL campaigns run last, three at a time (each its own data directory, schema
          // and ports), with the machine otherwise to themselves.
          name: 'crash',
          environment: 'node',
          retry: 1,
          include: CRASH_SUITES,
          isolate: false,
          maxWorkers: 3,
          sequence: { groupOrder: 1 },
          globalSetup: ['test/setup/pglite-templates.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
})
