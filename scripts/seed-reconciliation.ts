import { parseArgs } from 'node:util'
import { loadConfig } from '../server/config.ts'
import { openDatabase } from '../server/compose.ts'
import { dayBounds, nextDay, utcDay } from '../server/domain/reconciliation.ts'
import { reconciliationStore, type DayOperation, type Mismatch } from '../server/reconciliation/reconciliation-store.ts'

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
const first = utcDay(new Date(now.getTime() - days * 86_400_000))
const week: string[] = [first]
while (week.length < days) week.push(nextDay(week.at(-1)!))
const sales = async (day: string) => {
  const { from, to } = dayBounds(day)
  return (await store.dayOperations(projectId, from, to)).filter((o) => o.type === 'sale' && o.status === 'success')
}
// The latest day with two successful sales gets the made-up mismatches.
let troubled: string | undefined
for (const day of week) if ((await sales(day)).length >= 2) troubled = day
for (const day of week) {
  const { from, to } = dayBounds(day)
  const [run] = await sql.query('INSERT INTO reconciliation_runs (project_id, day, created_at) VALUES ($1, $2, $3) ON CONFLICT (project_id, day) DO NOTHING RETURNING id', [projectId, day, to])
  if (!run) continue
  const mismatches: Mismatch[] = []
  if (day === troubled) {
    const [a, b] = (await sales(day)) as [DayOperation, DayOperation]
    const side = (o: DayOperation) => ({ operationId: o.id, paymentId: o.paymentId, upstreamPaymentId: String(o.id), operationType: o.type, localAmount: o.amount, currency: o.currency, upstreamCurrency: o.currency })
    mismatches.push({ ...side(a), kind: 'amount', localStatus: 'success', upstreamStatus: 'success', upstreamAmount: a.amount - 100 })
    mismatches.push({ ...side(b), kind: 'status', localStatus: 'success', upstreamStatus: 'decline', upstreamAmount: b.amount })
  }
  await store.finish(Number(run['id']), { checked: (await store.dayOperations(projectId, from, to)).length, mismatches }, undefined, new Date(to.getTime() + 3_600_000))
}
const day = nextDay(week.at(-1)!)
await sql.query('INSERT INTO reconciliation_schedule (project_id, next_day) VALUES ($1, $2) ON CONFLICT (project_id) DO UPDATE SET next_day = $2', [projectId, day])
process.stdout.write(`seeded ${days} reconciliation days for project ${projectId}\n`)
await sql.close()
