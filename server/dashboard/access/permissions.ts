import type { Role } from '../../../protocol/schemas/dashboard/common.ts'
import type { Permission } from '../../../protocol/schemas/dashboard/permissions.ts'

/**
 * What each role may do (SPEC §14). The server checks this on every call; the role × endpoint
 * test states the expected answers literally rather than reading this table.
 * Developers get no `home.read`: the home screen is money, and SPEC §14 gives them none.
 * Hint: `platform` operators see every organisation but change no merchant's settings or team;
 * money moves only by owners and managers (SPEC §14: admins and developers run settings, not money).
 * Connecting a project to a real acquirer is for owners and admins only (issue 14): it decides
 * where live money goes, which a developer's project settings do not.
 * Asking to go live is the owner's (issue 13 item 7): it hands the organisation's documents to
 * the platform and commits it to live money; deciding is the platform's alone.
 * The organisation's own settings (the large-refund threshold) are the owners' and admins';
 * the routes also refuse an admin narrowed to some projects, since the setting spans them all.
 */
export const ROLE_PERMISSIONS = {
  owner: ['home.read', 'projects.read', 'projects.create', 'projects.settings', 'projects.limits', 'projects.secret', 'projects.connect', 'projects.golive', 'team.read', 'team.manage', 'journal.read', 'payments.read', 'payments.manage', 'org.settings'],
  admin: ['home.read', 'projects.read', 'projects.create', 'projects.settings', 'projects.limits', 'projects.secret', 'projects.connect', 'team.read', 'team.manage', 'journal.read', 'payments.read', 'org.settings'],
  manager: ['home.read', 'projects.read', 'payments.read', 'payments.manage'],
  viewer: ['home.read', 'projects.read', 'payments.read'],
  developer: ['projects.read', 'projects.settings', 'projects.secret', 'payments.read'],
  platform: ['home.read', 'projects.read', 'team.read', 'journal.read', 'payments.read', 'platform.manage'],
} as const satisfies Record<Role, readonly Permission[]>

/** Tells whether `role` grants `permission`. */
export function roleCan(role: Role, permission: Permission): boolean {
  return (ROLE_PERMISSIONS[role] as readonly Permission[]).includes(permission)
}
