import { LANGUAGES, type Language } from '../../protocol/schemas/page-api.ts'
import { provideCatalogue } from '../../hosted-page/src/i18n/catalogues.ts'
import { de } from '../../hosted-page/src/i18n/de.ts'
import type { Catalogue } from '../../hosted-page/src/i18n/en.ts'
import { es } from '../../hosted-page/src/i18n/es.ts'
import { fr } from '../../hosted-page/src/i18n/fr.ts'
import { it } from '../../hosted-page/src/i18n/it.ts'
import { kk } from '../../hosted-page/src/i18n/kk.ts'
import { pl } from '../../hosted-page/src/i18n/pl.ts'
import { pt } from '../../hosted-page/src/i18n/pt.ts'
import { ru } from '../../hosted-page/src/i18n/ru.ts'
import { tr } from '../../hosted-page/src/i18n/tr.ts'
import { uk } from '../../hosted-page/src/i18n/uk.ts'
import { zh } from '../../hosted-page/src/i18n/zh.ts'
import { jsonForScript } from './csp.ts'
import { fixedPiece, type FixedPiece } from './page-gzip.ts'

const OTHERS: Record<Exclude<Language, 'en'>, Catalogue> = { ru, de, es, fr, it, pt, tr, pl, uk, kk, zh }
// The server renders the page's first screen with the page's own translator: every catalogue
// is installed in this process once.
for (const [lang, catalogue] of Object.entries(OTHERS)) provideCatalogue(lang as Language, catalogue)

/**
 * The `#epay-i18n` block per language, built once: the language the first screen is in and its
 * catalogue (English is bundled with the page, so it travels as its name alone). The page
 * installs it before its first render, so a Russian page paints as early as an English one.
 */
export const LANGUAGE_BLOCKS: Readonly<Record<Language, FixedPiece>> = Object.fromEntries(
  LANGUAGES.map((lang) => [
    lang,
    fixedPiece(`<script type="application/json" id="epay-i18n">${jsonForScript(lang === 'en' ? { lang } : { lang, messages: OTHERS[lang] })}</script>`),
  ]),
) as Record<Language, FixedPiece>

const SUPPORTED: ReadonlySet<string> = new Set(LANGUAGES)

/**
 * The page language, as the page itself picks it: the merchant's signed `language_code`, else
 * the first of the browser's languages (`Accept-Language`, by q-value, by primary subtag) the
 * page has, else English.
 */
export function pageLanguage(signed: Language | undefined, acceptLanguage: string | undefined): Language {
  if (signed) return signed
  if (!acceptLanguage) return 'en'
  const ranked = acceptLanguage
    .split(',')
    .slice(0, 20)
    .map((part, index) => {
      const [tag = '', ...params] = part.trim().split(';')
      const q = params.map((p) => /^\s*q=([01](?:\.\d{0,3})?)\s*$/.exec(p)?.[1]).find((x) => x !== undefined)
      return { prefix: tag.toLowerCase().split(/[-_]/)[0] ?? '', q: q === undefined ? 1 : Number(q), index }
    })
    .filter((r) => r.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index)
  return (ranked.find((r) => SUPPORTED.has(r.prefix))?.prefix as Language | undefined) ?? 'en'
}
