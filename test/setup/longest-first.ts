import { relative } from 'node:path'
import { BaseSequencer, type TestSpecification } from 'vitest/node'

// The suite is bound by waiting (browsers, child servers, PostgreSQL, timers), not by CPU: at
// two workers the vitest processes used under one core. With more workers the run's length is
// set by how files are packed, and a long file started last finishes alone. So the longest
// files start first (longest-processing-time-first packing), in an order committed here
// because CI starts from a fresh clone without vitest's timing cache. Measured on 2 cores:
// seconds of the file's own tests; a file not listed runs after these, larger files first.
const LONGEST = [
  'test/e2e/crash-harness.test.ts', // 162
  'test/server/dashboard/role-access.test.ts', // 60
  'test/e2e/dashboard-cli.test.ts', // 58
  'test/e2e/two-process.test.ts', // 57
  'test/e2e/crash-windows.test.ts', // 55
  'test/server/cli/project-connect.test.ts', // 50
  'test/e2e/api-docs.test.ts', // 50
  'test/e2e/gate-crash-retry.test.ts', // 50
  'test/e2e/dashboard.test.ts', // 44
  'test/e2e/accessibility.test.ts', // 44
  'test/server/cli/project-command.test.ts', // 43
  'test/server/dashboard/sign-in.test.ts', // 41
  'test/e2e/dashboard-onboarding.test.ts', // 40
  'test/e2e/crash-recovery.test.ts', // 36
  'test/server/gate/operations-property.test.ts', // 31
  'test/server/dashboard/payment-exports.test.ts', // 30
  'test/e2e/upstream-gateway.test.ts', // 29
  'test/server/dashboard/sign-in-throttle.test.ts', // 29
  'test/fuzz/page-api.test.ts', // 28
  'test/e2e/flows.test.ts', // 27
  'test/server/dashboard/security.test.ts', // 27
  'test/server/dashboard/notifications.test.ts', // 25
  'test/e2e/dashboard-payments.test.ts', // 24
  'test/server/dashboard/home-totals.test.ts', // 22
  'test/server/storage/project-changes.test.ts', // 19
]

export class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files)
    const rank = (spec: TestSpecification) => {
      const at = LONGEST.indexOf(relative(spec.project.config.root, spec.moduleId))
      return at === -1 ? LONGEST.length : at
    }
    // Array.prototype.sort is stable: unlisted files keep the base order (larger files first).
    return sorted.sort((a, b) => a.project.config.sequence.groupOrder - b.project.config.sequence.groupOrder || rank(a) - rank(b))
  }
}
