import { randomBytes } from 'node:crypto'
import type { Sql } from '../storage/sql.ts'
import { hashPassword } from './auth/password-hash.ts'
import { createUserStore } from './store/user-store.ts'

export const DEMO_ORG_ID = 'org_demo'
export const DEMO_OWNER_EMAIL = 'demo@epay.local'

/** Creates the organisation "Demo" on first start in demo mode; true if it was created now. */
export async function ensureDemoOrg(sql: Sql, now: Date): Promise<boolean> {
  const rows = await sql.query(`INSERT INTO organisations (id, name, created_at) VALUES ($1, 'Demo', $2) ON CONFLICT (id) DO NOTHING RETURNING id`, [DEMO_ORG_ID, now])
  return rows.length > 0
}

/**
 * Links project 112 to "Demo" (a data directory from before organisations has it in
 * "Default") and creates its owner demo@epay.local with a random password, printed once next
 * to the project secret so `npm start` leads straight into the dashboard (SPEC §14).
 */
export async function ensureDemoOwner(sql: Sql, options: { projectId: number; orgCreated: boolean; publicUrl: string; now: Date; write: (text: string) => void }): Promise<void> {
  if (options.orgCreated) await sql.query('UPDATE projects SET org_id = $1 WHERE id = $2', [DEMO_ORG_ID, options.projectId])
  const users = createUserStore(sql)
  if (await users.byEmail(DEMO_OWNER_EMAIL)) return
  const password = `demo-${randomBytes(12).toString('base64url')}`
  try {
    await users.add({ id: `usr_${randomBytes(12).toString('base64url')}`, orgId: DEMO_ORG_ID, email: DEMO_OWNER_EMAIL, role: 'owner', projectIds: null, passwordHash: await hashPassword(password), now: options.now })
  } catch (error) {
    // Another process starting on the same database created the owner first.
    if (await users.byEmail(DEMO_OWNER_EMAIL)) return
    throw error
  }
  // Printed once, like the project secret beside it: the operator needs it to sign in.
  options.write(`Merchant dashboard: ${options.publicUrl}/dashboard/ — sign in as ${DEMO_OWNER_EMAIL} with password ${password}\n\n`)
}
