import { useLocation } from 'preact-iso'
import { useEffect } from 'preact/hooks'
import { landingPath } from '../app/session.ts'
import { t } from '../i18n/i18n.ts'
import { NewProjectResult } from '../projects/NewProjectResult.tsx'
import { Alert } from '../ui/states.tsx'
import { welcome } from './welcome.ts'

/** Right after registration: the first project's secret (shown this once) and the integration snippet. */
export function WelcomePage() {
  const location = useLocation()
  const created = welcome.value
  useEffect(() => {
    if (!created) location.route(landingPath(), true)
  }, [created])
  if (!created) return null
  return (
    <>
      <Alert kind="success">{t('welcome_lead')}</Alert>
      <NewProjectResult created={created} onDone={() => {
        welcome.value = undefined
        location.route('/dashboard/projects')
      }} />
    </>
  )
}
