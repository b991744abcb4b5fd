import { useState } from 'preact/hooks'
import { MEMBER_ROLES, type MemberRole } from '../../../protocol/schemas/dashboard/common.ts'
import { ENDPOINTS } from '../../../protocol/schemas/dashboard/endpoints.ts'
import type { MemberView } from '../../../protocol/schemas/dashboard/team.ts'
import { call } from '../api/client.ts'
import { can, me } from '../app/session.ts'
import { formatTime, t } from '../i18n/i18n.ts'
import { useResource } from '../projects/use-resource.ts'
import { Field } from '../ui/Field.tsx'
import { Alert, Empty, ErrorState, Loading } from '../ui/states.tsx'
import { errorText } from '../ui/error-text.ts'

/** Members of the organisation: invite, change role and project scope, disable, reset 2FA. */
export function TeamPage() {
  const team = useResource(() => call(ENDPOINTS.team))
  const [inviting, setInviting] = useState(false)
  const [editing, setEditing] = useState<MemberView>()
  const [status, setStatus] = useState<{ kind: 'error' | 'success'; text: string }>()
  const manage = can('team.manage')
  const act = async (work: () => Promise<unknown>, done: string) => {
    setStatus(undefined)
    try {
      await work()
      setStatus({ kind: 'success', text: done })
      team.reload()
    } catch (err) {
      setStatus({ kind: 'error', text: errorText(err) })
    }
  }
  const members = team.data?.members ?? []
  return (
    <section class="page">
      <div class="page-head">
        <div>
          <h1>{t('team_title')}</h1>
          <p class="lead">{t('team_lead')}</p>
        </div>
        {manage && !inviting && <button type="button" class="btn btn-primary" onClick={() => { setEditing(undefined); setInviting(true) }}>{t('invite')}</button>}
      </div>
      {status && <Alert kind={status.kind}>{status.text}</Alert>}
      {(inviting || editing) && (
        <MemberForm member={editing} onCancel={() => { setInviting(false); setEditing(undefined) }}
          onDone={(text) => { setInviting(false); setEditing(undefined); setStatus({ kind: 'success', text }); team.reload() }} />
      )}
      {team.loading && !team.data ? <Loading />
        : team.error ? <ErrorState message={errorText(team.error)} onRetry={team.reload} />
        : members.length <= 1 && !inviting ? <Empty title={t('team_empty_title')} text={t('team_empty')} />
        : null}
      {members.length > 0 && (
        <div class="table-wrap" tabIndex={0} role="region" aria-label={t('team_title')}>
          <table class="table">
            <caption class="sr-only">{t('team_title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('col_member')}</th><th scope="col">{t('col_role')}</th><th scope="col">{t('scope')}</th>
                <th scope="col">{t('col_status')}</th><th scope="col">{t('col_2fa')}</th><th scope="col">{t('col_last_sign_in')}</th>
                {manage && <th scope="col"><span class="sr-only">{t('actions')}</span></th>}
              </tr>
            </thead>
            <tbody>
              {members.map((m) => {
                const self = m.id === me.value?.user.id
                const canTouch = manage && !self && (m.role !== 'owner' || me.value?.user.role === 'owner')
                return (
                  <tr key={m.id}>
                    <th scope="row">{m.email}{self && <span class="muted"> ({t('you')})</span>}</th>
                    <td>{t(`role_${m.role}`)}</td>
                    <td>{m.projects === null ? t('scope_all') : m.projects.map((id) => me.value?.projects.find((p) => p.id === id)?.name ?? id).join(', ')}</td>
                    <td><span class={`badge badge-${m.status}`}>{t(`status_${m.status}`)}</span></td>
                    <td>{m.totp ? t('on') : t('off')}</td>
                    <td>{m.last_sign_in_at ? formatTime(m.last_sign_in_at) : t('never')}</td>
                    {manage && (
                      <td class="row-actions">
                        {canTouch && (
                          <>
                            <button type="button" class="btn btn-small" aria-label={t('edit_member', { email: m.email })} onClick={() => { setInviting(false); setEditing(m) }}>{t('edit')}</button>
                            {m.status === 'disabled'
                              ? <button type="button" class="btn btn-small" aria-label={`${t('enable')} ${m.email}`} onClick={() => act(() => call(ENDPOINTS.enableMember, { params: { member: m.id } }), t('member_saved'))}>{t('enable')}</button>
                              : <button type="button" class="btn btn-small" aria-label={`${t('disable')} ${m.email}`} onClick={() => act(() => call(ENDPOINTS.disableMember, { params: { member: m.id } }), t('member_saved'))}>{t('disable')}</button>}
                            {m.totp && <button type="button" class="btn btn-small" aria-label={`${t('reset_2fa')} ${m.email}`} onClick={() => act(() => call(ENDPOINTS.resetMemberTotp, { params: { member: m.id } }), t('member_saved'))}>{t('reset_2fa')}</button>}
                          </>
                        )}
                      </td>
                    )}
                  </tr>
                )
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  )
}

function MemberForm({ member, onCancel, onDone }: { member: MemberView | undefined; onCancel: () => void; onDone: (text: string) => void }) {
  const actor = me.value!
  const [email, setEmail] = useState(member?.email ?? '')
  const [role, setRole] = useState<MemberRole>(member?.role ?? 'viewer')
  const [all, setAll] = useState(member ? member.projects === null : actor.user.projects === null)
  const [chosen, setChosen] = useState<number[]>(member?.projects ?? [])
  const [error, setError] = useState<string>()
  const [busy, setBusy] = useState(false)
  const roles = MEMBER_ROLES.filter((r) => r !== 'owner' || actor.user.role === 'owner')
  const projects = all || role === 'owner' ? null : chosen
  return (
    <form
      class="panel"
      aria-labelledby="member-form-title"
      onSubmit={async (e) => {
        e.preventDefault()
        setBusy(true)
        setError(undefined)
        try {
          if (member) {
            await call(ENDPOINTS.updateMember, { params: { member: member.id }, body: { role, projects } })
            onDone(t('member_saved'))
          } else {
            await call(ENDPOINTS.invite, { body: { email, role, projects } })
            onDone(t('invite_sent', { email }))
          }
        } catch (err) {
          setError(errorText(err))
        } finally {
          setBusy(false)
        }
      }}
    >
      <h2 id="member-form-title">{member ? t('edit_member', { email: member.email }) : t('invite_member_title')}</h2>
      {error && <Alert kind="error">{error}</Alert>}
      <div class="grid-2">
        {!member && (
          <Field label={t('email')}>
            {({ id }) => <input id={id} type="email" required autoFocus value={email} onInput={(e) => setEmail((e.currentTarget as HTMLInputElement).value)} />}
          </Field>
        )}
        <Field label={t('role')} hint={t(`role_hint_${role}`)}>
          {({ id, describedBy }) => (
            <select id={id} aria-describedby={describedBy} value={role} onChange={(e) => setRole((e.currentTarget as HTMLSelectElement).value as MemberRole)}>
              {roles.map((r) => <option key={r} value={r}>{t(`role_${r}`)}</option>)}
            </select>
          )}
        </Field>
      </div>
      {role !== 'owner' && (
        <fieldset class="group">
          <legend>{t('scope')}</legend>
          {actor.user.projects === null && <label class="check"><input type="radio" name="scope" checked={all} onChange={() => setAll(true)} /> {t('scope_all')}</label>}
          <label class="check"><input type="radio" name="scope" checked={!all} onChange={() => setAll(false)} /> {t('scope_some')}</label>
          {!all && (
            <div class="checks">
              {actor.projects.map((p) => (
                <label class="check" key={p.id}>
                  <input type="checkbox" checked={chosen.includes(p.id)} onChange={() => setChosen(chosen.includes(p.id) ? chosen.filter((x) => x !== p.id) : [...chosen, p.id])} />
                  {' '}{p.name} <span class="muted mono">{p.id}</span>
                </label>
              ))}
            </div>
          )}
        </fieldset>
      )}
      <div class="actions">
        <button class="btn btn-primary" type="submit" disabled={busy}>{member ? t('save') : t('send_invite')}</button>
        <button class="btn" type="button" onClick={onCancel}>{t('cancel')}</button>
      </div>
    </form>
  )
}
