import { useState } from 'preact/hooks'
import { ENDPOINTS } from '../../../protocol/schemas/dashboard/endpoints.ts'
import type { ProjectView } from '../../../protocol/schemas/dashboard/projects.ts'
import { call } from '../api/client.ts'
import { formatTime, t } from '../i18n/i18n.ts'
import { CopyButton } from '../ui/CopyButton.tsx'
import { Alert } from '../ui/states.tsx'
import { errorText } from '../ui/error-text.ts'

/** Secret rotation, with or without a 24-hour grace for the old secret; the new one is shown once. */
export function SecretPanel({ project, editable, onRotated }: { project: ProjectView; editable: boolean; onRotated: (p: ProjectView) => void }) {
  const [revoke, setRevoke] = useState(false)
  const [confirming, setConfirming] = useState(false)
  const [secret, setSecret] = useState<string>()
  const [error, setError] = useState<string>()
  const [busy, setBusy] = useState(false)
  return (
    <div class="panel">
      <h2>{t('rotate_title')}</h2>
      <p class="hint">{t('rotate_lead')}</p>
      {project.previous_secret_valid_until && <Alert kind="info">{t('grace_until', { time: formatTime(project.previous_secret_valid_until) })}</Alert>}
      {secret && (
        <>
          <Alert kind="warning">{t('secret_once')}</Alert>
          <div class="secret-box">
            <span class="secret-label">{t('rotated_title')}</span>
            <code class="secret" data-testid="project-secret">{secret}</code>
            <CopyButton text={secret} />
          </div>
        </>
      )}
      {!editable ? <Alert kind="info">{t('read_only')}</Alert> : (
        <fieldset class="group" disabled={busy}>
          <legend>{t('rotate_old')}</legend>
          <label class="check"><input type="radio" name="grace" checked={!revoke} onChange={() => setRevoke(false)} /> {t('rotate_grace')}</label>
          <label class="check"><input type="radio" name="grace" checked={revoke} onChange={() => setRevoke(true)} /> {t('rotate_now')}</label>
        </fieldset>
      )}
      {error && <Alert kind="error">{error}</Alert>}
      {editable && (confirming ? (
        <div class="confirm" role="group" aria-label={t('rotate_title')}>
          <p>{revoke ? t('confirm_rotate_now', { name: project.name }) : t('confirm_rotate', { name: project.name })}</p>
          <div class="actions">
            <button type="button" class="btn btn-danger" disabled={busy} onClick={async () => {
              setBusy(true)
              setError(undefined)
              try {
                const rotated = await call(ENDPOINTS.rotateSecret, { params: { project: project.id }, body: { revoke_old: revoke } })
                setSecret(rotated.secret)
                onRotated(rotated.project)
                setConfirming(false)
              } catch (err) {
                setError(errorText(err))
              } finally {
                setBusy(false)
              }
            }}>{t('rotate_confirm')}</button>
            <button type="button" class="btn" onClick={() => setConfirming(false)}>{t('cancel')}</button>
          </div>
        </div>
      ) : <div class="actions"><button type="button" class="btn" onClick={() => setConfirming(true)}>{t('rotate_button')}</button></div>)}
    </div>
  )
}
