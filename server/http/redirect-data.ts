import type { RedirectData } from '../../protocol/schemas/page-api.ts'
import type { Operation } from '../domain/payment.ts'
import { signReturnToken } from '../session/return-token.ts'
import type { AppDeps } from './deps.ts'

/**
 * Where a waiting attempt sends the shopper, in ECommPay's `redirect_data` shape: the ACS gets
 * `creq`, a return token (`MD`) and EPay's `TermUrl`; a wallet's GET parameters travel as
 * form fields, because a GET form replaces the query string of its action.
 * Undefined once the shopper came back, so a reload never sends them twice.
 * Hint: the ACS or wallet address is the provider's own for this attempt (the simulators put
 * their signed ticket in it); it goes only to the shopper's page, or to the merchant for
 * payments the merchant started through the Gate and must send the shopper on itself.
 */
export async function redirectDataFor(
  deps: AppDeps,
  operation: Operation,
  framing: { parentOrigin: string | undefined; guid: string | undefined },
): Promise<RedirectData | undefined> {
  if (!operation.redirect || operation.returnedAt) return undefined
  if (operation.status === 'awaiting 3ds result') {
    const md = signReturnToken(deps.sessionKeys, { paymentRowId: operation.paymentRowId, operationId: operation.id, ...framing }, deps.clock.now())
    // The 3-D Secure 2 challenge request; it names the transaction but is no credential.
    const creq = Buffer.from(JSON.stringify({ messageType: 'CReq', messageVersion: '2.2.0', threeDSServerTransID: operation.requestId, challengeWindowSize: '05' })).toString('base64url')
    return { method: 'POST', url: operation.redirect.url, body: { creq, MD: md, TermUrl: `${deps.publicUrl}/payment/3ds-return` } }
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

/**
 * The address a wallet sends the shopper back to: the return token travels in the path, never in
 * a query string (SPEC §5), and resumes its attempt once.
 */
export async function walletReturnUrl(
  deps: Pick<AppDeps, 'sessionKeys' | 'clock' | 'publicUrl'>,
  attempt: { paymentRowId: string; operationId: number },
  framing: { parentOrigin: string | undefined; guid: string | undefined },
): Promise<string> {
  const token = signReturnToken(deps.sessionKeys, { ...attempt, ...framing }, deps.clock.now())
  return `${deps.publicUrl}/payment/return/${token}`
}
