import { LANGUAGES, type Language } from '../../../protocol/languages.ts'
import { catalogueFor } from './catalogues.ts'
import type { MessageKey } from './en.ts'

export type { MessageKey }

export type Translate = (key: MessageKey, params?: Record<string, string | number>) => string

/**
 * Returns `t(key, params)` for a language (English until its catalogue is loaded, see
 * loadLanguage); `{name}` placeholders take the params as text, never markup.
 */
export function translator(lang: Language): Translate {
  const catalogue = catalogueFor(lang)
  return (key, params) =>
    catalogue[key].replace(/\{(\w+)\}/g, (match, name: string) =>
      params && name in params ? String(params[name]) : match,
    )
}

function isLanguage(value: string): value is Language {
  return (LANGUAGES as readonly string[]).includes(value)
}

/**
 * The page language: the merchant's signed `language_code`, else the first of the browser's
 * preferred languages (`navigator.languages`, by primary subtag) that the page has, else English.
 */
export function pickLanguage(sessionLanguage: Language | undefined, browserLanguages: readonly string[] = []): Language {
  if (sessionLanguage) return sessionLanguage
  for (const tag of browserLanguages) {
    const prefix = tag.toLowerCase().split(/[-_]/)[0] ?? ''
    if (isLanguage(prefix)) return prefix
  }
  return 'en'
}
