import { Hono } from 'hono'
import type * as v from 'valibot'
import { BalanceRequestSchema, OperationsRequestSchema, PaymentRefRequestSchema } from '../../../../protocol/schemas/gate.ts'
import type { BalanceResponseSchema } from '../../../../protocol/schemas/gate-views.ts'
import { PaymentError } from '../../../domain/errors.ts'
import { merchantPayment } from '../../../domain/gate-payment.ts'
import type { AppDeps } from '../../deps.ts'
import { gateBody, type GateEnv } from '../../gate-signature.ts'
import { toCallbacksResponse, toOperationsPage, toStatusResponse } from '../../gate-views.ts'
import { redirectDataFor } from '../../redirect-data.ts'

/** Read-only Gate calls: a payment's status, the operations list and the merchant balance. */
export function queryRoutes(deps: AppDeps): Hono<GateEnv> {
  const app = new Hono<GateEnv>()

  app.post('/v2/payment/status', async (c) => {
    const body = gateBody(c, PaymentRefRequestSchema)
    const payment = await merchantPayment(deps, c.get('gate').project, body.general.payment_id)
    const operations = await deps.payments.operations(payment.id)
    // Only the merchant who started a payment through the Gate sends its shopper on: a page
    // payment's ACS entry and return token belong to the shopper's page alone.
    const waiting = payment.channel === 'gate' ? operations.find((op) => op.status === 'awaiting 3ds result' || op.status === 'awaiting redirect result') : undefined
    const redirect = waiting ? await redirectDataFor(deps, waiting, { parentOrigin: undefined, guid: undefined }) : undefined
    return c.json(toStatusResponse(payment, operations, redirect, deps.clock.now()))
  })

  app.post('/v2/payment/callbacks', async (c) => {
    const body = gateBody(c, PaymentRefRequestSchema)
    const payment = await merchantPayment(deps, c.get('gate').project, body.general.payment_id)
    return c.json(toCallbacksResponse(payment, await deps.outbox.forPayment(payment.id)))
  })

  app.post('/v2/operations/get', async (c) => {
    const body = gateBody(c, OperationsRequestSchema)
    const items = await deps.gate.operationQuery.list({
      projectId: c.get('gate').project.id,
      dateFrom: body.date_from,
      dateTo: body.date_to,
      statuses: body.status,
      types: body.type,
      methods: body.method,
      customerId: body.customer_id,
      paymentId: body.payment_id,
      after: body.cursor === undefined ? undefined : readCursor(body.cursor),
      // One more than asked tells whether a next page exists without a count query.
      limit: body.limit + 1,
    })
    const page = items.slice(0, body.limit)
    const last = page.at(-1)
    const next = items.length > body.limit && last ? writeCursor(last.operation.createdAt, last.operation.id) : undefined
    return c.json(toOperationsPage(page, next, deps.clock.now()))
  })

  app.post('/v2/balance', async (c) => {
    const body = gateBody(c, BalanceRequestSchema)
    const { project } = c.get('gate')
    // `commission` is what the platform kept of the project's paid money in the currency (the
    // project's rate, posted to the ledger when the money arrived); payouts carry none.
    let answer: v.InferOutput<typeof BalanceResponseSchema>
    if (body.currency) {
      const [line] = await deps.gate.ledger.balances(project.id, body.currency)
      answer = { status: 'success', balance: line?.balance ?? 0, currency: body.currency, commission: line?.commission ?? 0 }
    } else {
      answer = { status: 'success', balances: await deps.gate.ledger.balances(project.id) }
    }
    return c.json(answer)
  })
  return app
}

// Cursors are opaque to merchants; they only position the list, which is always filtered by
// the signed project, so a forged cursor can show nothing another project owns.
function writeCursor(createdAt: Date, id: number): string {
  return Buffer.from(JSON.stringify([createdAt.toISOString(), id])).toString('base64url')
}

// Only what writeCursor makes is read back: a date JavaScript accepts (year -271821 or 275760)
// is out of PostgreSQL's range and would fail the query with a 500, so the year is bounded too.
const CURSOR_DATE = /^(\d{4})-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/

function readCursor(cursor: string): { createdAt: Date; id: number } {
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [unknown, unknown]
    const match = typeof at === 'string' ? CURSOR_DATE.exec(at) : null
    const createdAt = new Date(match ? at as string : Number.NaN)
    const valid = match && Number(match[1]) >= 1970 && !Number.isNaN(createdAt.getTime()) && createdAt.toISOString() === at
    if (valid && typeof id === 'number' && Number.isSafeInteger(id) && id >= 0) return { createdAt, id }
  } catch {
    // reported below
  }
  throw new PaymentError('validation_failed', 'cursor: is not a cursor this API returned', { param: 'cursor' })
}
