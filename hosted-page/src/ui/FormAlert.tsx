import { declineReason } from '../checkout/decline-reason.ts'
import type { FormNotice } from '../checkout/view-state.ts'
import type { Translate } from '../i18n/translate.ts'

const NOTICE_KEYS = { network: 'notice_network', rate_limited: 'notice_rate_limited', invalid: 'notice_invalid' } as const

function noticeText(t: Translate, notice: FormNotice): string {
  if (notice.reason === 'declined') return t('previous_decline', { reason: t(declineReason(notice.code)) })
  return t(NOTICE_KEYS[notice.reason])
}

/**
 * A form's alert: "check the highlighted fields" after a refused submit, else why the form is
 * back after a pay call. Always in the DOM, so its first message is announced (live region).
 */
export function FormAlert({ t, notice, invalid }: { t: Translate; notice: FormNotice | undefined; invalid: boolean }) {
  const text = invalid ? t('form_has_errors') : notice ? noticeText(t, notice) : ''
  return (
    <div class="form-alert" role="alert">
      {text}
    </div>
  )
}
