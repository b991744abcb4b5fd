import type { DocumentView, GoLiveRequestView, PlatformOrg } from '../../../protocol/schemas/dashboard/onboarding.ts'
import type { GoLiveDocument, GoLiveRequest } from '../store/golive-store.ts'
import type { OrgSummary } from '../store/org-store.ts'

export const toDocumentView = (d: GoLiveDocument): DocumentView => ({ id: d.id, file_name: d.fileName, content_type: d.contentType, size: d.size, uploaded_at: d.createdAt.toISOString() })

export const toRequestView = (r: GoLiveRequest): GoLiveRequestView => ({
  id: r.id, org_id: r.orgId, project_id: r.projectId, project_name: r.projectName, status: r.status, note: r.note, requested_by: r.requestedBy,
  requested_at: r.requestedAt.toISOString(), decided_at: r.decidedAt?.toISOString() ?? null, reason: r.reason, documents: r.documents.map(toDocumentView),
})

export const toPlatformOrg = (o: OrgSummary): PlatformOrg => ({
  id: o.id, name: o.name, status: o.suspendedAt ? 'suspended' : 'active', created_at: o.createdAt.toISOString(),
  projects: o.projects, live_projects: o.liveProjects, pending_requests: o.pendingRequests, owners: o.owners,
})
