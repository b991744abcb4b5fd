import { useEffect, useRef, useState } from 'preact/hooks'
import type { SessionView } from '../../../protocol/schemas/page-api.ts'
import type { CardPayBody } from '../card/validate-card.ts'
import type { Translate } from '../i18n/translate.ts'
import { CardForm } from './CardForm.tsx'
import { lazyComponent } from '../ui/lazy.tsx'
import type { SavedCardFormProps, SavedCardPayBody } from './SavedCardForm.tsx'
import type { SavedCardListProps } from './SavedCardList.tsx'
import { NEW_CARD, isSavedCardExpired } from './saved-cards.ts'
import type { CardNotice, FormNotice } from './view-state.ts'

export type CardPanelProps = {
  t: Translate
  session: SessionView
  payLabel: string
  busy: boolean
  notice?: FormNotice
  focusOnMount: boolean
  deleting: string | null
  cardNotice: CardNotice | null
  initialHolder?: string
  onPay: (body: CardPayBody | SavedCardPayBody) => void
  onDelete: (token: string) => void
}

const chunk = () => import('./saved-card-chunk.ts')
const SavedCardList = lazyComponent<SavedCardListProps>(() => chunk().then((m) => m.SavedCardList))
const SavedCardForm = lazyComponent<SavedCardFormProps>(() => chunk().then((m) => m.SavedCardForm))

/** Fetches the saved-card screens; main.tsx starts it at boot when the session has saved cards. */
export const preloadSavedCards = (): Promise<unknown> => Promise.all([SavedCardList.preload(), SavedCardForm.preload()])

/** Whether the saved-card screens' chunk is in (fetching it while `wanted`). */
export function useSavedCardsLoaded(wanted: boolean): boolean {
  const list = SavedCardList.useLoaded(wanted)
  const form = SavedCardForm.useLoaded(wanted)
  return list && form
}

/** Paying by card: a saved card (CVC only) or a new one (the full form). */
export function CardPanel({ t, session, payLabel, busy, notice, focusOnMount, deleting, cardNotice, initialHolder, onPay, onDelete }: CardPanelProps) {
  const cards = session.saved_cards
  const usable = cards.filter((card) => !isSavedCardExpired(card, new Date()))
  const [chosen, setChosen] = useState(usable[0]?.token ?? NEW_CARD)
  // A deleted card's choice falls to the next usable card, or to a new card.
  const selected = chosen === NEW_CARD || usable.some((c) => c.token === chosen) ? chosen : usable[0]?.token ?? NEW_CARD
  const card = cards.find((c) => c.token === selected)
  const panel = useRef<HTMLDivElement>(null)
  const count = useRef(cards.length)

  // A deleted card takes its focused Delete button with it: put focus back on the choice.
  useEffect(() => {
    const deleted = cards.length < count.current
    count.current = cards.length
    const active = document.activeElement
    if (!deleted || (active && active !== document.body)) return
    panel.current?.querySelector<HTMLInputElement>('input[type=radio]:checked, input')?.focus()
  }, [cards.length])

  return (
    <div ref={panel}>
      {cards.length > 0 ? (
        <SavedCardList.View
          // Until the chunk is in: the server's placeholder, of the form's height.
          fallback={<div class="form-skeleton" aria-hidden="true" />}
          t={t}
          cards={cards}
          selected={selected}
          onSelect={setChosen}
          onDelete={onDelete}
          deleting={deleting}
          disabled={busy}
        />
      ) : null}
      <p class="card-notice" role="status">
        {cardNotice ? t(cardNotice.kind === 'deleted' ? 'card_deleted' : 'delete_failed', { card: cardNotice.card }) : ''}
      </p>
      {card ? (
        <SavedCardForm.View key={card.token} fallback={null} t={t} card={card} payLabel={payLabel} busy={busy} notice={notice} focusOnMount={focusOnMount} onPay={onPay} />
      ) : (
        <CardForm t={t} payLabel={payLabel} busy={busy} notice={notice} focusOnMount={focusOnMount} saveCard={session.save_card} initialHolder={initialHolder} onPay={onPay} />
      )}
    </div>
  )
}
