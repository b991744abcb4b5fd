import type { Language } from '../../../protocol/schemas/page-api.ts'
import { en, type Catalogue } from './en.ts'

/**
 * Catalogues other than English are separate chunks, fetched with `import()` only when the
 * page shows that language: bundling all twelve would add ~14 KB gzip to a critical path
 * budgeted at 30 KB (SPEC §13). Adding a language is a file here plus its code in LANGUAGES.
 */
const LOADERS: Record<Exclude<Language, 'en'>, () => Promise<Catalogue>> = {
  ru: () => import('./ru.ts').then((m) => m.ru),
  de: () => import('./de.ts').then((m) => m.de),
  es: () => import('./es.ts').then((m) => m.es),
  fr: () => import('./fr.ts').then((m) => m.fr),
  it: () => import('./it.ts').then((m) => m.it),
  pt: () => import('./pt.ts').then((m) => m.pt),
  tr: () => import('./tr.ts').then((m) => m.tr),
  pl: () => import('./pl.ts').then((m) => m.pl),
  uk: () => import('./uk.ts').then((m) => m.uk),
  kk: () => import('./kk.ts').then((m) => m.kk),
  zh: () => import('./zh.ts').then((m) => m.zh),
}

const loaded: Partial<Record<Language, Catalogue>> = { en }
const pending = new Map<Language, Promise<Language>>()

/**
 * Installs a catalogue that arrived another way: with the served page (so the first paint is
 * already in the shopper's language, with no chunk to fetch) or on the server, which renders
 * the page's first screen. A key the catalogue lacks reads as English rather than breaking.
 */
export function provideCatalogue(lang: Language, catalogue: Partial<Catalogue>): void {
  loaded[lang] = { ...en, ...catalogue }
}

/** The catalogue of a language once loaded; English until then. */
export function catalogueFor(lang: Language): Catalogue {
  return loaded[lang] ?? en
}

/**
 * Loads a language's catalogue and resolves to the language the page can show: the one asked
 * for, or `en` when its chunk cannot be fetched (a page in English beats no page at all).
 */
export function loadLanguage(lang: Language): Promise<Language> {
  if (lang === 'en' || loaded[lang]) return Promise.resolve(lang)
  let promise = pending.get(lang)
  if (!promise) {
    promise = LOADERS[lang]().then(
      (catalogue) => {
        loaded[lang] = catalogue
        return lang
      },
      () => {
        pending.delete(lang)
        return 'en' as const
      },
    )
    pending.set(lang, promise)
  }
  return promise
}
