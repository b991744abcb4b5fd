import type { ErrorCode } from '../../protocol/errors.ts'
import { LANGUAGES, type Language } from '../../protocol/schemas/page-api.ts'
import { escapeHtml } from './csp.ts'
import { ERROR_PAGE_TEXT } from './error-page-text.ts'

const isLanguage = (tag: string): tag is Language => (LANGUAGES as readonly string[]).includes(tag)

/**
 * Chooses the error page language as the page would: `language_code` (signed or not, it only
 * picks words), then the first of Accept-Language's tags the page has, then English.
 */
export function errorPageLanguage(languageCode: string | undefined, acceptLanguage: string | undefined): Language {
  const wanted = languageCode?.toLowerCase()
  if (wanted && isLanguage(wanted)) return wanted
  const tags = (acceptLanguage ?? '')
    .split(',')
    .map((part) => {
      const [tag = '', ...params] = part.trim().split(';')
      const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)?.[1]).find((x) => x !== undefined)
      return { tag: tag.toLowerCase().split(/[-_]/)[0] ?? '', q: q === undefined ? 1 : Number(q) }
    })
    .filter((entry) => entry.q > 0)
    .sort((a, b) => b.q - a.q)
  return tags.map((entry) => entry.tag).find(isLanguage) ?? 'en'
}

/**
 * A self-contained, localised error page: no script at all, the stable code shown so a
 * shopper can quote it, and nothing of the request echoed back. Light or dark as the
 * shopper's system is, like the payment page.
 */
export function renderErrorPage(code: ErrorCode, lang: Language, requestId: string): string {
  const t = ERROR_PAGE_TEXT[lang]
  const message = t.messages[code] ?? t.title
  return `<!doctype html>
<html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>${escapeHtml(t.title)}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;margin:0;padding:2rem 1rem;color:#1a1a1a;background:#f6f7f9}
main{max-width:28rem;margin:0 auto;background:#fff;border-radius:12px;padding:1.5rem;box-shadow:0 1px 3px #0002}
h1{font-size:1.25rem;margin:0 0 .75rem}code{background:#eef0f3;padding:.1rem .35rem;border-radius:4px}
.muted{color:#555;font-size:.875rem}
@media (prefers-color-scheme:dark){body{color:#e8eaed;background:#121417}main{background:#1d2025;box-shadow:none}
code{background:#2c3036}.muted{color:#b4b9c1}}</style></head>
<body><main data-state="error" data-error-code="${escapeHtml(code)}" role="alert">
<h1>${escapeHtml(t.title)}</h1><p>${escapeHtml(message)}</p>
<p>${escapeHtml(t.code)}: <code>${escapeHtml(code)}</code></p>
<p class="muted">${escapeHtml(t.hint)}</p><p class="muted">${escapeHtml(requestId)}</p></main></body></html>`
}
