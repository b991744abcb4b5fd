import type { ComponentChildren } from 'preact'
import { useLocation } from 'preact-iso'
import { useEffect, useRef } from 'preact/hooks'
import { ENDPOINTS } from '../../../protocol/schemas/dashboard/endpoints.ts'
import { call } from '../api/client.ts'
import { language, setLanguage, t } from '../i18n/i18n.ts'
import { Bell } from '../notifications/Bell.tsx'
import { Logo } from '../ui/Logo.tsx'
import { can, landingPath, me, signOut } from './session.ts'

/** Layout of the signed-in app: skip link, header with organisation and user, navigation, content. */
export function Shell({ children }: { children: ComponentChildren }) {
  const location = useLocation()
  const view = me.value!
  const main = useRef<HTMLElement>(null)
  // Focus moves to the new page's heading region, so keyboard and screen-reader users land on it.
  useEffect(() => {
    main.current?.focus({ preventScroll: true })
  }, [location.path])
  const items = [
    { href: '/dashboard/platform', label: t('nav_platform'), show: can('platform.manage') },
    { href: '/dashboard/home', label: t('nav_home'), show: can('home.read') },
    { href: '/dashboard/payments', label: t('nav_payments'), show: can('payments.read') },
    { href: '/dashboard/invoices', label: t('nav_invoices'), show: can('payments.read') },
    { href: '/dashboard/balance', label: t('nav_balance'), show: can('home.read') },
    { href: '/dashboard/reports', label: t('nav_reports'), show: can('home.read') },
    { href: '/dashboard/projects', label: t('nav_projects'), show: can('projects.read') },
    { href: '/dashboard/team', label: t('nav_team'), show: can('team.read') },
    { href: '/dashboard/journal', label: t('nav_journal'), show: can('journal.read') },
    { href: '/dashboard/security', label: t('nav_security'), show: true },
  ]
  const current = (href: string) => location.path === href || location.path.startsWith(`${href}/`) || (href === landingPath() && location.path === '/dashboard/')
  return (
    <div class="shell">
      <a class="skip" href="#main">{t('skip')}</a>
      <header class="topbar">
        <a class="brand" href={landingPath()} aria-label={t('home_label')}>
          <Logo />
          <span>EPay</span>
        </a>
        <span class="org">{view.organisation?.name ?? t('platform')}</span>
        <div class="topbar-end">
          <Bell current={location.path === '/dashboard/notifications'} />
          <label class="sr-only" for="lang">{t('language')}</label>
          <select
            id="lang"
            class="lang"
            value={language.value}
            onChange={(e) => {
              const lang = (e.currentTarget as HTMLSelectElement).value as 'en' | 'ru'
              setLanguage(lang)
              void call(ENDPOINTS.setLanguage, { body: { language: lang } }).catch(() => undefined)
            }}
          >
            <option value="en">English</option>
            <option value="ru">Русский</option>
          </select>
          <span class="who" title={view.user.email}>
            <span class="who-email">{view.user.email}</span>
            <span class="badge">{t(`role_${view.user.role}`)}</span>
          </span>
          <button type="button" class="btn btn-quiet" onClick={() => {
            // To the sign-in page first, so signing in again starts from the projects, not from `?next=` here.
            location.route('/dashboard/sign-in')
            void signOut()
          }}>
            {t('nav_sign_out')}
          </button>
        </div>
      </header>
      <nav class="nav" aria-label={t('nav_main')}>
        <ul>
          {items.filter((i) => i.show).map((i) => (
            <li key={i.href}>
              <a href={i.href} aria-current={current(i.href) ? 'page' : undefined}>{i.label}</a>
            </li>
          ))}
        </ul>
      </nav>
      <main id="main" ref={main} tabIndex={-1} class="main">
        {children}
      </main>
    </div>
  )
}
