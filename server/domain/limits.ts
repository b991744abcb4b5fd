import type { Currency } from '../../protocol/money.ts'
import { PaymentError } from './errors.ts'

/** Operations a project can limit (SPEC §6). */
export const LIMITED_OPERATIONS = ['sale', 'auth', 'recurring', 'refund', 'payout'] as const
export type LimitedOperation = (typeof LIMITED_OPERATIONS)[number]

/** A project's limits for one operation and currency; undefined means "no limit". */
export type AmountLimits = {
  minAmount: number | undefined
  maxAmount: number | undefined
  /** Most the operation may take per UTC day, summed over accepted requests. */
  dailyAmount: number | undefined
  dailyCount: number | undefined
  /** Most the operation may take per UTC calendar month. */
  monthlyAmount?: number | undefined
  monthlyCount?: number | undefined
}

/** Which day's totals a request counts towards. */
export type DailyKey = { projectId: number; operation: LimitedOperation; currency: Currency; day: string }
/** Which month's totals a request counts towards; `month` is its first day (YYYY-MM-01). */
export type MonthlyKey = { projectId: number; operation: LimitedOperation; currency: Currency; month: string }

/** Storage of limits and of the daily totals they are checked against. */
export interface LimitStore {
  get(projectId: number, operation: LimitedOperation, currency: Currency): Promise<AmountLimits | undefined>
  /** Adds one request of `amount` to the day's totals if they stay within `limits`; false if not. */
  reserveDaily(key: DailyKey, amount: number, limits: AmountLimits): Promise<boolean>
  /** Gives back a reservation whose request created nothing. */
  releaseDaily(key: DailyKey, amount: number): Promise<void>
  /** As reserveDaily, for the calendar month's totals. */
  reserveMonthly(key: MonthlyKey, amount: number, limits: AmountLimits): Promise<boolean>
  releaseMonthly(key: MonthlyKey, amount: number): Promise<void>
}

/**
 * Limits that also bound another operation: an `auth` takes the same money as a `sale`, only
 * in two steps, so a merchant's sale limit would be worthless if auth plus capture escaped it.
 */
const ALSO_BOUNDED_BY: Partial<Record<LimitedOperation, readonly LimitedOperation[]>> = { auth: ['sale'] }

/**
 * Admits a request under the project's limits: the amount within min/max, then the day's
 * totals reserved — for the operation itself and for any operation whose limits also bound it
 * (a `sale` limit bounds `auth`). Throws `limit_exceeded` naming the limit; returns a function
 * that gives every reservation back if the request then creates nothing.
 * Hint: the daily reservation is one conditional UPDATE, so concurrent requests cannot all fit
 * under the same remaining quota. Declined operations keep their share (a card-testing run
 * then exhausts the quota instead of probing forever); the docs say so.
 */
export async function admitWithinLimits(
  store: LimitStore,
  request: { projectId: number; operation: LimitedOperation; currency: Currency; amount: number; now: Date },
): Promise<() => Promise<void>> {
  const releases: Array<() => Promise<void>> = []
  const releaseAll = async () => {
    for (const release of releases.splice(0)) await release()
  }
  try {
    for (const operation of [request.operation, ...(ALSO_BOUNDED_BY[request.operation] ?? [])]) {
      releases.push(await admitOne(store, { ...request, operation }))
    }
  } catch (error) {
    await releaseAll()
    throw error
  }
  return releaseAll
}

/**
 * Whether `admitWithinLimits` would admit this request without writing anything: every limit
 * that bounds it sets neither a daily nor a monthly total, and the amount is within min/max.
 * Hint: a caller that does not yet know whether it creates anything (opening a payment that
 * may exist) can then skip admission; otherwise it must find out first, because reserving for
 * a request that turns out to reopen would refuse it when the day's quota is used up.
 */
export async function admitsWithoutReserving(
  store: LimitStore,
  request: { projectId: number; operation: LimitedOperation; currency: Currency; amount: number },
): Promise<boolean> {
  for (const operation of [request.operation, ...(ALSO_BOUNDED_BY[request.operation] ?? [])]) {
    const limits = await store.get(request.projectId, operation, request.currency)
    if (!limits) continue
    if (limits.dailyAmount !== undefined || limits.dailyCount !== undefined || limits.monthlyAmount !== undefined || limits.monthlyCount !== undefined) return false
    if ((limits.minAmount !== undefined && request.amount < limits.minAmount) || (limits.maxAmount !== undefined && request.amount > limits.maxAmount)) return false
  }
  return true
}

async function admitOne(
  store: LimitStore,
  request: { projectId: number; operation: LimitedOperation; currency: Currency; amount: number; now: Date },
): Promise<() => Promise<void>> {
  const { projectId, operation, currency, amount } = request
  const limits = await store.get(projectId, operation, currency)
  if (!limits) return async () => undefined
  if (limits.minAmount !== undefined && amount < limits.minAmount) {
    throw new PaymentError('limit_exceeded', `the amount is below the project's minimum of ${limits.minAmount} for ${operation} in ${currency}`, { param: 'payment.amount' })
  }
  if (limits.maxAmount !== undefined && amount > limits.maxAmount) {
    throw new PaymentError('limit_exceeded', `the amount is above the project's maximum of ${limits.maxAmount} for ${operation} in ${currency}`, { param: 'payment.amount' })
  }
  const daily = limits.dailyAmount !== undefined || limits.dailyCount !== undefined
  const monthly = limits.monthlyAmount !== undefined || limits.monthlyCount !== undefined
  const key: DailyKey = { projectId, operation, currency, day: request.now.toISOString().slice(0, 10) }
  const monthKey: MonthlyKey = { projectId, operation, currency, month: `${request.now.toISOString().slice(0, 7)}-01` }
  if (daily && !(await store.reserveDaily(key, amount, limits))) {
    throw new PaymentError('limit_exceeded', `the project's daily limit for ${operation} in ${currency} would be exceeded`, { param: 'payment.amount' })
  }
  if (monthly && !(await store.reserveMonthly(monthKey, amount, limits))) {
    // The day's share was taken for a request that is now refused: give it back.
    if (daily) await store.releaseDaily(key, amount)
    throw new PaymentError('limit_exceeded', `the project's monthly limit for ${operation} in ${currency} would be exceeded`, { param: 'payment.amount' })
  }
  return async () => {
    if (daily) await store.releaseDaily(key, amount)
    if (monthly) await store.releaseMonthly(monthKey, amount)
  }
}
