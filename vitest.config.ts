import { defineConfig } from 'vitest/config'

// One run, three environments: server code in node, the page and the widget in jsdom.
export default defineConfig({
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  test: {
    // CI also writes a JSON report, summarised by .ci/run as one plain closing line.
    reporters: process.env['CI'] ? ['default', ['json', { outputFile: '.tmp/vitest-report.json' }]] : ['default'],
    projects: [
      {
        extends: true,
        test: {
          name: 'server',
          environment: 'node',
          include: ['test/server/**/*.test.ts', 'test/protocol/**/*.test.ts', 'test/fuzz/**/*.test.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'dom',
          environment: 'jsdom',
          include: ['test/hosted-page/**/*.test.{ts,tsx}', 'test/widget/**/*.test.ts'],
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
          include: ['test/e2e/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
})
