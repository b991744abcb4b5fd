import type { AddressInfo } from 'node:net'
import { serve } from '@hono/node-server'
import { composeDeps } from '../server/compose.ts'
import { loadConfig } from '../server/config.ts'
import { createApp } from '../server/http/app.ts'
import { createLogger } from '../server/logger.ts'
import { sign } from '../server/signature/signature.ts'
import type { Sql } from '../server/storage/sql.ts'
import { startReceiver } from '../test/e2e/crash-driver.ts'
import { TEST_KEYS } from '../test/fixtures/keys.ts'
import { BROWSER_HEADERS } from './load.ts'

export type StatementCount = { statements: number; transactions: number; roundTrips: number; byText: Map<string, number>; databaseMs: number; msByText: Map<string, number> }
type Phase = 'open' | 'pay' | 'deliver'

/**
 * Wraps the SQL port and counts what each phase of a payment sends to the database: statements,
 * transactions, and round trips (a statement is one, a transaction adds BEGIN and COMMIT).
 */
function countingSql(inner: Sql, counter: () => StatementCount): Sql {
  const keyOf = (text: string) => text.replace(/\s+/g, ' ').trim().slice(0, 72)
  const note = (text: string) => {
    const c = counter()
    c.statements++
    c.roundTrips++
    const key = keyOf(text)
    c.byText.set(key, (c.byText.get(key) ?? 0) + 1)
  }
  // Payments run one at a time here, so the time from sending a statement to its answer is the
  // database's own (PGlite runs in this thread; PostgreSQL adds a loopback round trip).
  const timed = async <T>(key: string, run: () => Promise<T>): Promise<T> => {
    const started = performance.now()
    try {
      return await run()
    } finally {
      const c = counter()
      const spent = performance.now() - started
      c.databaseMs += spent
      c.msByText.set(key, (c.msByText.get(key) ?? 0) + spent)
    }
  }
  const wrap = (sql: Sql, inTx: boolean): Sql => ({
    dialect: sql.dialect,
    leaseHolder: () => sql.leaseHolder(),
    listen: (channel, handlers) => sql.listen(channel, handlers),
    query(text, params) {
      note(text)
      return inTx ? sql.query(text, params) : timed(keyOf(text), () => sql.query(text, params))
    },
    transaction(fn) {
      if (inTx) return sql.transaction(fn)
      const c = counter()
      c.transactions++
      c.roundTrips += 2
      // A transaction is timed whole: its statements, BEGIN and COMMIT (with the flush).
      return timed('(transaction: BEGIN … COMMIT)', () => sql.transaction((tx) => fn(wrap(tx, true))))
    },
    close: () => sql.close(),
  })
  return wrap(inner, false)
}

const empty = (): StatementCount => ({ statements: 0, transactions: 0, roundTrips: 0, byText: new Map(), databaseMs: 0, msByText: new Map() })

/**
 * Statements per complete card payment (open → pay → settle → ledger → outbox → callback
 * delivered), counted in this process on the real app and database: `count` payments one after
 * another, each phase counted apart. Background jobs are not running, so nothing else counts.
 */
export async function statementsPerPayment(sql: Sql, count: number): Promise<Record<Phase | 'total', StatementCount>> {
  const phases: Record<Phase, StatementCount> = { open: empty(), pay: empty(), deliver: empty() }
  let phase: Phase = 'open'
  const counted = countingSql(sql, () => phases[phase])
  const project = { id: 8201, secret: 'bench-statements-secret' }
  const receiver = await startReceiver(project.secret)
  const config = loadConfig({ EPAY_DEMO: '0', ...TEST_KEYS, EPAY_ACQUIRER_LATENCY_MS: '0', LOG_LEVEL: 'warn', EPAY_ALLOW_LOCAL_CALLBACKS: '1', EPAY_TRUST_PROXY: '1',
    EPAY_PAY_LIMIT_IP: '100000', EPAY_PAY_LIMIT_PROJECT: '100000' })
  const { deps, dispatcher } = await composeDeps(config, counted, { logger: createLogger('warn', () => undefined) })
  await deps.projects.add({ id: project.id, name: 'Bench statements', secret: project.secret, allowedOrigins: [], returnHosts: [], callbackUrl: receiver.url, testMode: true })
  const server = serve({ fetch: createApp(deps).fetch, port: 0, hostname: '127.0.0.1' })
  await new Promise<void>((r) => server.once('listening', () => r()))
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const pay = async (i: number, measured: boolean) => {
    const params = { project_id: project.id, payment_id: `stmt-${process.pid}-${i}`, payment_amount: 1000 + i, payment_currency: 'EUR' }
    const query = new URLSearchParams(Object.entries(params).map(([k, v]) => [k, String(v)]))
    query.set('signature', sign(params, project.secret))
    const ip = { 'x-forwarded-for': `10.8.${i >> 8}.${i & 255}` }
    const before = receiver.events.size
    const reset = () => {
      if (!measured) for (const p of Object.values(phases)) Object.assign(p, empty())
    }
    phase = 'open'
    reset()
    const html = await (await fetch(`${base}/payment?${query}`, { headers: { ...BROWSER_HEADERS, ...ip } })).text()
    const token = (JSON.parse(/id="epay-boot">(.*?)<\/script>/s.exec(html)![1]!) as { token: string }).token
    phase = 'pay'
    const response = await fetch(`${base}/api/page/pay`, {
      method: 'POST',
      headers: { ...ip, authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ method: 'card', card: { pan: '4242424242424242', exp_month: 12, exp_year: 2035, cvc: '123', holder: 'BENCH' } }),
    })
    await response.arrayBuffer()
    // The pay call wakes the dispatcher: what it runs from here is the delivery's share.
    phase = 'deliver'
    while (receiver.events.size === before) await new Promise((r) => setTimeout(r, 2))
    // The delivery is recorded after the receiver answers; let that write land in this phase.
    await new Promise((r) => setTimeout(r, 30))
    reset()
  }
  const stop = dispatcher.start(3_600_000)
  try {
    await pay(0, false) // warm-up: first-use reads (settings, caches) are not per payment
    for (let i = 1; i <= count; i++) await pay(i, true)
  } finally {
    await stop()
    await new Promise<void>((r) => server.close(() => r()))
    await receiver.close()
  }
  const per = (c: StatementCount): StatementCount => ({
    statements: c.statements / count,
    transactions: c.transactions / count,
    roundTrips: c.roundTrips / count,
    byText: new Map([...c.byText].map(([k, v]) => [k, v / count])),
    databaseMs: c.databaseMs / count,
    msByText: new Map([...c.msByText].map(([k, v]) => [k, v / count])),
  })
  const total = empty()
  for (const p of Object.values(phases)) {
    total.statements += p.statements
    total.transactions += p.transactions
    total.roundTrips += p.roundTrips
    total.databaseMs += p.databaseMs
    for (const [k, v] of p.byText) total.byText.set(k, (total.byText.get(k) ?? 0) + v)
    for (const [k, v] of p.msByText) total.msByText.set(k, (total.msByText.get(k) ?? 0) + v)
  }
  return { open: per(phases.open), pay: per(phases.pay), deliver: per(phases.deliver), total: per(total) }
}
