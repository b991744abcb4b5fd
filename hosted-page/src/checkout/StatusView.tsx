import { useEffect, useRef } from 'preact/hooks'
import type { PaymentState } from '../../../protocol/schemas/page-api.ts'
import type { MessageKey, Translate } from '../i18n/translate.ts'
import { ReturnLink } from '../ui/ReturnLink.tsx'
import { Spinner } from '../ui/Spinner.tsx'
import { lazyComponent } from '../ui/lazy.tsx'
import type { ResultViewProps } from './ResultView.tsx'
import type { ErrorReason, ViewState } from './view-state.ts'

type ResultView = Exclude<ViewState, { kind: 'loading' } | { kind: 'form' }>

export type StatusViewProps = {
  view: ResultView
  payment: PaymentState | null
  framed: boolean
  t: Translate
  onRetry: () => void
  onContinue: () => void
}

const ERROR_TEXT: Record<ErrorReason, MessageKey> = {
  session: 'error_session',
  network: 'error_network',
  closed: 'error_closed',
  unknown: 'error_text',
}

const Results = lazyComponent<ResultViewProps>(() => import('./ResultView.tsx').then((m) => m.ResultView))

/** Fetches the outcome screens; main.tsx starts it once the first screen is up. */
export const preloadResults = Results.preload
/** Whether the outcome screens' chunk is in (fetching it while `wanted`). */
export const useResultsLoaded = Results.useLoaded

/** Every screen but the form: processing, redirecting, success, decline, expired and error. */
export function StatusView({ view, payment, framed, t, onRetry, onContinue }: StatusViewProps) {
  const heading = useRef<HTMLHeadingElement>(null)
  // Focus follows the screen change, so keyboard and screen-reader users land on the result.
  useEffect(() => heading.current?.focus(), [view.kind])

  const title = (key: MessageKey) => (
    <h1 class="screen-title" tabIndex={-1} ref={heading}>
      {t(key)}
    </h1>
  )
  const back = <ReturnLink url={payment?.return_url} framed={framed} label={t('return_to_shop')} />

  switch (view.kind) {
    case 'processing':
      return (
        <section class="status" aria-busy="true">
          <Spinner />
          {title('processing_title')}
          <p>{t('processing_text')}</p>
          <p class="note" role="status">{view.connectionLost ? t('connection_lost') : ''}</p>
        </section>
      )
    case 'error':
      return (
        <section class="status">
          {title('error_title')}
          <p>{t(ERROR_TEXT[view.reason])}</p>
          {view.reason === 'network' ? (
            <button type="button" class="button button--primary" onClick={onRetry}>
              {t('reload')}
            </button>
          ) : null}
          {back}
        </section>
      )
    default:
      return (
        <Results.View
          // Until the chunk is in (fetched after the first screen, so rarely): the loading screen.
          fallback={
            <section class="status" aria-busy="true">
              <Spinner />
              <p role="status">{t('loading')}</p>
            </section>
          }
          view={view}
          payment={payment}
          framed={framed}
          t={t}
          onRetry={onRetry}
          onContinue={onContinue}
        />
      )
  }
}
