import { LANGUAGES, type Language } from '../../../protocol/languages.ts'
import { provideCatalogue } from './catalogues.ts'
import type { Catalogue } from './en.ts'

type I18nDocument = Pick<Document, 'getElementById'>

/**
 * Reads the `#epay-i18n` block the server put in the page — the language it rendered the first
 * screen in and, unless English (bundled), that language's catalogue — installs the catalogue
 * and returns the language; null when there is none or it cannot be read.
 */
export function takeServedLanguage(doc: I18nDocument): Language | null {
  const element = doc.getElementById('epay-i18n')
  if (!element) return null
  element.remove()
  try {
    const data = JSON.parse(element.textContent ?? '') as { lang?: unknown; messages?: unknown }
    const lang = (LANGUAGES as readonly unknown[]).includes(data.lang) ? (data.lang as Language) : null
    if (!lang) return null
    if (lang === 'en') return lang
    if (!isMessages(data.messages)) return null
    provideCatalogue(lang, data.messages)
    return lang
  } catch {
    return null
  }
}

function isMessages(value: unknown): value is Partial<Catalogue> {
  return typeof value === 'object' && value !== null && Object.values(value).every((text) => typeof text === 'string')
}
