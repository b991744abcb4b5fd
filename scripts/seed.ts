import { randomInt } from 'node:crypto'
import { parseArgs } from 'node:util'
import { loadConfig } from '../server/config.ts'
import { openDatabase } from '../server/compose.ts'
import { seedPayments } from '../server/storage/seed-payments.ts'

// `npm run seed -- --payments 1000000 [--project 112]...`: realistic payments with their
// operations and ledger postings, on the configured database (PostgreSQL with DATABASE_URL).
const { values } = parseArgs({ options: { payments: { type: 'string', default: '10000' }, project: { type: 'string', multiple: true } } })
const count = Number(values.payments)
if (!Number.isSafeInteger(count) || count < 1) throw new Error('--payments must be a positive integer')
const sql = await openDatabase(loadConfig(process.env))
let projectIds = (values.project ?? []).map(Number)
if (projectIds.length === 0) projectIds = (await sql.query<{ id: unknown }>('SELECT id FROM projects ORDER BY id')).map((r) => Number(r.id))
if (projectIds.length === 0) throw new Error('no projects: create one first (npm run cli -- project add …)')
const started = Date.now()
await seedPayments(sql, { count, projectIds, now: new Date(), tag: randomInt(1, 9000) })
await sql.query('ANALYZE payments')
await sql.query('ANALYZE operations')
process.stdout.write(`seeded ${count} payments on projects ${projectIds.join(', ')} in ${((Date.now() - started) / 1000).toFixed(1)} s\n`)
await sql.close()
