import { useEffect, useRef } from 'preact/hooks'
import type { PayBody, SessionView } from '../../../protocol/schemas/page-api.ts'
import type { MessageKey, Translate } from '../i18n/translate.ts'
import { CardPanel } from './CardPanel.tsx'
import { JetonPay } from './JetonPay.tsx'
import { MethodChoice } from './MethodChoice.tsx'
import type { PageMethod } from './page-method.ts'
import type { CardNotice, FormNotice } from './view-state.ts'

export type PaymentOptionsProps = {
  t: Translate
  session: SessionView
  amount: string
  method: PageMethod
  onMethod: (method: PageMethod) => void
  busy: boolean
  notice?: FormNotice
  /** Focus the first field once mounted (a form shown again after Try again), never on a method switch. */
  focusOnMount: boolean
  deleting: string | null
  cardNotice: CardNotice | null
  initialHolder?: string
  onPay: (body: PayBody) => void
  onDelete: (token: string) => void
}

/** The form screen's title: the method choice, or the one method's own title. */
export function titleKey(methods: readonly PageMethod[]): MessageKey {
  if (methods.length > 1) return 'choose_method'
  return methods[0] === 'jeton' ? 'jeton_title' : 'form_title'
}

/** The screen title, the method choice (when there is one) and the chosen method's form. */
export function PaymentOptions(props: PaymentOptionsProps) {
  const { t, session, amount, method, onMethod, busy, notice } = props
  // Children's mount effects run before this one: only the first form mounted takes focus.
  const focusPending = useRef(props.focusOnMount)
  useEffect(() => {
    focusPending.current = false
  }, [])

  return (
    <section class="pay-options">
      <h1 id="form-title" class="screen-title">{t(titleKey(session.methods))}</h1>
      {session.methods.length > 1 ? <MethodChoice t={t} methods={session.methods} value={method} onChange={onMethod} /> : null}
      {method === 'jeton' ? (
        <JetonPay t={t} amount={amount} busy={busy} notice={notice} focusOnMount={focusPending.current} onPay={() => props.onPay({ method: 'jeton' })} />
      ) : (
        <CardPanel
          t={t}
          session={session}
          payLabel={t('pay', { amount })}
          busy={busy}
          notice={notice}
          focusOnMount={focusPending.current}
          deleting={props.deleting}
          cardNotice={props.cardNotice}
          initialHolder={props.initialHolder}
          onPay={props.onPay}
          onDelete={props.onDelete}
        />
      )}
    </section>
  )
}
