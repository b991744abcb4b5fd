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
  'team.read',
  'team.manage',
  'journal.read',
  'payments.read',
  'payments.manage',
] as const
export type Permission = (typeof PERMISSIONS)[number]
