/**
 * What a dashboard user may do. The server grants these per role (server/dashboard/access/)
 * and checks them on every call; `GET /me` lists them so the UI hides what would be refused.
 */
export const PERMISSIONS = [
  'home.read',
  'projects.read',
  'projects.create',
  'projects.settings',
  'projects.limits',
  'projects.secret',
  /** Connect a project to an upstream gateway (a real acquirer: live money), or disconnect it. */
  'projects.connect',
  /** Upload documents and ask a platform operator to switch a project to live (issue 13 item 7). */
  'projects.golive',
  'team.read',
  'team.manage',
  'journal.read',
  'payments.read',
  'payments.manage',
  /** The organisation's own settings, for all its projects: the large-refund threshold of notifications. */
  'org.settings',
  /** Platform operators: organisations, go-live decisions, suspension. */
  'platform.manage',
] as const
export type Permission = (typeof PERMISSIONS)[number]
