import { randomBytes, randomInt } from 'node:crypto'
import type { Hono } from 'hono'
import { ENDPOINTS } from '../../../protocol/schemas/dashboard/endpoints.ts'
import { PaymentError } from '../../domain/errors.ts'
import type { AppEnv } from '../../http/deps.ts'
import { createProjectStore } from '../../storage/project-store.ts'
import { isUniqueViolation } from '../../storage/sql.ts'
import { hashPassword } from '../auth/password-hash.ts'
import { assertAcceptablePassword } from '../auth/password-policy.ts'
import { mayMailLink } from '../auth/sign-in-throttle.ts'
import type { DashboardDeps } from '../dashboard-deps.ts'
import { journal, mount } from '../http/endpoint.ts'
import { csrfTokenFor, readSessionCookie, writeSessionCookie } from '../http/session-cookie.ts'
import { appendJournal } from '../journal/journal-store.ts'
import { accountExistsMail, verifySignupMail } from '../mail/onboarding-messages.ts'
import { createOrgStore } from '../store/org-store.ts'
import { createUserStore } from '../store/user-store.ts'
import { toProjectView } from './project-view.ts'

const BAD_LINK = 'this link is not valid any more; register again'

/**
 * Self-registration (issue 13 item 7), only with EPAY_SIGNUP=1: an address is verified by an
 * emailed single-use link before anything exists; using the link creates the organisation, its
 * owner and a first project in test mode, and signs the owner in.
 */
export function signupRoutes(app: Hono<AppEnv>, deps: DashboardDeps): void {
  const open = () => {
    if (!deps.signup) throw new PaymentError('not_found', 'registration is not open on this server')
  }

  mount(app, deps, ENDPOINTS.signUpStatus, { auth: 'public' }, async () => ({ enabled: deps.signup }))

  // The same answer, as quick, for a new address and for one that has an account (no account
  // enumeration): the lookup and the mail happen after it is sent, and an existing account gets
  // a note saying so instead of a second account.
  mount(app, deps, ENDPOINTS.signUp, { auth: 'public' }, async ({ body, meta }) => {
    open()
    deps.background(async () => {
      if (!(await mayMailLink(deps.sql, body.email, meta.ip, meta.now))) return
      const known = await deps.users.byEmail(body.email)
      if (known) {
        if (!known.disabledAt) await deps.mailer.send(accountExistsMail(known.language, known.email, `${deps.publicUrl}/dashboard/sign-in`))
        return
      }
      const token = await deps.signups.issue({ email: body.email, organisation: body.organisation, language: body.language }, meta.now)
      await deps.mailer.send(verifySignupMail(body.language, body.email, `${deps.publicUrl}/dashboard/verify#${token}`, body.organisation))
    })
    return { ok: true }
  })

  mount(app, deps, ENDPOINTS.signUpView, { auth: 'public' }, async ({ body, meta }) => {
    open()
    const signup = await deps.signups.peek(body.token, meta.now)
    if (!signup) throw new PaymentError('invalid_link', BAD_LINK)
    return { email: signup.email, organisation: signup.organisation }
  })

  mount(app, deps, ENDPOINTS.verifySignUp, { auth: 'public' }, async ({ c, body, meta, entry }) => {
    open()
    const waiting = await deps.signups.peek(body.token, meta.now)
    if (!waiting) throw new PaymentError('invalid_link', BAD_LINK)
    assertAcceptablePassword(body.password, { email: waiting.email })
    const hash = await hashPassword(body.password)
    const signup = await deps.signups.consume(body.token, meta.now)
    if (!signup) throw new PaymentError('invalid_link', BAD_LINK)
    const projectId = await deps.projectSettings.freeId(() => randomInt(100_000, 1_000_000))
    const orgId = `org_${randomBytes(9).toString('base64url')}`
    const userId = `usr_${randomBytes(12).toString('base64url')}`
    let secret: string
    try {
      secret = await deps.sql.transaction(async (tx) => {
        await createOrgStore(tx).add({ id: orgId, name: signup.organisation, now: meta.now })
        await createUserStore(tx).add({ id: userId, orgId, email: signup.email, role: 'owner', projectIds: null, passwordHash: hash, now: meta.now })
        await tx.query('UPDATE dashboard_users SET language = $2 WHERE id = $1', [userId, signup.language])
        const project = await createProjectStore(tx, deps.clock).add({ id: projectId, name: 'Default', testMode: true, orgId })
        const who = { orgId, actorId: userId, actorEmail: signup.email }
        await appendJournal(tx, entry({ ...who, action: 'org_registered', after: { name: signup.organisation, email: signup.email } }))
        await appendJournal(tx, entry({ ...who, action: 'project_created', projectId, after: { name: project.name, test_mode: true } }))
        return project.secrets[0]!
      })
    } catch (error) {
      // The address got an account between the mail and the link (another registration, an invitation).
      if (isUniqueViolation(error)) throw new PaymentError('invalid_link', BAD_LINK, { cause: error })
      throw error
    }
    const previous = readSessionCookie(c, deps.cookie)
    const old = previous ? await deps.sessions.find(previous, meta.now) : undefined
    if (old) await deps.sessions.revoke(old.id, meta.now)
    const opened = await deps.sessions.open({ userId, pendingTotp: false, ip: meta.ip, userAgent: meta.userAgent, now: meta.now })
    writeSessionCookie(c, deps.cookie, opened.token)
    await deps.users.markSignIn(userId, meta.now)
    await journal(deps, entry({ action: 'sign_in', orgId, actorId: userId, actorEmail: signup.email, after: { second_factor: 'none', by: 'email verification' } }))
    const project = (await deps.projectSettings.get(projectId))!
    return { csrf_token: csrfTokenFor(opened.token), created: { project: await toProjectView(deps, project, meta.now), secret } }
  })
}
