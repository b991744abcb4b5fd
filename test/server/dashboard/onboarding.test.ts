import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as v from 'valibot'
import { ErrorEnvelopeSchema } from '../../../protocol/errors.ts'
import { CSRF_HEADER } from '../../../protocol/schemas/dashboard/endpoints.ts'
import { GoLiveRequestViewSchema, GoLiveViewSchema, PlatformOrgDetailSchema, PlatformOrgListSchema, VerifySignUpResultSchema } from '../../../protocol/schemas/dashboard/onboarding.ts'
import { createMailer } from '../../../server/dashboard/mail/mailer.ts'
import { csrfTokenFor } from '../../../server/dashboard/http/session-cookie.ts'
import type { Sql } from '../../../server/storage/sql.ts'
import { testDatabases } from '../../fixtures/databases.ts'
import { dashboardApp, ORIGIN, PASSWORD, type Agent, type DashboardTestApp } from '../../fixtures/dashboard.ts'
import { linkIn, startSmtp } from '../../fixtures/smtp.ts'
import { paymentParams, signedQuery, TEST_PROJECT } from '../../fixtures/test-app.ts'

const CHOSEN = 'copper-harbour-58-violet'
const MB = 1024 * 1024

// Minimal files of each kind, as their first bytes make them (the only thing that decides).
const PDF = new TextEncoder().encode('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n')
const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0])
const EXE = new Uint8Array([0x4d, 0x5a, 0x90, 0, 3, 0, 0, 0, 4, 0, 0, 0, 0xff, 0xff])
const HTML = new TextEncoder().encode('<!doctype html><script>alert(document.cookie)</script>')

const code = async (res: Response) => v.parse(ErrorEnvelopeSchema, await res.json()).error.code

describe.each(testDatabases())('onboarding: registration, go-live, platform ($name)', { timeout: 120_000 }, (db) => {
  let sql: Sql
  let t: DashboardTestApp
  let smtp: Awaited<ReturnType<typeof startSmtp>>
  let owner: Agent
  let ownerOrg: string
  let project: number
  let operator: Agent

  const upload = (agent: Agent, projectId: number, name: string, type: string, bytes: Uint8Array<ArrayBuffer>) => {
    const form = new FormData()
    form.append('document', new File([bytes], name, { type }))
    return t.app.request(`${ORIGIN}/api/dashboard/projects/${projectId}/go-live/documents`, {
      method: 'POST', headers: { origin: ORIGIN, cookie: agent.cookie, [CSRF_HEADER]: agent.csrf }, body: form,
    }, { incoming: { socket: { remoteAddress: '198.51.100.7' } } })
  }
  const documents = async () => Number((await sql.query<{ n: unknown }>('SELECT count(*) AS n FROM golive_documents'))[0]!.n)

  beforeAll(async () => {
    sql = await db.open()
    smtp = await startSmtp()
    t = await dashboardApp(sql, { env: { EPAY_SIGNUP: '1' } })
    t.d.mailer = createMailer({ smtpUrl: smtp.url, from: 'EPay <no-reply@epay.test>', demo: false, sql, logger: t.deps.logger, clock: t.deps.clock })
    operator = await t.signedIn(await t.user('ops@epay.example', 'platform', null))
  }, 120_000)
  afterAll(async () => {
    await smtp.close()
    await sql.close()
  })

  it('answers 404 not_found to registration unless EPAY_SIGNUP=1', async () => {
    const closed = await dashboardApp(sql, { addProject: false })
    expect(closed.d.signup).toBe(false)
    expect(await (await closed.call(undefined, 'GET', '/api/dashboard/auth/sign-up')).json()).toEqual({ enabled: false })
    const res = await closed.call(undefined, 'POST', '/api/dashboard/auth/sign-up', { email: 'closed@shop.example', organisation: 'Closed Shop' })
    expect(res.status).toBe(404)
    expect(await code(res)).toBe('not_found')
    expect(await (await t.call(undefined, 'GET', '/api/dashboard/auth/sign-up')).json()).toEqual({ enabled: true })
  })

  it('registers by a mailed single-use link: organisation, owner and a test project with its secret', async () => {
    const res = await t.call(undefined, 'POST', '/api/dashboard/auth/sign-up', { email: 'Founder@Lark.example', organisation: 'Lark Coffee' })
    expect(res.status).toBe(200)
    const mail = await smtp.mailTo('founder@lark.example', /Confirm your email/)
    const token = linkIn(mail, '/dashboard/verify').split('#')[1]!
    expect((await sql.query("SELECT 1 FROM dashboard_users WHERE email = 'founder@lark.example'")).length).toBe(0)

    expect(await (await t.call(undefined, 'POST', '/api/dashboard/auth/sign-up/view', { token })).json()).toEqual({ email: 'founder@lark.example', organisation: 'Lark Coffee' })
    const weak = await t.call(undefined, 'POST', '/api/dashboard/auth/sign-up/verify', { token, password: 'password1234' })
    expect(await code(weak)).toBe('weak_password')
    const verified = await t.call(undefined, 'POST', '/api/dashboard/auth/sign-up/verify', { token, password: CHOSEN })
    expect(verified.status).toBe(200)
    const result = v.parse(VerifySignUpResultSchema, await verified.json())
    expect(result.created.project).toMatchObject({ name: 'Default', test_mode: true })
    expect(result.created.secret.length).toBeGreaterThan(20)
    const again = await t.call(undefined, 'POST', '/api/dashboard/auth/sign-up/verify', { token, password: CHOSEN })
    expect(again.status).toBe(400)
    expect(await code(again)).toBe('invalid_link')

    // Signed in by the link: the session works at once.
    const cookie = /=([^;]+)/.exec(verified.headers.get('set-cookie') ?? '')![1]!
    owner = { userId: '', email: 'founder@lark.example', cookie: `${t.d.cookie.name}=${cookie}`, csrf: csrfTokenFor(cookie) }
    const me = (await (await t.call(owner, 'GET', '/api/dashboard/me')).json()) as { user: { role: string }; organisation: { id: string; name: string }; projects: Array<{ id: number; test_mode: boolean }> }
    expect(me.user.role).toBe('owner')
    expect(me.organisation.name).toBe('Lark Coffee')
    expect(me.projects).toEqual([{ id: result.created.project.id, name: 'Default', test_mode: true }])
    ownerOrg = me.organisation.id
    project = result.created.project.id
    expect(await t.journalActions(ownerOrg)).toEqual(['org_registered', 'project_created', 'sign_in'])
    expect((await t.signIn('founder@lark.example', CHOSEN)).status).toBe(200)
  })

  it('gives an address that has an account no second one: the same answer, and a note by mail', async () => {
    const res = await t.call(undefined, 'POST', '/api/dashboard/auth/sign-up', { email: 'founder@lark.example', organisation: 'Lark Again' })
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ ok: true })
    const note = await smtp.mailTo('founder@lark.example', /already have an EPay account/)
    expect(note.text).not.toMatch(/\/dashboard\/verify#/)
    expect((await sql.query("SELECT 1 FROM dashboard_users WHERE email = 'founder@lark.example'")).length).toBe(1)
    expect((await sql.query("SELECT 1 FROM organisations WHERE name = 'Lark Again'")).length).toBe(0)
  })

  it('takes a PDF, judges type by content, and refuses other files and 11 MB without storing them', async () => {
    const pdf = await upload(owner, project, 'registration.pdf', 'application/pdf', PDF)
    expect(pdf.status).toBe(200)
    expect(await pdf.json()).toMatchObject({ file_name: 'registration.pdf', content_type: 'application/pdf', size: PDF.length })
    // A PNG called .pdf and sent as a PDF is a PNG (and keeps a name that says so).
    const png = await upload(owner, project, 'passport.pdf', 'application/pdf', PNG)
    expect(await png.json()).toMatchObject({ file_name: 'passport.png', content_type: 'image/png' })
    const before = await documents()
    for (const [name, bytes] of [['setup.pdf', EXE], ['statement.pdf', HTML]] as const) {
      const refused = await upload(owner, project, name, 'application/pdf', bytes)
      expect(refused.status).toBe(400)
      expect(await code(refused)).toBe('validation_failed')
    }
    const big = new Uint8Array(11 * MB)
    big.set(PDF)
    const tooBig = await upload(owner, project, 'big.pdf', 'application/pdf', big)
    expect(tooBig.status).toBe(413)
    expect(await code(tooBig)).toBe('payload_too_large')
    expect(await documents()).toBe(before)
    // A developer-style role cannot upload; the owner of another organisation does not see the project.
    const other = await t.signedIn(await t.user('owner@other.example', 'owner', await t.org('Other Ltd')))
    expect((await upload(other, project, 'x.pdf', 'application/pdf', PDF)).status).toBe(404)
  })

  it('serves a document only as an attachment, to platform operators and the organisation’s owners', async () => {
    const view = v.parse(GoLiveViewSchema, await (await t.call(owner, 'GET', `/api/dashboard/projects/${project}/go-live`)).json())
    expect(view.waiting.map((d) => d.file_name)).toEqual(['registration.pdf', 'passport.png'])
    const id = view.waiting[0]!.id
    for (const agent of [owner, operator]) {
      const res = await t.call(agent, 'GET', `/api/dashboard/documents/${id}`)
      expect(res.status).toBe(200)
      expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="registration.pdf"/)
      expect(res.headers.get('x-content-type-options')).toBe('nosniff')
      expect(res.headers.get('content-security-policy')).toBe("default-src 'none'; sandbox")
      expect(res.headers.get('content-type')).toBe('application/pdf')
      expect(new Uint8Array(await res.arrayBuffer())).toEqual(PDF)
    }
    const viewer = await t.signedIn(await t.user('viewer@lark.example', 'viewer', ownerOrg))
    expect((await t.call(viewer, 'GET', `/api/dashboard/documents/${id}`)).status).toBe(404)
  })

  it('rejects only with a reason, which the owner is mailed', async () => {
    const second = (await (await t.call(owner, 'POST', '/api/dashboard/projects', { name: 'Second shop' })).json()) as { project: { id: number } }
    expect((await upload(owner, second.project.id, 'licence.jpg', 'image/jpeg', new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46]))).status).toBe(200)
    const request = v.parse(GoLiveRequestViewSchema, await (await t.call(owner, 'POST', `/api/dashboard/projects/${second.project.id}/go-live`, {})).json())
    const bare = await t.call(operator, 'POST', `/api/dashboard/platform/go-live/${request.id}/reject`, {})
    expect(bare.status).toBe(400)
    expect(await code(bare)).toBe('validation_failed')
    const rejected = await t.call(operator, 'POST', `/api/dashboard/platform/go-live/${request.id}/reject`, { reason: 'The licence is not legible' })
    expect(await rejected.json()).toMatchObject({ status: 'rejected', reason: 'The licence is not legible' })
    expect((await sql.query<{ test_mode: boolean }>('SELECT test_mode FROM projects WHERE id = $1', [second.project.id]))[0]!.test_mode).toBe(true)
    const mail = await smtp.mailTo('founder@lark.example', /was declined/)
    expect(mail.text).toContain('The licence is not legible')
  })

  it('refuses platform endpoints to every organisation role, the owner included', async () => {
    const requestId = (await sql.query<{ id: string }>('SELECT id FROM golive_requests LIMIT 1'))[0]!.id
    for (const [method, path, body] of [
      ['GET', '/api/dashboard/platform/organisations'], ['GET', `/api/dashboard/platform/organisations/${ownerOrg}`],
      ['POST', `/api/dashboard/platform/organisations/${ownerOrg}/suspend`, { reason: 'self-service' }], ['POST', `/api/dashboard/platform/organisations/${ownerOrg}/reinstate`],
      ['POST', `/api/dashboard/platform/go-live/${requestId}/approve`], ['POST', `/api/dashboard/platform/go-live/${requestId}/reject`, { reason: 'no thanks' }],
    ] as const) {
      const res = await t.call(owner, method, path, body)
      expect(res.status, path).toBe(403)
      expect(await code(res)).toBe('forbidden')
    }
  })

  it('approves a request: the project goes live and the owner is mailed', async () => {
    const requested = await t.call(owner, 'POST', `/api/dashboard/projects/${project}/go-live`, { note: 'Our shop opens on Monday' })
    expect(requested.status).toBe(200)
    const request = v.parse(GoLiveRequestViewSchema, await requested.json())
    expect(request).toMatchObject({ status: 'pending', project_id: project, requested_by: 'founder@lark.example' })
    expect(request.documents).toHaveLength(2)
    expect(await code(await t.call(owner, 'POST', `/api/dashboard/projects/${project}/go-live`, {}))).toBe('conflict')

    const list = v.parse(PlatformOrgListSchema, await (await t.call(operator, 'GET', '/api/dashboard/platform/organisations')).json())
    expect(list.organisations[0]).toMatchObject({ id: ownerOrg, name: 'Lark Coffee', status: 'active', pending_requests: 1, owners: ['founder@lark.example'] })
    const detail = v.parse(PlatformOrgDetailSchema, await (await t.call(operator, 'GET', `/api/dashboard/platform/organisations/${ownerOrg}`)).json())
    expect(detail.requests.map((r) => r.status).sort()).toEqual(['pending', 'rejected'])
    expect(detail.requests.find((r) => r.status === 'pending')!.id).toBe(request.id)

    const approved = await t.call(operator, 'POST', `/api/dashboard/platform/go-live/${request.id}/approve`)
    expect(approved.status).toBe(200)
    expect(await approved.json()).toMatchObject({ status: 'approved', reason: null })
    expect(await code(await t.call(operator, 'POST', `/api/dashboard/platform/go-live/${request.id}/approve`))).toBe('conflict')
    expect((await sql.query<{ test_mode: boolean }>('SELECT test_mode FROM projects WHERE id = $1', [project]))[0]!.test_mode).toBe(false)
    const mail = await smtp.mailTo('founder@lark.example', /is live on EPay/)
    expect(mail.text).toContain(`/dashboard/projects/${project}`)
    expect(await t.journalActions(ownerOrg)).toEqual(expect.arrayContaining(['golive_document_uploaded', 'golive_requested', 'golive_approved']))
  })

  it('suspends an organisation: its sessions end, sign-in is refused, its projects take no payments', async () => {
    // The Gate's test project belongs to the organisation "Default".
    const page = () => t.app.request(`/payment?${signedQuery(paymentParams())}`)
    expect((await page()).status).toBe(200)
    const defaultOwner = await t.user('owner@default.example', 'owner', 'org_default')
    const session = await t.signedIn(defaultOwner)
    const suspended = await t.call(operator, 'POST', '/api/dashboard/platform/organisations/org_default/suspend', { reason: 'Chargebacks under review' })
    expect(suspended.status).toBe(200)
    expect(await suspended.json()).toMatchObject({ organisation: { status: 'suspended', suspended_reason: 'Chargebacks under review' } })
    expect((await t.call(session, 'GET', '/api/dashboard/me')).status).toBe(401)
    const signIn = await t.call(undefined, 'POST', '/api/dashboard/auth/sign-in', { email: 'owner@default.example', password: PASSWORD })
    expect(signIn.status).toBe(403)
    expect(await code(signIn)).toBe('merchant_suspended')
    const refused = await page()
    expect(refused.status).toBe(403)
    expect(await refused.text()).toContain('merchant_suspended')
    expect((await sql.query('SELECT 1 FROM payments WHERE project_id = $1', [TEST_PROJECT.id])).length).toBe(1)

    expect((await t.call(operator, 'POST', '/api/dashboard/platform/organisations/org_default/reinstate')).status).toBe(200)
    expect((await page()).status).toBe(200)
    expect((await t.signIn('owner@default.example', PASSWORD)).status).toBe(200)
    expect(await t.journalActions('org_default')).toEqual(expect.arrayContaining(['org_suspended', 'org_reinstated']))
  })
})
