import type { RedirectData } from '../../protocol/schemas/page-api.ts'
import type { Operation } from '../domain/payment.ts'
import { signReturnToken } from '../session/return-token.ts'
import type { AppDeps } from './deps.ts'

/**
 * Where a waiting attempt sends the shopper, in ECommPay's `redirect_data` shape: the ACS gets
 * `creq`, a return token (`MD`) and EPay's `TermUrl`; a wallet's GET parameters travel as
 * form fields, because a GET form replaces the query string of its action.
 * Undefined once the shopper came back, so a reload never sends them twice.
 */
export async function redirectDataFor(
  deps: AppDeps,
  operation: Operation,
  framing: { parentOrigin: string | undefined; guid: string | undefined },
): Promise<RedirectData | undefined> {
  if (!operation.redirect || operation.returnedAt) return undefined
  if (operation.status === 'awaiting 3ds result') {
    const md = await signReturnToken(deps.sessionKeys, { paymentRowId: operation.paymentRowId, operationId: operation.id, ...framing }, deps.clock.now())
    return { method: 'POST', url: operation.redirect.url, body: { creq: String(operation.id), MD: md, TermUrl: `${deps.publicUrl}/payment/3ds-return` } }
  }
  if (operation.status === 'awaiting redirect result') {
    const url = new URL(operation.redirect.url)
    if (operation.redirect.method === 'GET') {
      const body = Object.fromEntries(url.searchParams)
      url.search = ''
      return { method: 'GET', url: url.toString(), body }
    }
    return { method: 'POST', url: url.toString(), body: {} }
  }
  return undefined
}
