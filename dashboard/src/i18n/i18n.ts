import { computed, signal } from '@preact/signals'
import type { DashboardLanguage } from '../../../protocol/schemas/dashboard/common.ts'
import { en, type MessageKey } from './en.ts'
import { ru } from './ru.ts'

export type { MessageKey }
const CATALOGUES = { en, ru } satisfies Record<DashboardLanguage, Record<MessageKey, string>>

/** The interface language: the user's saved choice once signed in, else the browser's. */
export const language = signal<DashboardLanguage>(pickBrowserLanguage())

function pickBrowserLanguage(): DashboardLanguage {
  const stored = typeof localStorage !== 'undefined' ? localStorage.getItem('epay-dashboard-lang') : null
  if (stored === 'en' || stored === 'ru') return stored
  const tags = typeof navigator !== 'undefined' ? (navigator.languages ?? [navigator.language]) : []
  return tags.some((tag) => tag.toLowerCase().startsWith('ru')) ? 'ru' : 'en'
}

export function setLanguage(lang: DashboardLanguage): void {
  language.value = lang
  localStorage.setItem('epay-dashboard-lang', lang)
  document.documentElement.lang = lang
}

const catalogue = computed(() => CATALOGUES[language.value])

/** Translates a key; `{name}` placeholders take params as text, never markup. */
export function t(key: MessageKey, params?: Record<string, string | number>): string {
  return catalogue.value[key].replace(/\{(\w+)\}/g, (match, name: string) => (params && name in params ? String(params[name]) : match))
}

/** Dates and times in the user's time zone and language. */
export function formatTime(iso: string): string {
  return new Intl.DateTimeFormat(language.value === 'ru' ? 'ru-RU' : 'en-GB', { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso))
}
