import { LANGUAGES, type Language } from '../../../protocol/schemas/page-api.ts'
import { en, type Catalogue, type MessageKey } from './en.ts'
import { ru } from './ru.ts'

export type { MessageKey }

/** Adding a language is a catalogue here plus its code in protocol LANGUAGES. */
const CATALOGUES: Record<Language, Catalogue> = { en, ru }

export type Translate = (key: MessageKey, params?: Record<string, string | number>) => string

/** Returns `t(key, params)` for a language; `{name}` placeholders take the params as text. */
export function translator(lang: Language): Translate {
  const catalogue = CATALOGUES[lang]
  return (key, params) =>
    catalogue[key].replace(/\{(\w+)\}/g, (match, name: string) =>
      params && name in params ? String(params[name]) : match,
    )
}

function isLanguage(value: string): value is Language {
  return (LANGUAGES as readonly string[]).includes(value)
}

/**
 * The page language: the merchant's signed `language_code`, else the browser's primary
 * language when we have it, else English.
 */
export function pickLanguage(sessionLanguage: Language | undefined, browserLanguage: string | undefined): Language {
  if (sessionLanguage) return sessionLanguage
  const prefix = (browserLanguage ?? '').toLowerCase().split(/[-_]/)[0] ?? ''
  return isLanguage(prefix) ? prefix : 'en'
}
