import { useState } from 'preact/hooks'
import type { TotpEnrolment } from '../../../protocol/schemas/dashboard/auth.ts'
import { ENDPOINTS } from '../../../protocol/schemas/dashboard/endpoints.ts'
import { call } from '../api/client.ts'
import { loadMe, me } from '../app/session.ts'
import { formatTime, t } from '../i18n/i18n.ts'
import { useResource } from '../projects/use-resource.ts'
import { CopyButton } from '../ui/CopyButton.tsx'
import { Field } from '../ui/Field.tsx'
import { NewPasswordField } from '../ui/PasswordField.tsx'
import { Alert, ErrorState, Loading } from '../ui/states.tsx'
import { errorText } from '../ui/error-text.ts'

/** The user's own security: second factor, recovery codes, password, sessions. */
export function SecurityPage() {
  return (
    <section class="page">
      <h1>{t('security_title')}</h1>
      {me.value!.totp_required && <Alert kind="warning">{t('twofa_required')}</Alert>}
      <TwoFactor />
      {!me.value!.totp_required && <ChangePassword />}
      <Sessions />
    </section>
  )
}

function TwoFactor() {
  const on = me.value!.user.totp
  const [enrolment, setEnrolment] = useState<TotpEnrolment>()
  const [code, setCode] = useState('')
  const [codes, setCodes] = useState<string[]>()
  const [password, setPassword] = useState('')
  const [error, setError] = useState<string>()
  const [busy, setBusy] = useState(false)
  const run = async (work: () => Promise<void>) => {
    setBusy(true)
    setError(undefined)
    try {
      await work()
    } catch (err) {
      setError(errorText(err))
    } finally {
      setBusy(false)
    }
  }
  return (
    <div class="panel" aria-labelledby="twofa-title">
      <h2 id="twofa-title">{t('twofa_title')} <span class={on ? 'badge badge-active' : 'badge'}>{on ? t('on') : t('off')}</span></h2>
      {error && <Alert kind="error">{error}</Alert>}
      {codes && (
        <div class="recovery">
          <h3>{t('recovery_title')}</h3>
          <p>{t('recovery_lead')}</p>
          <ul class="codes" data-testid="recovery-codes">{codes.map((c) => <li key={c}><code>{c}</code></li>)}</ul>
          <CopyButton text={codes.join('\n')} />
        </div>
      )}
      {!on && !enrolment && (
        <>
          <p>{t('twofa_off')}</p>
          <button type="button" class="btn btn-primary" disabled={busy} onClick={() => run(async () => setEnrolment(await call(ENDPOINTS.totpStart)))}>{t('twofa_start')}</button>
        </>
      )}
      {!on && enrolment && (
        <form onSubmit={(e) => { e.preventDefault(); void run(async () => { const r = await call(ENDPOINTS.totpConfirm, { body: { code } }); setCodes(r.recovery_codes); setEnrolment(undefined); await loadMe() }) }}>
          <p>{t('twofa_scan')}</p>
          <div class="qr-row">
            <img class="qr" width="180" height="180" alt={t('qr_alt')} src={`data:image/svg+xml;charset=utf-8,${encodeURIComponent(enrolment.qr_svg)}`} />
            <div>
              <p class="muted">{t('twofa_key')}</p>
              <code class="secret" data-testid="totp-secret">{enrolment.secret.replace(/(.{4})/g, '$1 ').trim()}</code>
            </div>
          </div>
          <Field label={t('totp_code')}>
            {({ id }) => <input id={id} inputMode="numeric" autocomplete="one-time-code" pattern="[0-9]{6}" maxLength={6} required value={code} onInput={(e) => setCode((e.currentTarget as HTMLInputElement).value.trim())} />}
          </Field>
          <button class="btn btn-primary" type="submit" disabled={busy}>{t('twofa_confirm')}</button>
        </form>
      )}
      {on && !codes && (
        <form class="inline-form" onSubmit={(e) => e.preventDefault()}>
          <p>{t('twofa_on_text')}</p>
          <Field label={t('confirm_password')}>
            {({ id }) => <input id={id} type="password" autocomplete="current-password" value={password} onInput={(e) => setPassword((e.currentTarget as HTMLInputElement).value)} />}
          </Field>
          <div class="actions">
            <button type="button" class="btn" disabled={busy || !password} onClick={() => run(async () => { const r = await call(ENDPOINTS.recoveryCodes, { body: { password } }); setCodes(r.recovery_codes); setPassword('') })}>{t('recovery_renew')}</button>
            <button type="button" class="btn btn-danger" disabled={busy || !password} onClick={() => run(async () => { await call(ENDPOINTS.totpDisable, { body: { password } }); setPassword(''); await loadMe() })}>{t('twofa_disable')}</button>
          </div>
        </form>
      )}
    </div>
  )
}

function ChangePassword() {
  const [current, setCurrent] = useState('')
  const [next, setNext] = useState('')
  const [status, setStatus] = useState<{ kind: 'error' | 'success'; text: string }>()
  const [busy, setBusy] = useState(false)
  return (
    <form class="panel" aria-labelledby="password-title" onSubmit={async (e) => {
      e.preventDefault()
      setBusy(true)
      setStatus(undefined)
      try {
        await call(ENDPOINTS.changePassword, { body: { current_password: current, password: next } })
        setCurrent('')
        setNext('')
        setStatus({ kind: 'success', text: t('password_changed') })
      } catch (err) {
        setStatus({ kind: 'error', text: errorText(err) })
      } finally {
        setBusy(false)
      }
    }}>
      <h2 id="password-title">{t('change_password')}</h2>
      {status && <Alert kind={status.kind}>{status.text}</Alert>}
      <input type="email" autocomplete="username" value={me.value!.user.email} hidden readOnly />
      <Field label={t('current_password')}>
        {({ id }) => <input id={id} type="password" autocomplete="current-password" required value={current} onInput={(e) => setCurrent((e.currentTarget as HTMLInputElement).value)} />}
      </Field>
      <NewPasswordField label={t('new_password')} value={next} onInput={setNext} context={[me.value!.user.email]} />
      <button class="btn btn-primary" type="submit" disabled={busy}>{t('change_password')}</button>
    </form>
  )
}

function Sessions() {
  const list = useResource(() => call(ENDPOINTS.sessions))
  return (
    <div class="panel" aria-labelledby="sessions-title">
      <h2 id="sessions-title">{t('sessions_title')}</h2>
      <p class="hint">{t('sessions_lead')}</p>
      {list.loading && !list.data ? <Loading /> : list.error ? <ErrorState message={errorText(list.error)} onRetry={list.reload} /> : (
        <ul class="sessions">
          {list.data!.sessions.map((s) => (
            <li key={s.id}>
              <div>
                <strong>{s.current ? t('session_current') : s.user_agent.slice(0, 60) || t('unknown_device')}</strong>
                <span class="muted"> · {s.ip} · {t('session_seen', { time: formatTime(s.last_seen_at) })}</span>
              </div>
              {!s.current && <button type="button" class="btn btn-small" onClick={async () => { await call(ENDPOINTS.revokeSession, { params: { session: s.id } }).catch(() => undefined); list.reload() }}>{t('session_revoke')}</button>}
            </li>
          ))}
        </ul>
      )}
    </div>
  )
}
