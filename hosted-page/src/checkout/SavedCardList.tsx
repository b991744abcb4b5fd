import { useEffect, useRef, useState } from 'preact/hooks'
import type { SavedCard } from '../../../protocol/schemas/page-api.ts'
import { brandLabel, brandFromName } from '../card/card-brand.ts'
import type { Translate } from '../i18n/translate.ts'
import { LazyBrandIcon as BrandIcon } from '../ui/LazyBrandIcon.tsx'
import { NEW_CARD, isSavedCardExpired } from './saved-cards.ts'

export type SavedCardListProps = {
  t: Translate
  cards: readonly SavedCard[]
  selected: string
  onSelect: (token: string) => void
  onDelete: (token: string) => void
  /** Token being deleted: every Delete button waits for it. */
  deleting: string | null
  disabled: boolean
}

const twoDigits = (n: number) => String(n % 100).padStart(2, '0')

/**
 * The customer's saved cards as radios (masked number, scheme, expiry) plus "Use a new card",
 * each card with its own Delete button, whose name says which card it deletes. Deleting is for
 * good, so Delete first asks (Delete / Keep, focus on Keep so a double Enter deletes nothing).
 */
export function SavedCardList({ t, cards, selected, onSelect, onDelete, deleting, disabled }: SavedCardListProps) {
  const now = new Date()
  const [confirming, setConfirming] = useState<string | null>(null)
  const keep = useRef<HTMLButtonElement>(null)
  const asked = useRef<string | null>(null)
  useEffect(() => {
    if (confirming) keep.current?.focus()
  }, [confirming])

  function cancel(token: string) {
    setConfirming(null)
    // Focus returns to the Delete button that asked, not to the top of the page.
    asked.current = token
  }
  const focusAsker = (token: string) => (el: HTMLButtonElement | null) => {
    if (el && asked.current === token) {
      asked.current = null
      el.focus()
    }
  }
  return (
    <fieldset class="saved-cards">
      <legend>{t('saved_cards')}</legend>
      <ul class="choices" role="list">
        {cards.map((card) => {
          const brand = brandFromName(card.brand)
          const expired = isSavedCardExpired(card, now)
          return (
            <li key={card.token} class={selected === card.token ? 'saved-card saved-card--checked' : 'saved-card'}>
              <label class="choice">
                <input
                  type="radio"
                  name="saved-card"
                  value={card.token}
                  checked={selected === card.token}
                  disabled={expired || disabled}
                  onChange={() => onSelect(card.token)}
                />
                {brand ? <BrandIcon brand={brand} /> : null}
                <span class="choice__text">
                  <span class="card-mask">{brand ? brandLabel(brand, t) : card.brand} {card.mask}</span>
                  <span class="choice__meta">
                    {expired
                      ? t('saved_card_expired')
                      : t('saved_card_expires', { date: `${twoDigits(card.exp_month)}/${twoDigits(card.exp_year)}` })}
                  </span>
                </span>
              </label>
              {confirming === card.token ? (
                <span
                  class="confirm-delete"
                  role="group"
                  aria-labelledby={`confirm-${card.token}`}
                  onKeyDown={(e) => {
                    if (e.key === 'Escape') cancel(card.token)
                  }}
                >
                  <span class="confirm-delete__question" id={`confirm-${card.token}`}>
                    {t('delete_confirm', { card: `•••• ${card.mask.slice(-4)}` })}
                  </span>
                  <span class="confirm-delete__actions">
                    <button
                      type="button"
                      class="button-link button-link--danger"
                      onClick={() => {
                        setConfirming(null)
                        onDelete(card.token)
                      }}
                    >
                      {t('delete')}
                    </button>
                    <button type="button" class="button-link" ref={keep} onClick={() => cancel(card.token)}>
                      {t('keep_card')}
                    </button>
                  </span>
                </span>
              ) : (
                <button
                  type="button"
                  class="button-link"
                  ref={focusAsker(card.token)}
                  aria-label={t('delete_card', { card: card.mask })}
                  disabled={deleting !== null || disabled}
                  aria-busy={deleting === card.token ? 'true' : undefined}
                  onClick={() => setConfirming(card.token)}
                >
                  {t('delete')}
                </button>
              )}
            </li>
          )
        })}
        <li class={selected === NEW_CARD ? 'saved-card saved-card--checked' : 'saved-card'}>
          <label class="choice">
            <input type="radio" name="saved-card" value={NEW_CARD} checked={selected === NEW_CARD} disabled={disabled} onChange={() => onSelect(NEW_CARD)} />
            <span class="choice__text">{t('new_card')}</span>
          </label>
        </li>
      </ul>
    </fieldset>
  )
}
