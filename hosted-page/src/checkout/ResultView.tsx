import { useEffect, useRef, useState } from 'preact/hooks'
import type { PaymentState } from '../../../protocol/schemas/page-api.ts'
import type { MessageKey, Translate } from '../i18n/translate.ts'
import { ReturnLink } from '../ui/ReturnLink.tsx'
import { Spinner } from '../ui/Spinner.tsx'
import { declineReason } from './decline-reason.ts'
import { toWebUrl } from '../redirect/web-url.ts'
import type { ViewState } from './view-state.ts'

/** The screens of a payment's outcome; StatusView shows them through this chunk. */
export type OutcomeView = Extract<ViewState, { kind: 'redirecting' | 'success' | 'decline' | 'expired' }>

export type ResultViewProps = {
  view: OutcomeView
  payment: PaymentState | null
  framed: boolean
  t: Translate
  onRetry: () => void
  onContinue: () => void
}

/** How long an automatic redirect may take before a Continue button is offered as well. */
const CONTINUE_AFTER_MS = 4000

/** The Continue button of the redirecting screen: at once when nothing navigates by itself. */
function ContinueButton({ auto, label, onContinue }: { auto: boolean; label: string; onContinue: () => void }) {
  const [late, setLate] = useState(false)
  useEffect(() => {
    if (!auto) return
    const timer = setTimeout(() => setLate(true), CONTINUE_AFTER_MS)
    return () => clearTimeout(timer)
  }, [auto])
  if (auto && !late) return null
  return (
    <button type="button" class="button button--primary" onClick={onContinue}>
      {label}
    </button>
  )
}

/**
 * A payment's outcome: on the way to the ACS or wallet, success, decline, expired. A chunk of its
 * own (issue #15): the form's first script does without it; it is fetched once the form is up.
 */
export function ResultView({ view, payment, framed, t, onRetry, onContinue }: ResultViewProps) {
  const heading = useRef<HTMLHeadingElement>(null)
  // Focus follows the screen change, so keyboard and screen-reader users land on the result.
  useEffect(() => heading.current?.focus(), [view.kind])

  const title = (key: MessageKey) => (
    <h1 class="screen-title" tabIndex={-1} ref={heading}>
      {t(key)}
    </h1>
  )
  const card = payment?.last_attempt?.card
  const cardLine = card ? <p class="muted">{t('card_ending', { card })}</p> : null
  const back = <ReturnLink url={payment?.return_url} framed={framed} label={t('return_to_shop')} />
  // With no way back to the shop, a final screen still says what to do next: never a dead end.
  const hasWayBack = Boolean(payment?.return_url && toWebUrl(payment.return_url))
  const next = (key: MessageKey) => (hasWayBack ? back : <p class="muted">{t(key)}</p>)

  switch (view.kind) {
    case 'redirecting': {
      const bank = payment?.status === 'awaiting 3ds result'
      return (
        <section class="status" aria-busy={view.auto ? 'true' : undefined}>
          {view.auto ? <Spinner /> : null}
          {title(bank ? 'redirect_3ds_title' : 'redirect_title')}
          <p>{t(bank ? 'redirect_3ds_text' : 'redirect_text')}</p>
          <ContinueButton auto={view.auto} label={t('redirect_continue')} onContinue={onContinue} />
        </section>
      )
    }
    case 'success':
      return (
        <section class="status status--success">
          <span class="status__icon" aria-hidden="true">✓</span>
          {title('success_title')}
          <p>{t('success_text')}</p>
          {cardLine}
          {next('success_next')}
        </section>
      )
    case 'decline':
      return (
        <section class="status status--decline">
          <span class="status__icon" aria-hidden="true">!</span>
          {title('decline_title')}
          <p role="alert" data-decline-code={payment?.last_attempt?.code}>{t(declineReason(payment?.last_attempt?.code))}</p>
          {cardLine}
          <p>{view.attemptsLeft > 0 ? t('attempts_left', { n: view.attemptsLeft }) : t('decline_final')}</p>
          {view.attemptsLeft > 0 ? (
            <button type="button" class="button button--primary" onClick={onRetry}>
              {t('try_again')}
            </button>
          ) : null}
          {view.attemptsLeft > 0 ? back : next('decline_next')}
        </section>
      )
    case 'expired':
      return (
        <section class="status">
          {title('expired_title')}
          <p>{t('expired_text')}</p>
          {back}
        </section>
      )
  }
}
