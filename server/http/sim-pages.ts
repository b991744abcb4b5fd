import { CURRENCY_EXPONENTS, isCurrency } from '../../protocol/money.ts'
import { escapeHtml, withNonce } from './csp.ts'
import { SIM_TEXT, type SimText } from './sim-page-text.ts'

/** What the simulator pages show about the payment, in the shopper's language. */
export type SimFacts = { lang: string; merchant: string; amount: number; currency: string; last4?: string }

/** The ACS challenge: who is paid, how much, with which card; Confirm, Fail or Cancel. */
export function acsChallengePage(facts: SimFacts, decideUrl: string, nonce: string): string {
  const t = text(facts.lang)
  return layout(facts.lang, t.acs_title, nonce, `
<p class="note">${escapeHtml(t.acs_test)}</p>
<h1>${escapeHtml(t.acs_title)}</h1>
${factList(facts, t)}
<p>${escapeHtml(t.acs_prompt)}</p>
<form method="post" action="${escapeHtml(decideUrl)}">
<div class="row"><button name="decision" value="confirm" class="primary">${escapeHtml(t.confirm)}</button>
<button name="decision" value="fail">${escapeHtml(t.fail)}</button>
<button name="decision" value="cancel">${escapeHtml(t.cancel)}</button></div></form>`)
}

/**
 * The way back from the ACS: a form posting the requestor's `MD` (and a `cres`) to its
 * `TermUrl`, submitted at once by script, by the button without it.
 */
export function acsReturnPage(lang: string, termUrl: string, fields: Record<string, string>, nonce: string): string {
  const t = text(lang)
  const hidden = Object.entries(fields).map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`).join('')
  return layout(lang, t.returning, nonce, `
<h1>${escapeHtml(t.returning)}</h1>
<form method="post" action="${escapeHtml(termUrl)}" id="back">${hidden}<button class="primary">${escapeHtml(t.continue)}</button></form>
<script>document.getElementById('back').submit()</script>`)
}

/** The wallet's approval page: who is paid and how much; Success or Decline. */
export function walletPage(facts: SimFacts, decideUrl: string, nonce: string): string {
  const t = text(facts.lang)
  return layout(facts.lang, t.wallet_title, nonce, `
<p class="note">${escapeHtml(t.wallet_test)}</p>
<h1>${escapeHtml(t.wallet_title)}</h1>
${factList(facts, t)}
<p>${escapeHtml(t.wallet_prompt)}</p>
<form method="post" action="${escapeHtml(decideUrl)}">
<div class="row"><button name="decision" value="success" class="primary">${escapeHtml(t.success)}</button>
<button name="decision" value="decline">${escapeHtml(t.decline)}</button></div></form>`)
}

function factList(facts: SimFacts, t: SimText): string {
  const rows: Array<[string, string]> = [
    [t.merchant, facts.merchant],
    [t.amount, formatAmount(facts.amount, facts.currency, facts.lang)],
  ]
  if (facts.last4) rows.push([t.card, t.card_ending.replace('{last4}', facts.last4)])
  return `<dl class="facts">${rows.map(([term, value]) => `<div><dt>${escapeHtml(term)}</dt><dd>${escapeHtml(value)}</dd></div>`).join('')}</dl>`
}

function text(lang: string): SimText {
  return SIM_TEXT[lang] ?? SIM_TEXT['en']!
}

// Display only: the major-unit value is built as a decimal string, never by float division.
function formatAmount(amount: number, currency: string, lang: string): string {
  if (!isCurrency(currency)) return `${amount} ${currency}`
  const exp = CURRENCY_EXPONENTS[currency]
  const digits = String(amount).padStart(exp + 1, '0')
  const major = exp === 0 ? digits : `${digits.slice(0, -exp)}.${digits.slice(-exp)}`
  const format = new Intl.NumberFormat(lang, { style: 'currency', currency, minimumFractionDigits: exp, maximumFractionDigits: exp })
  return format.format(major as Intl.StringNumericLiteral)
}

function layout(lang: string, title: string, nonce: string, body: string): string {
  return withNonce(`<!doctype html><html lang="${escapeHtml(lang)}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title><style>
body{font:16px/1.5 system-ui,sans-serif;margin:0;padding:1.5rem 1rem;background:#eef1f6;color:#1a1a1a}
main{max-width:26rem;margin:0 auto;background:#fff;border-radius:12px;padding:1.5rem;box-shadow:0 1px 3px #0003}
h1{font-size:1.25rem;margin:0 0 1rem}.note{margin:0 0 1rem;padding:.5rem .75rem;border-radius:8px;background:#fff4d6;color:#5c4400;font-size:.875rem}
.facts{margin:0 0 1rem;display:grid;gap:.5rem}.facts div{display:flex;justify-content:space-between;gap:1rem;border-bottom:1px solid #e3e6ec;padding-bottom:.5rem}
.facts dt{color:#4a5260}.facts dd{margin:0;font-weight:600;text-align:right;overflow-wrap:anywhere}
.row{display:flex;gap:.5rem;flex-wrap:wrap;margin-top:1rem}@media (max-width:420px){.row{flex-direction:column}}
button{font:inherit;padding:.6rem 1rem;border-radius:8px;border:1px solid #5b6472;background:#fff;color:#1a1a1a;cursor:pointer}
button.primary{background:#174ea6;border-color:#174ea6;color:#fff}button:focus-visible{outline:3px solid #e8a200;outline-offset:2px}
</style></head><body><main>${body}</main></body></html>`, nonce)
}
