import { useState } from 'preact/hooks'
import { ENDPOINTS } from '../../../protocol/schemas/dashboard/endpoints.ts'
import type { ProjectView } from '../../../protocol/schemas/dashboard/projects.ts'
import { call } from '../api/client.ts'
import { t } from '../i18n/i18n.ts'
import { Field } from '../ui/Field.tsx'
import { Alert } from '../ui/states.tsx'
import { errorText } from '../ui/error-text.ts'

const lines = (text: string) => text.split(/\s+/).map((s) => s.trim()).filter(Boolean)
const FONTS = ['system', 'serif', 'rounded', 'mono'] as const

/** Callback URL, allowed origins, return hosts, methods and theme, checked by the server's schema on save. */
export function SettingsForm({ project, editable, onSaved }: { project: ProjectView; editable: boolean; onSaved: (p: ProjectView) => void }) {
  const [name, setName] = useState(project.name)
  const [callback, setCallback] = useState(project.callback_url ?? '')
  const [origins, setOrigins] = useState(project.allowed_origins.join('\n'))
  const [hosts, setHosts] = useState(project.return_hosts.join('\n'))
  const [methods, setMethods] = useState(project.methods)
  const [themed, setThemed] = useState(project.theme !== null)
  const [accent, setAccent] = useState(project.theme?.accent ?? '#1f4fd1')
  const [background, setBackground] = useState(project.theme?.background ?? '#f4f5f7')
  const [text, setText] = useState(project.theme?.text ?? '#1a1d24')
  const [radius, setRadius] = useState(String(project.theme?.radius ?? 8))
  const [font, setFont] = useState<(typeof FONTS)[number]>(project.theme?.font ?? 'system')
  const [status, setStatus] = useState<{ kind: 'error' | 'success'; text: string }>()
  const [busy, setBusy] = useState(false)
  const toggle = (m: 'card' | 'jeton') => setMethods(methods.includes(m) ? methods.filter((x) => x !== m) : [...methods, m])
  const input = (setter: (v: string) => void) => (e: Event) => setter((e.currentTarget as HTMLInputElement).value)

  return (
    <form
      class="panel"
      onSubmit={async (e) => {
        e.preventDefault()
        setBusy(true)
        setStatus(undefined)
        try {
          const saved = await call(ENDPOINTS.updateProject, {
            params: { project: project.id },
            body: {
              name,
              callback_url: callback.trim() || null,
              allowed_origins: lines(origins),
              return_hosts: lines(hosts),
              methods,
              theme: themed ? { accent, background, text, radius: Number(radius), font } : null,
            },
          })
          onSaved(saved)
          setStatus({ kind: 'success', text: t('saved') })
        } catch (err) {
          setStatus({ kind: 'error', text: errorText(err) })
        } finally {
          setBusy(false)
        }
      }}
    >
      {!editable && <Alert kind="info">{t('read_only')}</Alert>}
      <fieldset disabled={!editable || busy}>
        <legend class="sr-only">{t('tab_settings')}</legend>
        <div class="grid-2">
          <Field label={t('project_name')}>{({ id }) => <input id={id} required maxLength={100} value={name} onInput={input(setName)} />}</Field>
          <Field label={t('callback_url')} hint={t('callback_hint')}>
            {({ id, describedBy }) => <input id={id} type="url" aria-describedby={describedBy} value={callback} onInput={input(setCallback)} placeholder="https://shop.example/epay/callback" />}
          </Field>
          <Field label={t('origins')} hint={t('origins_hint')}>
            {({ id, describedBy }) => <textarea id={id} rows={3} aria-describedby={describedBy} value={origins} onInput={input(setOrigins)} />}
          </Field>
          <Field label={t('return_hosts')} hint={t('return_hosts_hint')}>
            {({ id, describedBy }) => <textarea id={id} rows={3} aria-describedby={describedBy} value={hosts} onInput={input(setHosts)} />}
          </Field>
        </div>
        <fieldset class="group">
          <legend>{t('methods')}</legend>
          <label class="check"><input type="checkbox" checked={methods.includes('card')} onChange={() => toggle('card')} /> {t('method_card')}</label>
          <label class="check"><input type="checkbox" checked={methods.includes('jeton')} onChange={() => toggle('jeton')} /> {t('method_jeton')}</label>
        </fieldset>
        <fieldset class="group">
          <legend>{t('theme')}</legend>
          <label class="check"><input type="checkbox" checked={!themed} onChange={() => setThemed(!themed)} /> {t('theme_default')}</label>
          {themed && (
            <div class="grid-5">
              <Field label={t('theme_accent')}>{({ id }) => <input id={id} type="color" value={accent} onInput={input(setAccent)} />}</Field>
              <Field label={t('theme_background')}>{({ id }) => <input id={id} type="color" value={background} onInput={input(setBackground)} />}</Field>
              <Field label={t('theme_text')}>{({ id }) => <input id={id} type="color" value={text} onInput={input(setText)} />}</Field>
              <Field label={t('theme_radius')}>{({ id }) => <input id={id} type="number" min={0} max={24} value={radius} onInput={input(setRadius)} />}</Field>
              <Field label={t('theme_font')}>
                {({ id }) => (
                  <select id={id} value={font} onChange={(e) => setFont((e.currentTarget as HTMLSelectElement).value as (typeof FONTS)[number])}>
                    {FONTS.map((f) => <option key={f} value={f}>{t(`font_${f}`)}</option>)}
                  </select>
                )}
              </Field>
            </div>
          )}
        </fieldset>
      </fieldset>
      {status && <Alert kind={status.kind}>{status.text}</Alert>}
      {editable && <div class="actions"><button class="btn btn-primary" type="submit" disabled={busy}>{busy ? t('saving') : t('save')}</button></div>}
    </form>
  )
}
