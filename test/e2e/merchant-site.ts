import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { sign, splitSignature, verify } from '../../server/signature/signature.ts'
import type { Signable } from '../../server/signature/string-to-sign.ts'

/** A callback as the merchant's receiver saw it, with the signature checks already done. */
export type ReceivedCallback = { body: Record<string, Signable>; raw: string; headers: Record<string, string | string[] | undefined>; signatureValid: boolean }

/**
 * A merchant on its own origin (127.0.0.1): a shop page that signs a payment server-side and
 * opens the widget from EPay's origin with SRI, and a callback receiver that verifies
 * signatures with the ECommPay algorithm.
 */
export async function startMerchantSite(options: { epayUrl: string; projectId: number; secret: string; widgetIntegrity?: string; receiverStatus?: () => number }) {
  const callbacks: ReceivedCallback[] = []
  let counter = 0
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x')
    if (req.method === 'POST' && url.pathname === '/callbacks') {
      let raw = ''
      req.on('data', (d: Buffer) => (raw += d.toString('utf8')))
      req.on('end', () => {
        const status = options.receiverStatus?.() ?? 200
        if (status >= 200 && status < 300) {
          const body = JSON.parse(raw) as Record<string, Signable>
          const { signature, params } = splitSignature(body)
          callbacks.push({ body, raw, headers: req.headers, signatureValid: signature !== undefined && verify(params, signature, options.secret) })
        }
        res.writeHead(status).end()
      })
      return
    }
    if (req.method === 'GET' && url.pathname === '/shop') {
      const params: Record<string, string | number> = {
        project_id: options.projectId,
        payment_id: url.searchParams.get('payment_id') ?? `e2e-${Date.now()}-${++counter}`,
        payment_amount: Number(url.searchParams.get('amount') ?? 1999),
        payment_currency: 'EUR',
        payment_description: 'E2E order',
        customer_id: 'e2e-customer',
        language_code: url.searchParams.get('lang') ?? 'en',
      }
      // `p.<name>=value` adds (or replaces) a signed parameter, e.g. p.customer_id or p.best_before.
      for (const [key, value] of url.searchParams) if (key.startsWith('p.')) params[key.slice(2)] = value
      const signed = { ...params, signature: sign(params, options.secret) }
      const integrity = options.widgetIntegrity ? ` integrity="${options.widgetIntegrity}" crossorigin="anonymous"` : ''
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(`<!doctype html><html><head><title>Shop</title></head><body>
<h1>Merchant shop</h1><button id="pay">Pay</button>
<div id="epay-inline"></div>
<p id="below">Delivery and returns: content below the payment form, which must not jump while it loads.</p>
<script src="${options.epayUrl}/widget/v1/merchant.js"${integrity}></script>
<script>
window.__events = []
const params = ${JSON.stringify(signed)}
const record = (name) => (data) => window.__events.push({ name, data })
document.getElementById('pay').addEventListener('click', () => {
  EPayWidget.run({ ...params, baseUrl: ${JSON.stringify(options.epayUrl)},
    onLoaded: record('onLoaded'), onPaymentSent: record('onPaymentSent'), onPaymentSuccess: record('onPaymentSuccess'),
    onPaymentFail: record('onPaymentFail'), onExit: record('onExit'), onDestroy: record('onDestroy'),
    onResize: record('onResize') })
})
</script></body></html>`)
      return
    }
    res.writeHead(404).end()
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    origin: `http://127.0.0.1:${port}`,
    callbacks,
    close: () => new Promise<void>((r) => server.close(() => r())),
  }
}

