import type { Context, Hono } from 'hono'
import * as v from 'valibot'
import type { Endpoint } from '../../../protocol/schemas/dashboard/endpoints.ts'
import { CSRF_HEADER } from '../../../protocol/schemas/dashboard/endpoints.ts'
import type { Permission } from '../../../protocol/schemas/dashboard/permissions.ts'
import { ProjectIdParamSchema, UserIdSchema } from '../../../protocol/schemas/dashboard/common.ts'
import { PaymentError } from '../../domain/errors.ts'
import type { AppEnv } from '../../http/deps.ts'
import { readJson } from '../../http/validate-json.ts'
import { projectInScope, scopeWithin, type DashboardUser } from '../access/dashboard-user.ts'
import { roleCan } from '../access/permissions.ts'
import { sameSecret } from '../auth/secrets.ts'
import type { DashboardDeps } from '../dashboard-deps.ts'
import { appendJournal, type JournalInput } from '../journal/journal-store.ts'
import type { DashboardSession } from '../store/session-store.ts'
import { requestAddress } from '../../http/client-address.ts'
import { csrfTokenFor, readSessionCookie } from './session-cookie.ts'
import { loadProject, type DashboardProject } from './load-project.ts'
import { sameOrigin } from './same-origin.ts'

/**
 * Who may call an endpoint: anyone (`public`), a session half-way through sign-in
 * (`pending`), or a signed-in user, optionally only with a permission. `enrolment` lets an
 * owner or admin who must first enrol a second factor through.
 */
export type Access =
  | { auth: 'public' }
  | { auth: 'pending' }
  | { auth: 'user'; permission?: Permission; enrolment?: boolean }

type Meta = { ip: string; userAgent: string; now: Date }

/** What a handler gets: the parsed request and, per access, the session, user and path objects. */
export type Call<E extends Endpoint> = {
  c: Context<AppEnv>
  meta: Meta
  body: E['body'] extends v.GenericSchema ? v.InferOutput<E['body']> : undefined
  query: E['query'] extends v.GenericSchema ? v.InferOutput<E['query']> : undefined
  session: (DashboardSession & { token: string }) | undefined
  user: DashboardUser | undefined
  project: DashboardProject | undefined
  member: DashboardUser | undefined
  /** Journal input with who, when, address and user agent filled in. */
  entry(fields: Pick<JournalInput, 'action'> & Partial<JournalInput>): JournalInput
}

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

/**
 * Mounts one endpoint of ENDPOINTS with its access rule. Everything a handler may rely on is
 * checked here, in this order, on every call: CSRF (mutating calls), session, second factor,
 * permission (403), then scope of the project or member in the path (404, so ids of other
 * organisations or projects outside the user's scope are not even confirmed to exist).
 */
export function mount<E extends Endpoint>(
  app: Hono<AppEnv>,
  deps: DashboardDeps,
  endpoint: E,
  access: Access,
  handler: (call: Call<E>) => Promise<v.InferInput<E['response']> | Response>,
): void {
  const method = endpoint.method.toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete'
  app[method](endpoint.path, async (c) => {
    const meta: Meta = { ip: requestAddress(c, deps.trustProxy), userAgent: c.req.header('user-agent') ?? '', now: deps.clock.now() }
    c.header('Cache-Control', 'no-store')
    const token = readSessionCookie(c, deps.cookie)
    let session: Call<E>['session']
    let user: DashboardUser | undefined
    if (access.auth !== 'public') {
      const found = token ? await deps.sessions.find(token, meta.now) : undefined
      if (!found || found.pendingTotp !== (access.auth === 'pending')) throw new PaymentError('unauthenticated', 'sign in to continue')
      user = await deps.users.get(found.userId)
      if (!user || user.disabledAt) {
        await deps.sessions.revoke(found.id, meta.now)
        throw new PaymentError('unauthenticated', 'sign in to continue')
      }
      session = { ...found, token: token! }
    }
    if (MUTATING.has(endpoint.method)) {
      const header = c.req.header(CSRF_HEADER) ?? ''
      // Without a session the header must still be there: a cross-site form cannot set it, and
      // a cross-site fetch that does needs a CORS preflight this server never grants.
      const good = sameOrigin(c, deps.publicUrl) && (session ? sameSecret(header, csrfTokenFor(session.token)) : header.length > 0)
      if (!good) {
        // A forged request riding a real session is worth a journal row; anonymous noise is not.
        if (user) await journal(deps, { at: meta.now, orgId: user.orgId, actorId: user.id, actorEmail: user.email, ip: meta.ip, userAgent: meta.userAgent, action: 'csrf_refused', target: `${endpoint.method} ${c.req.path}` })
        throw new PaymentError('csrf_failed', 'the request did not come from the dashboard')
      }
    }
    if (user && access.auth === 'user') {
      if (!access.enrolment && (await totpRequired(deps, user))) {
        throw new PaymentError('totp_enrolment_required', 'set up two-factor authentication first')
      }
      if (access.permission && !roleCan(user.role, access.permission)) throw new PaymentError('forbidden', 'your role does not allow this')
    }

    let project: DashboardProject | undefined
    const projectParam = c.req.param('project')
    if (projectParam !== undefined) {
      const id = v.safeParse(ProjectIdParamSchema, projectParam)
      project = id.success ? await loadProject(deps, id.output) : undefined
      if (!project || !user || !projectInScope(user, project)) throw new PaymentError('not_found', 'no such project')
    }
    let member: DashboardUser | undefined
    const memberParam = c.req.param('member')
    if (memberParam !== undefined) {
      member = v.is(UserIdSchema, memberParam) ? await deps.users.get(memberParam) : undefined
      const visible = member && user && member.role !== 'platform' && (user.role === 'platform' || member.orgId === user.orgId) && scopeWithin(member.projectIds, user.projectIds)
      if (!visible) throw new PaymentError('not_found', 'no such member')
    }

    const body = endpoint.body ? await readJson(c, endpoint.body) : undefined
    let query: unknown
    if (endpoint.query) {
      const parsed = v.safeParse(endpoint.query, c.req.query())
      if (!parsed.success) {
        const param = v.getDotPath(parsed.issues[0]!) ?? undefined
        throw new PaymentError('validation_failed', `${param ?? 'query'}: ${parsed.issues[0]!.message}`, param ? { param } : {})
      }
      query = parsed.output
    }
    if (session) await deps.sessions.touch(session, meta.now)
    const entry: Call<E>['entry'] = (fields) => ({
      at: meta.now, orgId: user?.orgId ?? null, actorId: user?.id ?? null, actorEmail: user?.email ?? null, ip: meta.ip, userAgent: meta.userAgent, ...fields,
    })
    const result = await handler({ c, meta, body, query, session, user, project, member, entry } as Call<E>)
    if (result instanceof Response) return result
    // The answer goes through the same schema the client parses with: the contract holds both ways.
    return c.json(v.parse(endpoint.response, result))
  })
}

/** Owners and admins of an organisation with a live project must have a second factor (SPEC §14). */
export async function totpRequired(deps: DashboardDeps, user: DashboardUser): Promise<boolean> {
  if (user.totpEnabled || (user.role !== 'owner' && user.role !== 'admin') || user.orgId === null) return false
  return deps.orgs.hasLiveProject(user.orgId)
}

/** Writes a journal row in a transaction of its own. */
export function journal(deps: DashboardDeps, input: JournalInput): Promise<unknown> {
  return deps.sql.transaction((tx) => appendJournal(tx, input))
}
