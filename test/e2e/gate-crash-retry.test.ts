import { afterAll, describe, expect, it } from 'vitest'
import { sign } from '../../server/signature/signature.ts'
import type { Signable } from '../../server/signature/string-to-sign.ts'
import type { Sql } from '../../server/storage/sql.ts'
import { pgliteStorage, postgresStorage, type CrashStorage } from './crash-driver.ts'
import { cli, eventually, freePort, serverEnv, startServer, tempDir, type ServerProcess } from './harness.ts'

const SECRET = 'gate-crash-secret'
const PROJECT = 7301
const EACH = 16
// Starting the real server takes a few seconds; on a shared, loaded machine many more.
const START = { timeoutMs: 120_000 }

const storages: Array<[string, () => Promise<CrashStorage>]> = [['pglite', async () => pgliteStorage(tempDir('epay-gate-crash-'))]]
if (process.env['DATABASE_URL']) storages.push(['postgres', () => postgresStorage(process.env['DATABASE_URL']!)])

type Keyed = { kind: 'sale' | 'auth' | 'capture' | 'refund' | 'payout'; paymentId: string; path: string; key: string; body: string }
type Answer = { status: number; body: string; replayed: boolean }

/**
 * Issue 9: 80 keyed Gate requests at once (sales, auths, captures, partial refunds, payouts), the
 * server SIGKILLed mid-batch, restarted, and every lost request retried with the same
 * Idempotency-Key and body, as docs/api.md tells merchants: each retry answers what the first
 * run did, no refund exceeds what was asked, no effect happens twice, nothing stays `new`.
 */
// The PGlite and PostgreSQL campaigns run side by side: separate processes, directories, schemas
// and ports, so neither can see the other, and the suite's time is the longer one's, not the sum.
describe.concurrent.each(storages)('Gate retries across a SIGKILL (%s)', (_name, prepare) => {
  let server: ServerProcess | undefined
  let storage: CrashStorage | undefined
  afterAll(async () => {
    await server?.stop('SIGKILL')
    await storage?.cleanup()
  })

  it('answers every lost request once and the same, and moves money once', async () => {
    const started = Date.now()
    // Phase times in the output, so a slow run shows where its time went.
    const phase = (what: string) => process.stdout.write(`[gate-crash ${_name}] ${what} at ${Date.now() - started} ms\n`)
    storage = await prepare()
    const port = await freePort()
    // Provider calls take long enough that the kill finds most of the batch in flight.
    const env = { ...serverEnv(port, storage.storage), EPAY_ACQUIRER_LATENCY_MS: '400' }
    cli(env, ['project', 'add', '--id', String(PROJECT), '--name', 'Gate crash shop', '--secret-stdin', '--test'], SECRET)
    server = await startServer(env, START)
    const base = server.url
    const send = async (r: Pick<Keyed, 'path' | 'key' | 'body'>): Promise<Answer> => {
      const response = await fetch(`${base}${r.path}`, { method: 'POST', headers: { 'content-type': 'application/json', 'idempotency-key': r.key }, body: r.body })
      return { status: response.status, body: await response.text(), replayed: response.headers.get('idempotent-replayed') === 'true' }
    }
    const run = Date.now().toString(36)
    const request = (kind: Keyed['kind'], paymentId: string, path: string, body: Record<string, Signable>): Keyed =>
      ({ kind, paymentId, path, key: `${kind}-${paymentId}`, body: signed(paymentId, body) })
    const cardBody = { card: { pan: '4242424242424242', year: 2035, month: 12, card_holder: 'CRASH TEST', cvv: '123' } }

    // Before the batch: authorisations to capture and sales to refund (which also fund the payouts).
    const authorised = Array.from({ length: EACH }, (_, i) => request('auth', `pre-auth-${run}-${i}`, '/v2/payment/card/auth', { payment: { amount: 4000, currency: 'EUR' }, ...cardBody }))
    const sold = Array.from({ length: EACH }, (_, i) => request('sale', `pre-sale-${run}-${i}`, '/v2/payment/card/sale', { payment: { amount: 5000, currency: 'EUR' }, ...cardBody }))
    phase('server up')
    for (const answer of await Promise.all([...authorised, ...sold].map(send))) expect(answer.status).toBe(200)
    phase('payments to capture and refund made')

    const batch: Keyed[] = []
    for (let i = 0; i < EACH; i++) {
      batch.push(request('sale', `sale-${run}-${i}`, '/v2/payment/card/sale', { payment: { amount: 1500, currency: 'EUR' }, ...cardBody }))
      batch.push(request('auth', `auth-${run}-${i}`, '/v2/payment/card/auth', { payment: { amount: 1500, currency: 'EUR' }, ...cardBody }))
      batch.push(request('capture', authorised[i]!.paymentId, '/v2/payment/card/capture', { payment: { amount: 3000, currency: 'EUR' } }))
      batch.push(request('refund', sold[i]!.paymentId, '/v2/payment/card/refund', { payment: { amount: 1000, currency: 'EUR' } }))
      batch.push(request('payout', `payout-${run}-${i}`, '/v2/payment/wallet/jeton/payout', { payment: { amount: 300, currency: 'EUR' }, account: { number: 'JT0000012345' } }))
    }
    const first = new Map<string, Answer>()
    const inFlight = batch.map((r) => send(r).then((answer) => void first.set(r.key, answer), () => undefined))
    // Kill as soon as a few answers are out: the rest of the batch is lost with the process.
    await eventually(() => first.size >= 5 || undefined, 30_000, 'the first answers')
    await server.stop('SIGKILL')
    await Promise.all(inFlight)
    const lost = batch.filter((r) => !first.has(r.key))
    expect(lost.length).toBeGreaterThan(0)
    phase(`killed with ${first.size} answered, ${lost.length} lost`)

    // Back at the default speed: the resolvers settle what the kill left in flight sooner.
    server = await startServer({ ...env, EPAY_ACQUIRER_LATENCY_MS: '50' }, START)
    phase('restarted')
    // Every lost request again, as the merchant retries it: same key, same signed body.
    const retried = new Map<string, Answer>()
    await Promise.all(lost.map(async (r) => retried.set(r.key, await retryUntilSettled(() => send(r)))))
    for (const r of lost) expect(retried.get(r.key), `${r.kind} ${r.paymentId}`).toMatchObject({ status: 200 })
    // An answer that did arrive is replayed as it was.
    for (const r of batch.filter((b) => first.has(b.key)).slice(0, 10)) {
      const again = await send(r)
      expect(again).toEqual({ ...first.get(r.key)!, replayed: true })
    }

    phase('lost requests retried')
    // What stayed in flight is settled from the providers' records by the resolvers.
    const paymentIds = [...new Set(batch.map((r) => r.paymentId))]
    let unsettled: string[] = []
    const settled = await eventually(async () => {
      const views = await Promise.all(paymentIds.map(async (id) => {
        const response = await fetch(`${base}/v2/payment/status`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: signed(id, {}) })
        return { id, view: (await response.json()) as { payment?: { status: string }; operations?: Array<{ type: string; status: string }> } }
      }))
      unsettled = views.filter(({ view }) => view.payment?.status === 'new' || view.operations?.some((o) => o.status === 'processing'))
        .map(({ id, view }) => `${id}: ${view.payment?.status} [${view.operations?.map((o) => `${o.type} ${o.status}`).join(', ')}]`)
      return unsettled.length === 0 || undefined
    }, 45_000, 'nothing new, no operation left processing').catch(() => false)
    expect(settled, `unsettled:\n${unsettled.join('\n')}\nserver errors:\n${server.output().split('\n').filter((l) => /"level":"(error|warn)"/.test(l)).slice(-10).join('\n')}`).toBe(true)
    phase('all settled')
    const output = server.output()
    await server.stop('SIGTERM')
    server = undefined

    const { sql, close } = await storage.open()
    try {
      for (const r of batch) {
        const ops = await operationsOf(sql, r.paymentId, r.kind)
        // One effect per request, whatever was lost and retried.
        expect(ops, `${r.kind} ${r.paymentId}`).toHaveLength(1)
        const answer = retried.get(r.key) ?? first.get(r.key)!
        expect((JSON.parse(answer.body) as { request_id: string }).request_id, `${r.kind} ${r.paymentId}`).toBe(ops[0]!.request_id)
        if (r.kind === 'refund') expect(Number(ops[0]!.amount)).toBe(1000)
      }
      // Σ refunded never exceeds what was asked.
      const refunded = await sql.query<{ payment_id: string; total: string }>(
        `SELECT p.payment_id, SUM(o.amount)::text AS total FROM operations o JOIN payments p ON p.id = o.payment_row_id
          WHERE p.project_id = $1 AND o.type = 'refund' GROUP BY p.payment_id HAVING SUM(o.amount) > 1000`, [PROJECT])
      expect(refunded).toEqual([])
      expect(await sql.query(`SELECT payment_id FROM payments WHERE project_id = $1 AND status = 'new'`, [PROJECT])).toEqual([])
      const unbalanced = await sql.query('SELECT operation_id FROM ledger_postings GROUP BY operation_id HAVING SUM(amount) <> 0')
      expect(unbalanced).toEqual([])
    } finally {
      await close()
    }
    expect(output).not.toContain('4242424242424242')
  }, 300_000)
})

/** The Gate body for `paymentId`, signed as the official SDKs sign it. */
function signed(paymentId: string, body: Record<string, Signable>): string {
  const full = { general: { project_id: PROJECT, payment_id: paymentId }, ...body }
  return JSON.stringify({ ...full, general: { ...full.general, signature: sign(full, SECRET) } })
}

/** Retries a `409 conflict` (another request on the payment still in flight), as docs/api.md says to. */
async function retryUntilSettled(call: () => Promise<Answer>): Promise<Answer> {
  for (let attempt = 0; ; attempt++) {
    const answer = await call()
    if (!(answer.status === 409 && answer.body.includes('"conflict"')) || attempt >= 60) return answer
    await new Promise((r) => setTimeout(r, 250))
  }
}

function operationsOf(sql: Sql, paymentId: string, type: string) {
  return sql.query<{ request_id: string; amount: unknown; status: string }>(
    `SELECT o.request_id, o.amount, o.status FROM operations o JOIN payments p ON p.id = o.payment_row_id
      WHERE p.project_id = $1 AND p.payment_id = $2 AND o.type = $3`, [PROJECT, paymentId, type])
}
