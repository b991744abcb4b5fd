import type { DocumentType } from '../../../protocol/schemas/dashboard/onboarding.ts'
import { PaymentError } from '../../domain/errors.ts'
import { isUniqueViolation, optionalDate, toSafeInt, type Sql } from '../../storage/sql.ts'

export type GoLiveDocument = { id: string; orgId: string; projectId: number; requestId: string | null; fileName: string; contentType: DocumentType; size: number; sha256: string; createdAt: Date }
export type GoLiveStatus = 'pending' | 'approved' | 'rejected'
export type GoLiveRequest = {
  id: string
  orgId: string
  projectId: number
  projectName: string
  status: GoLiveStatus
  note: string | null
  requestedBy: string
  requestedAt: Date
  decidedAt: Date | null
  reason: string | null
  documents: GoLiveDocument[]
}

const DOC_COLUMNS = 'id, org_id, project_id, request_id, file_name, content_type, size, sha256, created_at'
const toDocument = (r: Record<string, unknown>): GoLiveDocument => ({
  id: String(r['id']), orgId: String(r['org_id']), projectId: toSafeInt(r['project_id'], 'project_id'), requestId: r['request_id'] === null ? null : String(r['request_id']),
  fileName: String(r['file_name']), contentType: String(r['content_type']) as DocumentType, size: toSafeInt(r['size'], 'size'), sha256: String(r['sha256']), createdAt: new Date(r['created_at'] as string),
})

/** Go-live requests and their documents (issue 13 item 7); documents are bytes in the database. */
export function createGoLiveStore(sql: Sql) {
  const requests = async (where: string, params: unknown[], db: Sql = sql): Promise<GoLiveRequest[]> => {
    const rows = await db.query(
      `SELECT r.*, p.name AS project_name, u.email AS requested_by_email FROM golive_requests r
         JOIN projects p ON p.id = r.project_id JOIN dashboard_users u ON u.id = r.requested_by
        WHERE ${where} ORDER BY r.requested_at DESC, r.id`, params)
    if (rows.length === 0) return []
    const docs = (await db.query(`SELECT ${DOC_COLUMNS} FROM golive_documents WHERE request_id = ANY($1::text[]) ORDER BY created_at, id`, [rows.map((r) => r['id'])])).map(toDocument)
    return rows.map((r) => ({
      id: String(r['id']), orgId: String(r['org_id']), projectId: toSafeInt(r['project_id'], 'project_id'), projectName: String(r['project_name']),
      status: String(r['status']) as GoLiveStatus, note: r['note'] === null ? null : String(r['note']), requestedBy: String(r['requested_by_email']),
      requestedAt: new Date(r['requested_at'] as string), decidedAt: optionalDate(r['decided_at']) ?? null, reason: r['reason'] === null ? null : String(r['reason']),
      documents: docs.filter((d) => d.requestId === r['id']),
    }))
  }
  return {
    async addDocument(d: Omit<GoLiveDocument, 'requestId' | 'createdAt'> & { data: Uint8Array; uploadedBy: string; now: Date }): Promise<GoLiveDocument> {
      const rows = await sql.query(
        `INSERT INTO golive_documents (id, org_id, project_id, file_name, content_type, size, sha256, data, uploaded_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING ${DOC_COLUMNS}`,
        [d.id, d.orgId, d.projectId, d.fileName, d.contentType, d.size, d.sha256, d.data, d.uploadedBy, d.now])
      return toDocument(rows[0]!)
    },
    /** Documents uploaded for the project's next request. */
    async waiting(projectId: number): Promise<GoLiveDocument[]> {
      return (await sql.query(`SELECT ${DOC_COLUMNS} FROM golive_documents WHERE project_id = $1 AND request_id IS NULL ORDER BY created_at, id`, [projectId])).map(toDocument)
    },
    /** Removes a document not yet sent with a request; one sent stays with it as evidence. */
    async removeWaiting(projectId: number, id: string): Promise<boolean> {
      return (await sql.query('DELETE FROM golive_documents WHERE id = $1 AND project_id = $2 AND request_id IS NULL RETURNING id', [id, projectId])).length > 0
    },
    async document(id: string): Promise<GoLiveDocument | undefined> {
      const rows = await sql.query(`SELECT ${DOC_COLUMNS} FROM golive_documents WHERE id = $1`, [id])
      return rows[0] ? toDocument(rows[0]) : undefined
    },
    async documentBytes(id: string): Promise<Uint8Array<ArrayBuffer>> {
      const rows = await sql.query<{ data: Uint8Array }>('SELECT data FROM golive_documents WHERE id = $1', [id])
      return new Uint8Array(rows[0]!.data)
    },
    /**
     * Opens a request with every waiting document of the project, in one transaction; a second
     * open request of the project breaks the unique index (the caller maps it to `conflict`).
     */
    async open(r: { id: string; orgId: string; projectId: number; note: string | null; by: string; now: Date }): Promise<GoLiveRequest | undefined> {
      try {
        return await sql.transaction(async (tx) => {
          await tx.query(`INSERT INTO golive_requests (id, org_id, project_id, status, note, requested_by, requested_at) VALUES ($1, $2, $3, 'pending', $4, $5, $6)`,
            [r.id, r.orgId, r.projectId, r.note, r.by, r.now])
          const attached = await tx.query('UPDATE golive_documents SET request_id = $1 WHERE project_id = $2 AND request_id IS NULL RETURNING id', [r.id, r.projectId])
          // No documents: nothing to decide on, and the transaction must not keep the empty request.
          if (attached.length === 0) throw new NoDocuments()
          return (await requests('r.id = $1', [r.id], tx))[0]
        })
      } catch (error) {
        if (error instanceof NoDocuments) return undefined
        if (isUniqueViolation(error)) throw new PaymentError('conflict', 'this project already has a request waiting for a decision', { cause: error })
        throw error
      }
    },
    get: async (id: string) => (await requests('r.id = $1', [id]))[0],
    ofProject: (projectId: number) => requests('r.project_id = $1', [projectId]),
    ofOrg: (orgId: string) => requests('r.org_id = $1', [orgId]),
    /**
     * Decides a pending request: compare-and-set on `pending`, so two operators (or a double
     * click) decide once; approving switches the project to live in the same transaction.
     */
    async decide(d: { id: string; status: 'approved' | 'rejected'; by: string; reason: string | null; now: Date }): Promise<GoLiveRequest | undefined> {
      return sql.transaction(async (tx) => {
        const rows = await tx.query<{ project_id: unknown }>(
          `UPDATE golive_requests SET status = $2, decided_by = $3, decided_at = $4, reason = $5 WHERE id = $1 AND status = 'pending' RETURNING project_id`,
          [d.id, d.status, d.by, d.now, d.reason])
        if (!rows[0]) return undefined
        if (d.status === 'approved') await tx.query('UPDATE projects SET test_mode = false WHERE id = $1', [rows[0].project_id])
        return (await requests('r.id = $1', [d.id], tx))[0]
      })
    },
  }
}
export type GoLiveStore = ReturnType<typeof createGoLiveStore>

class NoDocuments extends Error {}
