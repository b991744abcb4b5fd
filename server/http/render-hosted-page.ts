import type { Context } from 'hono'
import { h } from 'preact'
import { renderToString } from 'preact-render-to-string'
import { PageShell } from '../../hosted-page/src/checkout/PageShell.tsx'
import { formatAmount } from '../../hosted-page/src/i18n/format-amount.ts'
import { translator } from '../../hosted-page/src/i18n/translate.ts'
import { SETTLED_STATUSES, type Payment } from '../domain/payment.ts'
import type { Project } from '../domain/ports.ts'
import { signSession } from '../session/session.ts'
import { chooseEncoding } from './content-encoding.ts'
import { contentSecurityPolicy, escapeHtml, jsonForScript } from './csp.ts'
import type { AppDeps, AppEnv } from './deps.ts'
import { LANGUAGE_BLOCKS, pageLanguage } from './page-languages.ts'
import { gzipPieces } from './page-gzip.ts'
import { pagePieces, pageTemplate, piecesText } from './page-template.ts'
import { sessionViewFor } from './session-view.ts'
import { themePreload } from './theme-preload.ts'

/**
 * Serves the hosted page for `payment` with a fresh session token in the boot block, a nonce
 * CSP and `frame-ancestors` from the project's allowed origins (SPEC §5, §12).
 * Hint: the answer paints by itself (SPEC §13): the first screen rendered in the shopper's
 * language, the CSS inline and the language's catalogue beside the boot block, so the browser
 * needs no second request before the amount shows.
 */
export async function renderHostedPage(
  c: Context<AppEnv>,
  deps: AppDeps,
  project: Project,
  payment: Payment,
  framing: { parentOrigin: string | undefined; guid: string | undefined },
): Promise<Response> {
  const token = signSession(
    deps.sessionKeys,
    { sessionId: `ses_${deps.ids.session()}`, projectId: project.id, paymentRowId: payment.id, ...framing },
    deps.clock.now(),
    deps.sessionTtlSeconds,
    // Unpaid, the session ends with best_before; paid, the shopper may still see the result.
    SETTLED_STATUSES.has(payment.status) ? undefined : payment.bestBefore,
  )
  const nonce = c.get('nonce')
  // The session view rides along, so the page paints without waiting for another round trip.
  const session = await sessionViewFor(deps, payment, project, framing)
  const lang = pageLanguage(session.language, c.req.header('accept-language'))
  const t = translator(lang)
  const shell = renderToString(h(PageShell, { session, amount: formatAmount(session.payment.amount, session.payment.currency, lang), t }))
  const pieces = pagePieces(pageTemplate(deps.assets), {
    nonce,
    lang,
    title: escapeHtml(t('page_title', { merchant: session.merchant.name })),
    app: shell,
    boot: [
      `<script type="application/json" id="epay-boot">${jsonForScript({ token, session })}</script>`,
      LANGUAGE_BLOCKS[lang],
      ...(session.theme ? [themePreload(deps.assets, nonce)] : []),
    ],
  })
  c.header('Content-Security-Policy', contentSecurityPolicy(nonce, { frameAncestors: project.allowedOrigins }))
  // The page embeds a bearer token: no cache or intermediary may keep it.
  c.header('Cache-Control', 'no-store')
  c.header('Content-Type', 'text/html; charset=UTF-8')
  c.header('Vary', 'Accept-Encoding')
  // gzip even where brotli is accepted: only gzip lets the fixed pieces be compressed once.
  if (!chooseEncoding(c.req.header('accept-encoding'))) return c.body(piecesText(pieces))
  c.header('Content-Encoding', 'gzip')
  return c.body(gzipPieces(pieces) as Uint8Array<ArrayBuffer>)
}
