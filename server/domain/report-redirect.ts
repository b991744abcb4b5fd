import { PaymentError } from './errors.ts'
import { callbackFor, type FollowUpDeps } from './follow-up.ts'
import type { Operation, Payment } from './payment.ts'
import type { Project } from './ports.ts'

/**
 * Tells the merchant that a Gate payment waits for the shopper (a 3-D Secure challenge, a
 * wallet page) and where to send them: ECommPay's callback carrying `redirect_data`. The
 * result itself follows in its own callback.
 * Hint: if the result is already stored (a fast shopper), the version has moved and this
 * callback is skipped — a stale "awaiting" report must not follow the final one.
 */
export async function reportRedirect(
  deps: Pick<FollowUpDeps, 'payments' | 'clock' | 'ids'>,
  project: Project,
  payment: Payment,
  operation: Operation,
  redirectData: { method: string; url: string; body: Record<string, string> },
): Promise<void> {
  const callback = callbackFor(deps, project, payment, operation, { redirect_data: redirectData })
  if (!callback) return
  try {
    await deps.payments.apply({ payment, expectedVersion: payment.version, callback })
  } catch (error) {
    if (!(error instanceof PaymentError && error.code === 'conflict')) throw error
  }
}
