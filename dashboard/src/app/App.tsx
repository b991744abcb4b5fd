import { LocationProvider, Route, Router, lazy, useLocation } from 'preact-iso'
import { useEffect } from 'preact/hooks'
import { whenSignedOut } from '../api/client.ts'
import { ForgotPage } from '../auth/ForgotPage.tsx'
import { InvitationPage, ResetPage } from '../auth/LinkPages.tsx'
import { SignInPage } from '../auth/SignInPage.tsx'
import { SignUpPage, VerifyPage } from '../auth/SignUpPages.tsx'
import { t } from '../i18n/i18n.ts'
import { ErrorState, Loading } from '../ui/states.tsx'
import { errorText } from '../ui/error-text.ts'
import { can, landingPath, loadMe, me, meError } from './session.ts'
import { Shell } from './Shell.tsx'

// Everything behind sign-in is a separate chunk: the first screen (sign-in) carries only itself.
const HomePage = lazy(() => import('../home/HomePage.tsx').then((m) => m.HomePage))
const ProjectsPage = lazy(() => import('../projects/ProjectsPage.tsx').then((m) => m.ProjectsPage))
const ProjectPage = lazy(() => import('../projects/ProjectPage.tsx').then((m) => m.ProjectPage))
const TeamPage = lazy(() => import('../team/TeamPage.tsx').then((m) => m.TeamPage))
const JournalPage = lazy(() => import('../journal/JournalPage.tsx').then((m) => m.JournalPage))
const PaymentsPage = lazy(() => import('../payments/PaymentsPage.tsx').then((m) => m.PaymentsPage))
const PaymentPage = lazy(() => import('../payments/PaymentPage.tsx').then((m) => m.PaymentPage))
const InvoicesPage = lazy(() => import('../invoices/InvoicesPage.tsx').then((m) => m.InvoicesPage))
const InvoiceNewPage = lazy(() => import('../invoices/InvoiceNewPage.tsx').then((m) => m.InvoiceNewPage))
const InvoicePage = lazy(() => import('../invoices/InvoicePage.tsx').then((m) => m.InvoicePage))
const BalancePage = lazy(() => import('../balance/BalancePage.tsx').then((m) => m.BalancePage))
const ReportsPage = lazy(() => import('../reports/ReportsPage.tsx').then((m) => m.ReportsPage))
const NotificationsPage = lazy(() => import('../notifications/NotificationsPage.tsx').then((m) => m.NotificationsPage))
const SecurityPage = lazy(() => import('../account/SecurityPage.tsx').then((m) => m.SecurityPage))
const WelcomePage = lazy(() => import('../onboarding/WelcomePage.tsx').then((m) => m.WelcomePage))
const PlatformPage = lazy(() => import('../platform/PlatformPage.tsx').then((m) => m.PlatformPage))
const PlatformOrgPage = lazy(() => import('../platform/PlatformOrgPage.tsx').then((m) => m.PlatformOrgPage))
const DevMailPage = lazy(() => import('../dev/DevMailPage.tsx').then((m) => m.DevMailPage))

const PUBLIC = ['/dashboard/sign-in', '/dashboard/forgot', '/dashboard/reset', '/dashboard/invitation', '/dashboard/sign-up', '/dashboard/verify', '/dashboard/dev/mail']

/** The dashboard: public pages (sign-in, links, demo mail) and the signed-in app inside the shell. */
export function App() {
  return (
    <LocationProvider scope="/dashboard">
      <Routes />
    </LocationProvider>
  )
}

function Routes() {
  const location = useLocation()
  const isPublic = PUBLIC.includes(location.path)
  useEffect(() => {
    whenSignedOut(() => {
      me.value = null
    })
    void loadMe()
  }, [])
  useEffect(() => {
    if (!isPublic && me.value === null) location.route(`/dashboard/sign-in?next=${encodeURIComponent(location.url)}`, true)
    if (me.value?.totp_required && location.path !== '/dashboard/security' && !isPublic) location.route('/dashboard/security', true)
  }, [me.value, location.path])

  if (isPublic) {
    return (
      <Router>
        <Route path="/dashboard/sign-in" component={SignInPage} />
        <Route path="/dashboard/forgot" component={ForgotPage} />
        <Route path="/dashboard/reset" component={ResetPage} />
        <Route path="/dashboard/invitation" component={InvitationPage} />
        <Route path="/dashboard/sign-up" component={SignUpPage} />
        <Route path="/dashboard/verify" component={VerifyPage} />
        <Route path="/dashboard/dev/mail" component={DevMailPage} />
      </Router>
    )
  }
  if (meError.value) return <main class="center"><ErrorState message={errorText(meError.value)} onRetry={() => void loadMe()} /></main>
  if (!me.value) return <main class="center"><Loading /></main>
  return (
    <Shell>
      <Router>
        <Route path="/dashboard/" component={Landing} />
        <Route path="/dashboard/home" component={HomePage} />
        <Route path="/dashboard/projects" component={ProjectsPage} />
        <Route path="/dashboard/projects/:id" component={ProjectPage} />
        <Route path="/dashboard/payments" component={PaymentsPage} />
        <Route path="/dashboard/payments/:project/:id" component={PaymentPage} />
        <Route path="/dashboard/invoices" component={InvoicesPage} />
        <Route path="/dashboard/invoices/new" component={InvoiceNewPage} />
        <Route path="/dashboard/invoices/:project/:id" component={InvoicePage} />
        <Route path="/dashboard/balance" component={BalancePage} />
        <Route path="/dashboard/reports" component={ReportsPage} />
        <Route path="/dashboard/team" component={TeamPage} />
        <Route path="/dashboard/journal" component={JournalPage} />
        <Route path="/dashboard/notifications" component={NotificationsPage} />
        <Route path="/dashboard/security" component={SecurityPage} />
        <Route path="/dashboard/welcome" component={WelcomePage} />
        <Route path="/dashboard/platform" component={PlatformPage} />
        <Route path="/dashboard/platform/:org" component={PlatformOrgPage} />
        <Route default component={NotFound} />
      </Router>
    </Shell>
  )
}

/** `/dashboard/` itself: the landing screen of the user's role, at that address. */
function Landing() {
  return can('home.read') ? <HomePage /> : <ProjectsPage />
}

function NotFound() {
  return (
    <section class="page">
      <h1>{t('notfound_title')}</h1>
      <p>{t('notfound_text')}</p>
      <a class="btn" href={landingPath()}>{t('go_home')}</a>
    </section>
  )
}
