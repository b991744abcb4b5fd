import { parseArgs } from 'node:util'
import { loadConfig } from '../server/config.ts'
import { openDatabase } from '../server/compose.ts'
import { dayBounds, nextDay, utcDay } from '../server/domain/reconciliation.ts'
import { reconciliationStore, type Mismatch } from '../server/reconciliation/reconciliation-store.ts'

// `npx tsx scripts/seed-reconciliation.ts --project 9502 [--days 7]`: past daily reconciliations of a
// live project for demos and screenshots, over its (seeded) operations — which never went to an
// upstream, so the runs are made up: every day clean but one, where a status and an amount differ.
// Real runs are made by the server once a day (docs/connectors.md).
const { values } = parseArgs({ options: { project: { type: 'string' }, days: { type: 'string', default: '7' } } })
const projectId = Number(values.project)
const days = Number(values.days)
if (!Number.isSafeInteger(projectId) || !Number.isSafeInteger(days) || days < 1) throw new Error('--project N and --days N (positive integers) are required')
const sql = await openDatabase(loadConfig(process.env))
const store = reconciliationStore(sql)
const now = new Date()
let day = utcDay(new Date(now.getTime() - days * 86_400_000))
for (let i = 0; i < days; i++, day = nextDay(day)) {
  const { from, to } = dayBounds(day)
  const ops = (await store.dayOperations(projectId, from, to)).filter((o) => o.type === 'sale' && o.status === 'success')
  const [run] = await sql.query('INSERT INTO reconciliation_runs (project_id, day, created_at) VALUES ($1, $2, $3) ON CONFLICT (project_id, day) DO NOTHING RETURNING id', [projectId, day, to])
  if (!run) continue
  const mismatches: Mismatch[] = []
  if (i === days - 2 && ops.length >= 2) {
    const [a, b] = ops as [typeof ops[0], typeof ops[0]]
    const base = { paymentId: a.paymentId, upstreamPaymentId: String(a.id), operationType: a.type, currency: a.currency, upstreamCurrency: a.currency }
    mismatches.push({ ...base, kind: 'amount', operationId: a.id, localStatus: 'success', upstreamStatus: 'success', localAmount: a.amount, upstreamAmount: a.amount - 100 })
    mismatches.push({ ...base, kind: 'status', operationId: b.id, paymentId: b.paymentId, upstreamPaymentId: String(b.id), localStatus: 'success', upstreamStatus: 'decline', localAmount: b.amount, upstreamAmount: b.amount, currency: b.currency, upstreamCurrency: b.currency })
  }
  await store.finish(Number(run['id']), { checked: (await store.dayOperations(projectId, from, to)).length, mismatches }, undefined, new Date(to.getTime() + 3_600_000))
}
await sql.query('INSERT INTO reconciliation_schedule (project_id, next_day) VALUES ($1, $2) ON CONFLICT (project_id) DO UPDATE SET next_day = $2', [projectId, day])
process.stdout.write(`seeded ${days} reconciliation days for project ${projectId}\n`)
await sql.close()
