import { createServer, request, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { callbackHeader, sign, splitSignature, verify } from '../../server/signature/signature.ts'
import type { Signable } from '../../server/signature/string-to-sign.ts'
import { openPglite } from '../../server/storage/pglite.ts'
import type { Sql } from '../../server/storage/sql.ts'
import { openPostgresSchema } from '../fixtures/databases.ts'

/**
 * The shopper side of the crash harness (crash-harness.test.ts, two-process.test.ts): lanes of
 * simulated shoppers paying through real HTTP — the page, the page API, the simulated ACS and
 * wallet — that keep going while servers are killed and restarted under them, and a merchant
 * callback receiver that dedupes by `X-EPay-Event-Id`.
 */

/** A small seeded PRNG (mulberry32), so a failing run can be replayed with the same seed. */
export function seededRandom(seed: number) {
  let a = seed >>> 0
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  return {
    next,
    /** An integer in [min, max]. */
    int: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)),
    pick<T>(weighted: ReadonlyArray<readonly [T, number]>): T {
      const total = weighted.reduce((s, [, w]) => s + w, 0)
      let r = next() * total
      for (const [value, weight] of weighted) if ((r -= weight) < 0) return value
      return weighted[weighted.length - 1]![0]
    },
  }
}
export type Random = ReturnType<typeof seededRandom>

/** One callback event as the merchant's receiver saw it (possibly several deliveries). */
export type ReceivedEvent = { deliveries: number; body: Record<string, Signable>; signatureValid: boolean; headerValid: boolean }

/** A merchant callback receiver on loopback: verifies both signatures and counts deliveries per event id. */
export async function startReceiver(secret: string) {
  const events = new Map<string, ReceivedEvent>()
  let deliveries = 0
  let lastAt = Date.now()
  const server: Server = createServer((req, res) => {
    let raw = ''
    req.on('data', (d: Buffer) => (raw += d.toString('utf8')))
    req.on('end', () => {
      deliveries++
      lastAt = Date.now()
      const id = String(req.headers['x-epay-event-id'] ?? '')
      const body = JSON.parse(raw) as Record<string, Signable>
      const { signature, params } = splitSignature(body)
      const header = String(req.headers['x-epay-signature'] ?? '')
      const t = Number(/^t=(\d+),/.exec(header)?.[1])
      const seen = events.get(id)
      events.set(id, {
        deliveries: (seen?.deliveries ?? 0) + 1,
        body,
        signatureValid: signature !== undefined && verify(params, signature, secret),
        headerValid: Number.isSafeInteger(t) && header === callbackHeader(raw, secret, t),
      })
      res.writeHead(200).end('ok')
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/callbacks`,
    events,
    deliveries: () => deliveries,
    /** Milliseconds since the last delivery arrived. */
    quietFor: () => Date.now() - lastAt,
    close: () => new Promise<void>((r) => server.close(() => r())),
  }
}
export type Receiver = Awaited<ReturnType<typeof startReceiver>>

/** The kinds of payment a shopper makes, with the outcome the simulators give each. */
export const FLOW_KINDS = [
  ['card_success', 35],
  ['card_decline', 20],
  ['3ds_confirm', 15],
  ['3ds_fail', 5],
  ['jeton_success', 15],
  ['jeton_decline', 5],
  ['jeton_forced_decline', 5],
] as const
export type FlowKind = (typeof FLOW_KINDS)[number][0]

const CARD = { exp_month: 12, exp_year: 2035, cvc: '321', holder: 'CRASH TEST' }
const PANS = { success: '4242424242424242', decline: '4000000000000002', threeDs: '4000000000003220' }
const FINAL = new Set(['success', 'decline', 'awaiting capture', 'cancelled', 'refunded', 'partially refunded', 'expired', 'error'])

type PageState = {
  status: string
  attempts_left: number
  last_attempt?: { status: string; code?: string }
  redirect_data?: { method: 'GET' | 'POST'; url: string; body: Record<string, string> }
}

/** What one shopper's payment ended as, from the shopper's side. */
export type FlowResult = { paymentId: string; kind: FlowKind; status: string; acknowledged: boolean; payCalls: number; networkRetries: number }

class ServerDown extends Error {}

/**
 * Drives payments through `target()` (a server or a proxy in front of several) in `lanes`
 * concurrent shoppers until `stop()`; every request survives the server dying under it by
 * retrying or asking for the status, as the hosted page does.
 * Hint: each flow gets its own client address (X-Forwarded-For, with EPAY_TRUST_PROXY=1), as
 * real shoppers have, so the per-IP card-testing limit sees shoppers, not the test driver.
 */
export function createDriver(options: {
  target: () => string
  projectId: number
  secret: string
  random: Random
  prefix: string
  lanes: number
  flowDeadlineMs?: number
}) {
  const results: FlowResult[] = []
  let driving = true
  let counter = 0
  let networkErrors = 0
  const flowDeadlineMs = options.flowDeadlineMs ?? 60_000

  /** Sends one request; throws ServerDown when the connection fails (server killed or restarting). */
  async function send(path: string, init: RequestInit & { ip: string }): Promise<Response> {
    const { ip, ...rest } = init
    const headers = new Headers(rest.headers)
    headers.set('x-forwarded-for', ip)
    try {
      const response = await fetch(`${options.target()}${path}`, { ...rest, headers, redirect: 'manual', signal: AbortSignal.timeout(15_000) })
      // Read the whole body here: a kill can cut a (compressed, streamed) body half-way, and that
      // is a lost answer like a refused connection, not a wrong one.
      const body = await response.arrayBuffer()
      const empty = response.status === 204 || response.status === 304
      return new Response(empty ? null : body, { status: response.status, headers: response.headers })
    } catch (error) {
      networkErrors++
      throw new ServerDown(error instanceof Error ? error.message : String(error))
    }
  }

  async function flow(kind: FlowKind): Promise<FlowResult> {
    const n = ++counter
    const paymentId = `${options.prefix}-${n}`
    const ip = `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`
    const deadline = Date.now() + flowDeadlineMs
    const trace: string[] = []
    let retries = 0
    let payCalls = 0

    /** Repeats `fn` while the server is down; anything else propagates. */
    const retry = async <T>(fn: () => Promise<T>): Promise<T> => {
      for (;;) {
        try {
          return await fn()
        } catch (error) {
          if (!(error instanceof ServerDown) || Date.now() > deadline) throw error
          retries++
          await sleep(150)
        }
      }
    }
    const form = (data: Record<string, string>) => ({
      method: 'POST', ip, headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(data).toString(),
    })
    const expectRedirect = async (response: Response, what: string): Promise<string> => {
      if (response.status >= 500) throw new ServerDown(`${what}: HTTP ${response.status}`)
      if (response.status !== 303) throw new Error(`${what}: HTTP ${response.status} ${(await response.text()).slice(0, 300)}`)
      return response.headers.get('location') ?? ''
    }
    const expectOk = async (response: Response, what: string) => {
      if (response.status >= 500) throw new ServerDown(`${what}: HTTP ${response.status}`)
      if (!response.ok) throw new Error(`${what}: HTTP ${response.status} ${(await response.text()).slice(0, 300)}`)
      return response
    }

    const amount = kind === 'jeton_forced_decline' ? 40000 : 1000 + options.random.int(0, 9000)
    const params = {
      project_id: options.projectId, payment_id: paymentId, payment_amount: amount, payment_currency: 'EUR', payment_description: `crash ${kind}`,
      ...(kind.startsWith('jeton') ? { force_payment_method: 'jeton' } : {}),
    }
    const query = new URLSearchParams(Object.entries(params).map(([k, v]) => [k, String(v)]))
    query.set('signature', sign(params, options.secret))
    // Reopening the same signed link is idempotent, so a lost answer is simply asked again.
    const html = await retry(async () => (await expectOk(await send(`/payment?${query}`, { ip }), 'open')).text())
    const token = JSON.parse(/id="epay-boot">(.*?)<\/script>/s.exec(html)![1]!).token as string
    const auth = { authorization: `Bearer ${token}` }

    const status = () => retry(async () => (await (await expectOk(await send('/api/page/status', { ip, headers: auth }), 'status')).json()) as PageState)
    const pay = async (): Promise<PageState> => {
      const body =
        kind.startsWith('jeton') ? { method: 'jeton' }
        : { method: 'card', card: { ...CARD, pan: kind === 'card_success' ? PANS.success : kind === 'card_decline' ? PANS.decline : PANS.threeDs } }
      payCalls++
      let response: Response
      try {
        response = await send('/api/page/pay', { method: 'POST', ip, headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify(body) })
      } catch (error) {
        // The answer is lost, not the attempt: ask what happened, as the page does.
        if (error instanceof ServerDown) return status()
        throw error
      }
      if (response.ok) return (await response.json()) as PageState
      // 409: an attempt is in flight or the payment is paid; 429: wait out the limit; 5xx: dying server.
      if (response.status === 409 || response.status === 429 || response.status >= 500) {
        if (response.status === 429) await sleep(1000)
        return status()
      }
      throw new Error(`pay: HTTP ${response.status} ${(await response.text()).slice(0, 300)}`)
    }

    let state = await pay()
    let repays = 0
    let walletDecided = false
    while (Date.now() < deadline) {
      if (trace.at(-1) !== state.status) trace.push(state.status)
      const redirect = walletDecided ? undefined : state.redirect_data
      if (state.status === 'new') {
        state = await pay()
      } else if (state.status === 'decline' && state.last_attempt?.code === '30000' && state.attempts_left > 0 && repays < 2) {
        // Declined as "not processed" after a crash: the shopper tries again, as the page lets them.
        repays++
        state = await pay()
      } else if (FINAL.has(state.status)) {
        break
      } else if (state.status === 'awaiting 3ds result' && redirect) {
        // As the shopper's browser: post the entry to the ACS, decide there, post the way back.
        // The ACS is found by the ticket in its address; the return token resumes once, and a
        // retried return still settles from the acquirer's answer, it only hands out no session.
        const decision = kind === '3ds_fail' ? 'fail' : 'confirm'
        const acs = new URL(redirect.url).pathname
        await retry(async () => expectRedirect(await send(acs, form(redirect.body)), 'acs'))
        await retry(async () => expectRedirect(await send(`${acs}/decide`, form({ decision })), 'acs decide'))
        await retry(async () => expectRedirect(await send('/payment/3ds-return', form({ MD: redirect.body['MD']! })), '3ds return'))
        state = await status()
      } else if (state.status === 'awaiting redirect result' && redirect) {
        const walletPath = new URL(redirect.url).pathname
        await retry(async () => expectOk(await send(walletPath, { ip }), 'wallet page'))
        const decision = kind === 'jeton_decline' ? 'decline' : 'success'
        // A decision already made (our earlier request, whose answer was lost) only sends us back again.
        const back = await retry(async () => expectRedirect(await send(`${walletPath}/decide`, form({ decision })), 'wallet decide'))
        walletDecided = true
        await retry(async () => expectRedirect(await send(new URL(back, 'http://x').pathname, { ip }), 'wallet return'))
        state = await status()
      } else {
        await sleep(250)
        state = await status()
      }
    }
    const acknowledged = FINAL.has(state.status)
    return {
      paymentId, kind, acknowledged, payCalls, networkRetries: retries,
      status: acknowledged ? state.status : `unresolved after ${trace.join(' → ')} (${state.status})`,
    }
  }

  const errors: string[] = []
  const lanes = Array.from({ length: options.lanes }, async () => {
    while (driving) {
      const kind = options.random.pick(FLOW_KINDS)
      try {
        results.push(await flow(kind))
      } catch (error) {
        errors.push(`${kind}: ${error instanceof Error ? error.message : String(error)}`)
      }
      await sleep(50)
    }
  })
  return {
    results,
    errors,
    networkErrors: () => networkErrors,
    /** Stops starting new payments and waits for the ones under way. */
    async stop(): Promise<void> {
      driving = false
      await Promise.all(lanes)
    },
  }
}
export type Driver = ReturnType<typeof createDriver>

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms))
}

/** Work the servers still owe: undelivered callbacks and attempts a status query will resolve. */
export async function outstanding(sql: Sql, projectId: number): Promise<{ callbacks: number; processing: number; atWallet: number; dueAt: number }> {
  const callbacks = await sql.query<{ due: Date | string }>(
    `SELECT GREATEST(next_attempt_at, COALESCE(locked_until, next_attempt_at)) AS due FROM callback_outbox
      WHERE project_id = $1 AND status = 'pending'`, [projectId])
  const processing = await sql.query<{ updated_at: Date | string; method: string | null }>(
    `SELECT o.updated_at, o.method FROM operations o JOIN payments p ON p.id = o.payment_row_id
      WHERE p.project_id = $1 AND o.status = 'processing'`, [projectId])
  // A shopper sent to the wallet whose way back and the wallet's notification both died with a
  // server is asked about after 5 minutes (SPEC §6), longer than a run waits.
  const atWallet = processing.filter((r) => r.method !== null && r.method !== 'card').length
  // The resolver asks the acquirer about an attempt 5 s after its last change, on a 1 s job tick.
  const due = [...callbacks.map((r) => new Date(r.due).getTime()), ...processing.map((r) => new Date(r.updated_at).getTime() + 6_000)]
  return { callbacks: callbacks.length, processing: processing.length, atWallet, dueAt: Math.max(0, ...due) }
}

/** What is still owed, for a run's failure message. */
export async function describeOutstanding(sql: Sql, projectId: number): Promise<string> {
  const operations = await sql.query(
    `SELECT o.id::text AS id, o.type, o.method, o.status, o.updated_at, p.payment_id FROM operations o
       JOIN payments p ON p.id = o.payment_row_id WHERE p.project_id = $1 AND o.status = 'processing'`, [projectId])
  const callbacks = await sql.query(
    `SELECT id, attempts, next_attempt_at, locked_until, last_error FROM callback_outbox WHERE project_id = $1 AND status = 'pending'`, [projectId])
  return `processing: ${JSON.stringify(operations)}; pending callbacks: ${JSON.stringify(callbacks)}`
}

/** The end-of-run counts printed by the harness. */
export type RunCounts = {
  payments: number; successes: number; declines: number; unresolved: number; operations: number
  stalledResolved: number; callbacks: number; deliveries: number; duplicates: number
}

/**
 * Checks the promises of SPEC §6 and §8 on the database after the servers stopped, against what
 * the shoppers were told and what the merchant received; returns every violation found.
 */
export async function checkInvariants(sql: Sql, run: { projectId: number; results: FlowResult[]; receiver: Receiver }) {
  const violations: string[] = []
  const payments = await sql.query<{ id: string; payment_id: string; status: string }>(
    'SELECT id, payment_id, status FROM payments WHERE project_id = $1', [run.projectId])
  const operations = (await sql.query<Record<string, unknown>>(
    `SELECT o.id::text AS id, o.payment_row_id, o.type, o.status, o.amount, o.code, o.method FROM operations o
       JOIN payments p ON p.id = o.payment_row_id WHERE p.project_id = $1`, [run.projectId]))
    .map((r) => ({ id: String(r['id']), payment: String(r['payment_row_id']), type: String(r['type']), status: String(r['status']), amount: Number(r['amount']), code: r['code'] === null ? undefined : String(r['code']) }))
  const outbox = (await sql.query<Record<string, unknown>>(
    'SELECT id, operation_id::text AS operation_id, status FROM callback_outbox WHERE project_id = $1', [run.projectId]))
    .map((r) => ({ id: String(r['id']), operation: String(r['operation_id']), status: String(r['status']) }))
  const postings = (await sql.query<Record<string, unknown>>(
    'SELECT operation_id::text AS operation_id, account, amount FROM ledger_postings WHERE project_id = $1', [run.projectId]))
    .map((r) => ({ operation: String(r['operation_id']), account: String(r['account']), amount: Number(r['amount']) }))
  const cardResults = await sql.query<{ reference: string; result: string }>('SELECT reference, result FROM sim_card_authorisations')
  const walletResults = await sql.query<{ reference: string; result: string | null }>('SELECT reference, result FROM sim_wallet_payments')

  const paymentByMerchantId = new Map(payments.map((p) => [p.payment_id, p]))
  const operationById = new Map(operations.map((o) => [o.id, o]))
  const attempt = (o: { type: string }) => o.type === 'sale' || o.type === 'auth'
  const finalOp = (o: { status: string }) => o.status === 'success' || o.status === 'decline'

  // 1. Every acknowledged payment is still there, with the status the shopper was shown.
  for (const r of run.results.filter((x) => x.acknowledged)) {
    const stored = paymentByMerchantId.get(r.paymentId)
    if (!stored) violations.push(`acknowledged payment ${r.paymentId} (${r.status}) is missing`)
    else if (stored.status !== r.status) violations.push(`payment ${r.paymentId} was acknowledged as ${r.status} but is stored as ${stored.status}`)
  }
  // 2. At most one successful sale/auth per payment, in EPay's records and at the providers.
  const successes = new Map<string, number>()
  for (const o of operations) if (attempt(o) && o.status === 'success') successes.set(o.payment, (successes.get(o.payment) ?? 0) + 1)
  for (const [payment, n] of successes) if (n > 1) violations.push(`payment ${payment} has ${n} successful sale/auth operations`)
  const approvals = new Map<string, number>()
  const approvedReferences = [
    ...cardResults.filter((r) => (JSON.parse(r.result) as { kind: string }).kind === 'approved').map((r) => r.reference),
    ...walletResults.filter((r) => r.result === 'success').map((r) => r.reference),
  ]
  for (const reference of approvedReferences) {
    const o = operationById.get(reference)
    if (!o) continue
    approvals.set(o.payment, (approvals.get(o.payment) ?? 0) + 1)
    if (o.status !== 'success') violations.push(`operation ${o.id} was approved by the provider but is stored as ${o.status} (money taken, not recorded)`)
  }
  for (const [payment, n] of approvals) if (n > 1) violations.push(`payment ${payment} was charged ${n} times at the provider`)
  // 3. Exactly one outbox event per final operation, all delivered, as the merchant received them.
  const eventsByOperation = new Map<string, number>()
  for (const e of outbox) eventsByOperation.set(e.operation, (eventsByOperation.get(e.operation) ?? 0) + 1)
  for (const o of operations.filter(attempt)) {
    const n = eventsByOperation.get(o.id) ?? 0
    if (finalOp(o) && n !== 1) violations.push(`final operation ${o.id} (${o.status}) has ${n} outbox callbacks`)
    if (!finalOp(o) && n !== 0) violations.push(`operation ${o.id} in ${o.status} already has a callback`)
  }
  for (const e of outbox) {
    if (e.status !== 'delivered') violations.push(`callback ${e.id} is ${e.status}, not delivered`)
    const got = run.receiver.events.get(e.id)
    const o = operationById.get(e.operation)
    if (!got) violations.push(`callback ${e.id} never reached the merchant`)
    else {
      if (!got.signatureValid || !got.headerValid) violations.push(`callback ${e.id} arrived with an invalid signature`)
      const op = got.body['operation'] as Record<string, unknown> | undefined
      if (o && (String(op?.['id']) !== o.id || op?.['status'] !== o.status)) violations.push(`callback ${e.id} reports ${JSON.stringify(op?.['status'])}, operation ${o.id} is ${o.status}`)
    }
  }
  for (const id of run.receiver.events.keys()) if (!outbox.some((e) => e.id === id)) violations.push(`the merchant received an event ${id} that is not in the outbox`)
  // 4. The ledger balances, in total and per operation, and holds exactly a captured sale's two legs.
  const total = postings.reduce((s, p) => s + p.amount, 0)
  if (total !== 0) violations.push(`the ledger does not balance: Σ = ${total}`)
  const legs = new Map<string, Array<{ account: string; amount: number }>>()
  for (const p of postings) legs.set(p.operation, [...(legs.get(p.operation) ?? []), p])
  for (const [operation, list] of legs) {
    const sum = list.reduce((s, p) => s + p.amount, 0)
    if (sum !== 0) violations.push(`operation ${operation}'s postings sum to ${sum}`)
  }
  for (const o of operations.filter(attempt)) {
    const list = legs.get(o.id) ?? []
    const want = o.status === 'success' && o.type === 'sale' ? 2 : 0
    if (list.length !== want) violations.push(`operation ${o.id} (${o.type} ${o.status}) has ${list.length} ledger postings, expected ${want}`)
    if (want === 2 && !list.some((p) => p.account === 'acquirer' && p.amount === o.amount)) violations.push(`operation ${o.id}'s postings do not carry its amount`)
  }
  // 5. Nothing acknowledged is still in flight.
  const inFlight = operations.filter((o) => attempt(o) && !finalOp(o))
  for (const o of inFlight) {
    const p = payments.find((x) => x.id === o.payment)
    if (p && run.results.some((r) => r.acknowledged && r.paymentId === p.payment_id)) violations.push(`operation ${o.id} of acknowledged payment ${p.payment_id} is still ${o.status}`)
  }
  const deliveries = [...run.receiver.events.values()].reduce((s, e) => s + e.deliveries, 0)
  const counts: RunCounts = {
    payments: payments.length,
    successes: payments.filter((p) => p.status === 'success').length,
    declines: payments.filter((p) => p.status === 'decline').length,
    unresolved: payments.filter((p) => !['success', 'decline'].includes(p.status)).length,
    operations: operations.length,
    stalledResolved: operations.filter((o) => o.code === '30000').length,
    callbacks: run.receiver.events.size,
    deliveries,
    duplicates: deliveries - run.receiver.events.size,
  }
  return { violations, counts }
}

/** Where a crash run keeps its data, and how the checks open it once the servers stopped. */
export type CrashStorage = {
  name: 'pglite' | 'postgres'
  storage: { dataDir: string } | { databaseUrl: string }
  open(): Promise<{ sql: Sql; close(): Promise<void> }>
  cleanup(): Promise<void>
}

/** A fresh PGlite directory; the checks open it in this process after the server is gone. */
export function pgliteStorage(dataDir: string): CrashStorage {
  return {
    name: 'pglite',
    storage: { dataDir },
    async open() {
      const sql = await openPglite(dataDir)
      return { sql, close: () => sql.close() }
    },
    cleanup: async () => undefined,
  }
}

/** A fresh PostgreSQL schema, reached by the servers through `search_path` in the URL's options. */
export async function postgresStorage(url: string): Promise<CrashStorage> {
  const sql = await openPostgresSchema(url, 2)
  const schema = (await sql.query<{ s: string }>('SELECT current_schema() AS s'))[0]!.s
  const serverUrl = new URL(url)
  serverUrl.searchParams.set('options', `-c search_path=${schema}`)
  return {
    name: 'postgres',
    storage: { databaseUrl: serverUrl.toString() },
    open: async () => ({ sql, close: async () => undefined }),
    cleanup: () => sql.close(),
  }
}

/**
 * A round-robin HTTP load balancer on loopback in front of several server processes. A backend
 * that refuses the connection is skipped (the request never reached it, so retrying elsewhere is
 * safe, as nginx's `proxy_next_upstream error` does); one that dies mid-request drops the
 * client's connection, as a real balancer would.
 */
export async function startBalancer(backends: readonly number[]) {
  let next = 0
  const forward = (port: number, req: IncomingMessage, body: Buffer) =>
    new Promise<IncomingMessage>((resolve, reject) => {
      const upstream = request({ host: '127.0.0.1', port, method: req.method, path: req.url, headers: req.headers }, resolve)
      upstream.on('error', reject)
      upstream.end(body)
    })
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    const body = Buffer.concat(chunks)
    const first = next++
    for (let i = 0; i < backends.length; i++) {
      try {
        const upstream = await forward(backends[(first + i) % backends.length]!, req, body)
        res.writeHead(upstream.statusCode ?? 502, upstream.headers)
        upstream.pipe(res)
        upstream.on('error', () => res.destroy())
        return
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ECONNREFUSED') break
      }
    }
    res.destroy()
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    port,
    close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()) }),
  }
}

/**
 * Runs a campaign's expectations and, when one fails, prints it under the campaign's label
 * before rethrowing: the crash suites get one retry, and a first attempt that failed and a retry
 * that passed must still leave the reason in the log (a flake is reported, never hidden).
 */
export function expectAll(label: string, check: () => void): void {
  try {
    check()
  } catch (error) {
    console.log(`[${label}] FAILED on this attempt: ${error instanceof Error ? error.message : String(error)}`)
    throw error
  }
}
