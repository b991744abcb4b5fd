import type { FormNotice } from '../checkout/view-state.ts'
import type { Translate } from '../i18n/translate.ts'

const NOTICE_KEYS = { network: 'notice_network', rate_limited: 'notice_rate_limited', invalid: 'notice_invalid' } as const

/**
 * A form's alert: "check the highlighted fields" after a refused submit, else why the form is
 * back after a pay call. Always in the DOM, so its first message is announced (live region).
 */
export function FormAlert({ t, notice, invalid }: { t: Translate; notice: FormNotice | undefined; invalid: boolean }) {
  const text = invalid ? t('form_has_errors') : notice ? t(NOTICE_KEYS[notice.reason]) : ''
  return (
    <div class="form-alert" role="alert">
      {text}
    </div>
  )
}
