import type { ComponentChildren } from 'preact'
import { language, setLanguage, t } from '../i18n/i18n.ts'
import { Logo } from '../ui/Logo.tsx'

/** The frame of the signed-out pages: brand, one card, language switch. */
export function AuthLayout({ title, lead, children }: { title: string; lead?: string; children: ComponentChildren }) {
  return (
    <div class="auth">
      <main class="auth-card">
        <div class="auth-brand">
          <Logo />
          <span>EPay</span>
          <span class="auth-product">{t('dashboard')}</span>
        </div>
        <h1>{title}</h1>
        {lead && <p class="lead">{lead}</p>}
        {children}
      </main>
      <footer class="auth-footer">
        <label class="sr-only" for="auth-lang">{t('language')}</label>
        <select id="auth-lang" class="lang" value={language.value} onChange={(e) => setLanguage((e.currentTarget as HTMLSelectElement).value as 'en' | 'ru')}>
          <option value="en">English</option>
          <option value="ru">Русский</option>
        </select>
      </footer>
    </div>
  )
}
