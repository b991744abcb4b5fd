import type { Mailer } from '../mail/mailer.ts'
import { goLiveDecisionMail } from '../mail/onboarding-messages.ts'
import type { UserStore } from '../store/user-store.ts'

/** A committed go-live decision, as the people of the organisation are told of it. */
export type GoLiveDecision = { orgId: string; projectId: number; projectName: string; requestId: string; decision: 'approved' | 'rejected'; reason: string | null }

/**
 * Called once per decision, after its transaction commits (SPEC §14 Notifications: go-live
 * decisions). Composed in compose-dashboard.ts; the in-app notification is added there too.
 */
export type GoLiveDecided = (decision: GoLiveDecision) => Promise<void>

/** Mails every owner of the organisation who can sign in, each in their own language. */
export async function mailGoLiveDecision(deps: { users: UserStore; mailer: () => Mailer; publicUrl: string }, d: GoLiveDecision): Promise<void> {
  const owners = (await deps.users.list(d.orgId)).filter((u) => u.role === 'owner' && !u.disabledAt && u.passwordHash)
  for (const owner of owners) {
    await deps.mailer().send(goLiveDecisionMail(owner.language, owner.email, `${deps.publicUrl}/dashboard/projects/${d.projectId}`, { project: d.projectName, decision: d.decision, reason: d.reason }))
  }
}
