import type { Currency } from '../../protocol/money.ts'
import type { OperationStatus, OperationType, PaymentStatus } from '../../protocol/schemas/statuses.ts'
import { PaymentError } from '../domain/errors.ts'
import type { Operation, Payment } from '../domain/payment.ts'
import type { PaymentChange, PaymentStore } from '../domain/ports.ts'
import { paymentCountry } from '../domain/payment-country.ts'
import { bindEffect } from './idempotency-store.ts'
import { recordPaymentOnInvoice } from './invoice-store.ts'
import { lockAndCheckBalance } from './ledger-store.ts'
import { recordOperationNotice } from './notification-events.ts'
import type { ClaimedCallback } from './outbox-store.ts'
import { isUniqueViolation, optional, optionalDate, toSafeInt, transactionRetryingDeadlocks, type Sql } from './sql.ts'

/**
 * Where a process that delivers callbacks takes the events it writes: each is stored already
 * leased to it for `leaseMs` and handed over once its transaction has committed, so delivery
 * needs no claim statement. Without one, or when `takes()` says the process has enough in
 * flight, events wait for a dispatcher's claim.
 */
export type CallbackHandoff = { leaseMs: number; takes(): boolean; deliver(event: ClaimedCallback): void }

/** PaymentStore on SQL: compare-and-set on `version`, one transaction per change. */
export function createPaymentStore(sql: Sql, handoff?: CallbackHandoff): PaymentStore {
  return {
    async createOrGet(p, claim) {
      const rows = claim
        ? await sql.transaction(async (tx) => {
          const found = await insertOrFind(tx, p)
          if (found[0]?.['created'] === true) await bindEffect(tx, claim, p.id, undefined)
          return found
        })
        : await insertOrFind(sql, p)
      if (rows[0]) return { payment: toPayment(rows[0]), created: rows[0]['created'] === true }
      // The statement's snapshot predates a concurrent insert it then waited for: read it now.
      const existing = await this.findByMerchantId(p.projectId, p.paymentId)
      if (!existing) throw new PaymentError('conflict', 'payment could not be stored')
      return { payment: existing, created: false }
    },
    async get(id) {
      const rows = await sql.query('SELECT * FROM payments WHERE id = $1', [id])
      return rows[0] ? toPayment(rows[0]) : undefined
    },
    async findByMerchantId(projectId, paymentId) {
      const rows = await sql.query('SELECT * FROM payments WHERE project_id = $1 AND payment_id = $2', [projectId, paymentId])
      return rows[0] ? toPayment(rows[0]) : undefined
    },
    async operations(paymentRowId) {
      const rows = await sql.query('SELECT * FROM operations WHERE payment_row_id = $1 ORDER BY created_at, id', [paymentRowId])
      return rows.map(toOperation)
    },
    async findOperation(id) {
      const rows = await sql.query('SELECT * FROM operations WHERE id = $1', [id])
      if (!rows[0]) return undefined
      const operation = toOperation(rows[0])
      const payment = await this.get(operation.paymentRowId)
      return payment ? { payment, operation } : undefined
    },
    async stalledAttempts(cutoffs, limit) {
      const rows = await sql.query(
        `SELECT * FROM operations WHERE type IN ('sale', 'auth')
           AND ((status = 'processing' AND updated_at < $1) OR (status = 'awaiting 3ds result' AND updated_at < $2)
             OR (status = 'awaiting redirect result' AND updated_at < $3))
         ORDER BY COALESCE(checked_at, updated_at), updated_at LIMIT $4`,
        [cutoffs.processing, cutoffs.challenge, cutoffs.redirect, limit],
      )
      const out: Array<{ payment: Payment; operation: Operation }> = []
      for (const row of rows) {
        const operation = toOperation(row)
        const payment = await this.get(operation.paymentRowId)
        if (payment) out.push({ payment, operation })
      }
      return out
    },
    async retryWindowsEnded(changedBefore, now, limit) {
      const rows = await sql.query(
        `SELECT * FROM payments WHERE status = 'decline' AND type = 'purchase' AND attempts < max_attempts
           AND (updated_at <= $1 OR (best_before IS NOT NULL AND best_before <= $2))
         ORDER BY updated_at LIMIT $3`,
        [changedBefore, now, limit],
      )
      return rows.map(toPayment)
    },
    async markChecked(operationId, at) {
      await sql.query('UPDATE operations SET checked_at = $2 WHERE id = $1', [operationId, at])
    },
    async unstartedGatePayments(createdBefore, limit) {
      const rows = await sql.query(
        `SELECT * FROM payments WHERE status = 'new' AND channel = 'gate' AND created_at < $1 ORDER BY created_at LIMIT $2`,
        [createdBefore, limit],
      )
      return rows.map(toPayment)
    },
    async expired(now, limit) {
      const rows = await sql.query(
        `SELECT * FROM payments WHERE status IN ('new', 'decline') AND best_before IS NOT NULL AND best_before <= $1
         ORDER BY best_before LIMIT $2`,
        [now, limit],
      )
      return rows.map(toPayment)
    },
    async apply(change) {
      try {
        // Two payments settling at once can deadlock on the home aggregates' rows when a zone is
        // kept (their triggers lock rows by key in each statement, not across a transaction's
        // statements); the change is the database's alone, so the victim runs it again.
        const leaseMs = change.callback && handoff?.takes() ? handoff.leaseMs : undefined
        const cb = change.callback
        const payload = cb ? JSON.stringify(cb.payload) : ''
        const applied = await transactionRetryingDeadlocks(sql, (tx) => applyChange(tx, change, leaseMs, payload))
        // After the commit, never before: an event handed over from a rolled-back change would
        // report money that never moved.
        if (cb && handoff && leaseMs !== undefined) handoff.deliver({ id: cb.id, projectId: cb.projectId, url: cb.url, payload, attempts: 0, createdAt: cb.createdAt })
        return applied
      } catch (error) {
        if (isUniqueViolation(error)) throw new PaymentError('conflict', 'a concurrent change won', { cause: error })
        throw error
      }
    },
  }
}

/**
 * Creates the payment, or finds the one stored under its `(project_id, payment_id)`, in one
 * statement: `created` tells which. No row at all when a concurrent insert of the same id
 * committed after this statement's snapshot was taken (the caller reads it then).
 */
function insertOrFind(sql: Sql, p: Payment): Promise<Record<string, unknown>[]> {
  return sql.query(
    `WITH inserted AS (INSERT INTO payments (id, project_id, payment_id, type, operation_type, amount, currency, description,
       customer_id, language_code, status, attempts, max_attempts, best_before, callback_url, success_url,
       fail_url, return_url, params, version, created_at, updated_at, save_card, force_method, theme, return_mode, test, channel, customer_email, country)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$20,$21,$22,$23,$24,$25,$26,$27,$28,$29,$30)
     ON CONFLICT (project_id, payment_id) DO NOTHING RETURNING *)
     SELECT true AS created, * FROM inserted
     UNION ALL
     SELECT false AS created, * FROM payments WHERE project_id = $2 AND payment_id = $3 AND NOT EXISTS (SELECT 1 FROM inserted)`,
    [p.id, p.projectId, p.paymentId, p.type, p.operationType, p.amount, p.currency, p.description ?? null,
      p.customerId ?? null, p.languageCode ?? null, p.status, p.attempts, p.maxAttempts, p.bestBefore ?? null,
      p.callbackUrl ?? null, p.successUrl ?? null, p.failUrl ?? null, p.returnUrl ?? null, JSON.stringify(p.params),
      p.version, p.createdAt, p.updatedAt, p.saveCard, p.forceMethod ?? null, p.theme ?? null, p.returnMode ?? null, p.test, p.channel,
      p.params['customer_email']?.toLowerCase() ?? null, paymentCountry(p.params, null)],
  )
}

// `payload` is the callback's payload as stored and as handed over: serialised once.
async function applyChange(tx: Sql, change: PaymentChange, leaseMs: number | undefined, payload: string): Promise<Payment> {
  const p = change.payment
  // The balance lock is taken before the payment row, in every transaction that takes both,
  // so two payouts can never wait on each other in opposite orders.
  const touched = change.insertOperation ?? change.updateOperation
  if (change.requireBalance !== undefined) {
    if (!touched) throw new Error('a balance check needs an operation')
    await lockAndCheckBalance(tx, p.projectId, touched.currency, change.requireBalance)
  }
  const search = touched ? searchColumns(p, touched, change.insertOperation !== undefined) : undefined
  // One row version per change: the payment has some twenty indexes and its updates are never
  // HOT (status and updated_at are indexed), so each extra UPDATE of the row writes every index
  // again. The status, the filters' copy of the operation and `charged` are set together here.
  const set = ['status = $3', 'attempts = $4', 'updated_at = $5', 'version = version + 1']
  const params: unknown[] = [p.id, change.expectedVersion, p.status, p.attempts, p.updatedAt]
  for (const [column, value] of search?.columns ?? []) set.push(`${column} = $${params.push(value)}`)
  if (search) {
    const at = params.push(search.operationType)
    set.push(`operation_types = CASE WHEN $${at}::text = ANY(operation_types) THEN operation_types ELSE array_append(operation_types, $${at}::text) END`)
  }
  // The operations_mark_charged trigger (0018) still keeps the flag for every other writer; set
  // here, its own UPDATE finds the flag already true and writes nothing.
  if (touched && CHARGES.has(touched.type) && touched.status === 'success') set.push('charged = true')
  const updated = await tx.query(`UPDATE payments SET ${set.join(', ')} WHERE id = $1 AND version = $2 RETURNING *`, params)
  if (!updated[0]) throw new PaymentError('conflict', 'the payment changed concurrently; reload it')
  // An invoice's payment that succeeded pays the invoice in this same transaction, whatever path got here.
  if (p.status === 'success' && updated[0]['invoice_id']) await recordPaymentOnInvoice(tx, String(updated[0]['invoice_id']), p.id, p.updatedAt)
  if (change.insertOperation) await insertOperation(tx, change.insertOperation)
  if (change.claim) await bindEffect(tx, change.claim, p.id, (change.insertOperation ?? change.updateOperation)?.id)
  if (change.updateOperation) await updateOperation(tx, change.updateOperation)
  if (touched) await recordOperationNotice(tx, p, touched)
  if (change.postings?.length) {
    const op = change.updateOperation ?? change.insertOperation
    if (!op) throw new Error('postings need an operation')
    // Every leg in one statement: the legs of an operation are written together or not at all.
    await tx.query(
      `INSERT INTO ledger_postings (project_id, currency, operation_id, account, amount, created_at)
       SELECT $1::bigint, $2::char(3), $3::bigint, leg.account, leg.amount, $4::timestamptz FROM unnest($5::text[], $6::bigint[]) AS leg(account, amount)`,
      [p.projectId, op.currency, op.id, p.updatedAt, change.postings.map((l) => l.account), change.postings.map((l) => l.amount)],
    )
  }
  if (change.saveCard) {
    const t = change.saveCard
    await tx.query(
      `INSERT INTO card_tokens (token, project_id, customer_id, pan_sealed, key_id, bin, last4, brand, exp_month, exp_year, holder, created_at)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12)`,
      [t.token, t.projectId, t.customerId, t.panSealed, t.keyId, t.bin, t.last4, t.brand, t.expMonth, t.expYear, t.holder ?? null, t.createdAt],
    )
  }
  const cb = change.callback
  if (cb) {
    await tx.query(
      `INSERT INTO callback_outbox (id, project_id, payment_row_id, operation_id, url, payload, next_attempt_at, created_at, locked_until)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $8)`,
      [cb.id, cb.projectId, cb.paymentRowId, cb.operationId, cb.url, payload, cb.createdAt,
        leaseMs === undefined ? null : new Date(cb.createdAt.getTime() + leaseMs)],
    )
  }
  return toPayment(updated[0])
}

const CHARGES = new Set(['sale', 'auth', 'recurring'])

/**
 * What the dashboard's filters need from an operation (method, card BIN and last four, country,
 * operation types), copied onto its payment row by the change's own UPDATE, so each filter is
 * one index on payments (migration 0014). Only the first six and last four of a mask are ever in
 * clear. A charge sets the card columns; another operation only adds its type, when inserted.
 */
function searchColumns(p: Payment, o: Operation, inserted: boolean): { columns: Array<[string, unknown]>; operationType: string } | undefined {
  if (CHARGES.has(o.type)) {
    const mask = o.method === 'card' ? o.cardMask ?? '' : ''
    const first6 = /^\d{6}/.test(mask) ? mask.slice(0, 6) : null
    const last4 = /\d{4}$/.test(mask) ? mask.slice(-4) : null
    return {
      columns: [['method', o.method], ['card_brand', o.cardBrand ?? null], ['card_first6', first6], ['card_last4', last4], ['country', paymentCountry(p.params, first6)]],
      operationType: o.type,
    }
  }
  return inserted ? { columns: [], operationType: o.type } : undefined
}

async function insertOperation(tx: Sql, o: Operation): Promise<void> {
  await tx.query(
    `INSERT INTO operations (id, payment_row_id, type, status, amount, currency, request_id, provider_id,
       provider_payment_id, auth_code, code, message, card_mask, card_brand, created_at, updated_at,
       method, account_token, redirect_method, redirect_url, returned_at)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$20,$21)`,
    [o.id, o.paymentRowId, o.type, o.status, o.amount, o.currency, o.requestId, o.provider.id,
      o.provider.paymentId ?? null, o.provider.authCode ?? null, o.code ?? null, o.message ?? null,
      o.cardMask ?? null, o.cardBrand ?? null, o.createdAt, o.updatedAt,
      o.method, o.accountToken ?? null, o.redirect?.method ?? null, o.redirect?.url ?? null, o.returnedAt ?? null],
  )
}

async function updateOperation(tx: Sql, o: Operation): Promise<void> {
  const rows = await tx.query(
    `UPDATE operations SET status = $2, provider_payment_id = $3, auth_code = $4, code = $5, message = $6, updated_at = $7,
       redirect_method = $8, redirect_url = $9, returned_at = $10, card_mask = $11, account_token = $12
     WHERE id = $1 RETURNING id`,
    [o.id, o.status, o.provider.paymentId ?? null, o.provider.authCode ?? null, o.code ?? null, o.message ?? null, o.updatedAt,
      o.redirect?.method ?? null, o.redirect?.url ?? null, o.returnedAt ?? null, o.cardMask ?? null, o.accountToken ?? null],
  )
  if (!rows[0]) throw new PaymentError('conflict', 'operation not found')
}

export function toPayment(r: Record<string, unknown>): Payment {
  return {
    id: String(r['id']),
    projectId: toSafeInt(r['project_id'], 'project_id'),
    paymentId: String(r['payment_id']),
    type: r['type'] as Payment['type'],
    operationType: r['operation_type'] as Payment['operationType'],
    amount: toSafeInt(r['amount'], 'amount'),
    currency: String(r['currency']) as Currency,
    description: optional(r['description']),
    customerId: optional(r['customer_id']),
    languageCode: optional(r['language_code']),
    status: r['status'] as PaymentStatus,
    attempts: toSafeInt(r['attempts'], 'attempts'),
    maxAttempts: toSafeInt(r['max_attempts'], 'max_attempts'),
    bestBefore: optionalDate(r['best_before']),
    callbackUrl: optional(r['callback_url']),
    successUrl: optional(r['success_url']),
    failUrl: optional(r['fail_url']),
    returnUrl: optional(r['return_url']),
    params: (typeof r['params'] === 'string' ? JSON.parse(r['params']) : r['params']) as Record<string, string>,
    saveCard: r['save_card'] as Payment['saveCard'],
    forceMethod: optional(r['force_method']),
    theme: optional(r['theme']),
    returnMode: r['return_mode'] === 'parent_page' ? 'parent_page' : undefined,
    test: r['test'] === true,
    channel: r['channel'] === 'gate' ? 'gate' : 'page',
    version: toSafeInt(r['version'], 'version'),
    createdAt: new Date(r['created_at'] as Date),
    updatedAt: new Date(r['updated_at'] as Date),
  }
}

export function toOperation(r: Record<string, unknown>): Operation {
  return {
    id: toSafeInt(r['id'], 'id'),
    paymentRowId: String(r['payment_row_id']),
    type: r['type'] as OperationType,
    status: r['status'] as OperationStatus,
    amount: toSafeInt(r['amount'], 'amount'),
    currency: String(r['currency']) as Currency,
    requestId: String(r['request_id']),
    provider: { id: String(r['provider_id']), paymentId: optional(r['provider_payment_id']), authCode: optional(r['auth_code']) },
    code: optional(r['code']),
    message: optional(r['message']),
    method: String(r['method']),
    cardMask: optional(r['card_mask']),
    cardBrand: optional(r['card_brand']),
    accountToken: optional(r['account_token']),
    redirect: r['redirect_url'] ? { method: r['redirect_method'] === 'GET' ? 'GET' : 'POST', url: String(r['redirect_url']) } : undefined,
    returnedAt: optionalDate(r['returned_at']),
    createdAt: new Date(r['created_at'] as Date),
    updatedAt: new Date(r['updated_at'] as Date),
  }
}
