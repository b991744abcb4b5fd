import { createHash, randomBytes } from 'node:crypto'
import type { Hono } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import * as v from 'valibot'
import { ENDPOINTS } from '../../../protocol/schemas/dashboard/endpoints.ts'
import { DocumentIdSchema, MAX_DOCUMENT_BYTES, MAX_WAITING_DOCUMENTS } from '../../../protocol/schemas/dashboard/onboarding.ts'
import { PaymentError } from '../../domain/errors.ts'
import type { AppEnv } from '../../http/deps.ts'
import type { DashboardDeps } from '../dashboard-deps.ts'
import { journal, mount } from '../http/endpoint.ts'
import { documentFileName, sniffDocumentType } from '../onboarding/document-type.ts'
import { toDocumentView, toRequestView } from '../onboarding/go-live-views.ts'

/** Room for the multipart framing (boundaries, part headers) around one file at the size limit. */
const MULTIPART_OVERHEAD = 64 * 1024

/** The upload path, which the app's 64 KB body limit leaves to the limit set here. */
export const DOCUMENT_UPLOAD_PATH = /^\/api\/dashboard\/projects\/[^/]+\/go-live\/documents$/

/** A project's way to live (issue 13 item 7): documents, then a request a platform operator decides. */
export function goLiveRoutes(app: Hono<AppEnv>, deps: DashboardDeps): void {
  // The body is counted as it arrives and refused past the limit: an oversized upload is never
  // held whole in memory, never parsed, never stored.
  app.post(ENDPOINTS.uploadDocument.path, bodyLimit({
    maxSize: MAX_DOCUMENT_BYTES + MULTIPART_OVERHEAD,
    onError: () => {
      throw new PaymentError('payload_too_large', 'a document may be at most 10 MB', { param: 'document' })
    },
  }))

  mount(app, deps, ENDPOINTS.goLive, { auth: 'user', permission: 'projects.read' }, async ({ project }) => ({
    test_mode: project!.testMode,
    waiting: (await deps.goLive.waiting(project!.id)).map(toDocumentView),
    requests: (await deps.goLive.ofProject(project!.id)).map(toRequestView),
  }))

  mount(app, deps, ENDPOINTS.uploadDocument, { auth: 'user', permission: 'projects.golive' }, async ({ c, project, user, meta, entry }) => {
    if (!project!.testMode) throw new PaymentError('conflict', 'the project is already live')
    if (!(c.req.header('content-type') ?? '').startsWith('multipart/form-data')) {
      throw new PaymentError('validation_failed', 'upload the document as multipart/form-data', { param: 'document' })
    }
    const form = await c.req.parseBody().catch((error: unknown) => {
      if (error instanceof PaymentError) throw error
      throw new PaymentError('validation_failed', 'the upload is not valid multipart/form-data', { param: 'document', cause: error })
    })
    const file = form['document']
    if (!(file instanceof File)) throw new PaymentError('validation_failed', 'document: attach one file', { param: 'document' })
    if (file.size > MAX_DOCUMENT_BYTES) throw new PaymentError('payload_too_large', 'a document may be at most 10 MB', { param: 'document' })
    const bytes = new Uint8Array(await file.arrayBuffer())
    // The content decides, not the name or the type the browser claims.
    const type = sniffDocumentType(bytes)
    if (!type) throw new PaymentError('validation_failed', 'document: must be a PDF, PNG or JPEG file', { param: 'document' })
    if ((await deps.goLive.waiting(project!.id)).length >= MAX_WAITING_DOCUMENTS) {
      throw new PaymentError('validation_failed', `document: at most ${MAX_WAITING_DOCUMENTS} documents per request`, { param: 'document' })
    }
    const stored = await deps.goLive.addDocument({
      id: `doc_${randomBytes(12).toString('base64url')}`, orgId: project!.orgId!, projectId: project!.id, fileName: documentFileName(file.name, type),
      contentType: type, size: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex'), data: bytes, uploadedBy: user!.id, now: meta.now,
    })
    await journal(deps, entry({ action: 'golive_document_uploaded', projectId: project!.id, target: stored.id, after: { file_name: stored.fileName, content_type: type, size: stored.size, sha256: stored.sha256 } }))
    return toDocumentView(stored)
  })

  mount(app, deps, ENDPOINTS.deleteDocument, { auth: 'user', permission: 'projects.golive' }, async ({ c, project, entry }) => {
    const id = c.req.param('document')
    if (!v.is(DocumentIdSchema, id) || !(await deps.goLive.removeWaiting(project!.id, id))) throw new PaymentError('not_found', 'no such document waiting')
    await journal(deps, entry({ action: 'golive_document_removed', projectId: project!.id, target: id }))
    return { ok: true as const }
  })

  mount(app, deps, ENDPOINTS.requestGoLive, { auth: 'user', permission: 'projects.golive' }, async ({ body, project, user, meta, entry }) => {
    if (!project!.testMode) throw new PaymentError('conflict', 'the project is already live')
    const opened = await deps.goLive.open({ id: `glr_${randomBytes(12).toString('base64url')}`, orgId: project!.orgId!, projectId: project!.id, note: body.note || null, by: user!.id, now: meta.now })
    if (!opened) throw new PaymentError('validation_failed', 'documents: upload at least one document first', { param: 'documents' })
    await journal(deps, entry({ action: 'golive_requested', projectId: project!.id, target: opened.id, after: { documents: opened.documents.map((d) => d.id), note: opened.note } }))
    return toRequestView(opened)
  })

  // Never shown in the browser: an attachment, no sniffing, and a sandbox should a browser
  // render it anyway, so a crafted document runs nothing on the dashboard's origin.
  mount(app, deps, ENDPOINTS.document, { auth: 'user' }, async ({ c, user, entry }) => {
    const id = c.req.param('document')
    const doc = v.is(DocumentIdSchema, id) ? await deps.goLive.document(id) : undefined
    const allowed = doc && (user!.role === 'platform' || (user!.role === 'owner' && user!.orgId === doc.orgId))
    if (!allowed) throw new PaymentError('not_found', 'no such document')
    const bytes = await deps.goLive.documentBytes(doc.id)
    await journal(deps, entry({ action: 'golive_document_downloaded', orgId: doc.orgId, projectId: doc.projectId, target: doc.id }))
    return c.body(bytes, 200, {
      'Content-Type': doc.contentType,
      'Content-Disposition': `attachment; filename="${doc.fileName.replace(/[^\x20-\x7e]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(doc.fileName)}`,
      'X-Content-Type-Options': 'nosniff',
      'Content-Security-Policy': "default-src 'none'; sandbox",
      'Cache-Control': 'no-store',
    })
  })
}
