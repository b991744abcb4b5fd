// No valibot here: the hosted page's first script needs the list, not the schema library
// (issue #15, critical path). LanguageSchema is in schemas/page-api.ts.

/** Page languages; `en` and `ru` are complete, the others are machine quality, marked for review. */
export const LANGUAGES = ['en', 'ru', 'de', 'es', 'fr', 'it', 'pt', 'tr', 'pl', 'uk', 'kk', 'zh'] as const
export type Language = (typeof LANGUAGES)[number]
