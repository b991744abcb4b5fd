import type { Operation, Payment } from '../../../domain/payment.ts'
import type { Project } from '../../../domain/ports.ts'
import { reportRedirect } from '../../../domain/report-redirect.ts'
import type { AppDeps } from '../../deps.ts'
import { redirectDataFor } from '../../redirect-data.ts'

/**
 * A Gate payment waiting for the shopper (3-D Secure, a wallet page): the merchant learns by
 * callback where to send them, as ECommPay's Gate does; status shows the same `redirect_data`.
 */
export async function reportIfWaiting(deps: AppDeps, project: Project, payment: Payment, operation: Operation): Promise<void> {
  if (payment.channel !== 'gate') return
  if (operation.status !== 'awaiting 3ds result' && operation.status !== 'awaiting redirect result') return
  const stored = (await deps.payments.findOperation(operation.id)) ?? { payment, operation }
  const redirect = await redirectDataFor(deps, stored.operation, { parentOrigin: undefined, guid: undefined })
  if (redirect) await reportRedirect(deps, project, stored.payment, stored.operation, redirect)
}
