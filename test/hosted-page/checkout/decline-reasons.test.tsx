import { fireEvent, screen } from '@testing-library/preact'
import { describe, expect, it } from 'vitest'
import { LANGUAGES, type PaymentState } from '../../../protocol/schemas/page-api.ts'
import { declineReason } from '../../../hosted-page/src/checkout/decline-reason.ts'
import { catalogueFor, loadLanguage } from '../../../hosted-page/src/i18n/catalogues.ts'
import { en } from '../../../hosted-page/src/i18n/en.ts'
import { aPaymentState, aSession, aStore, fakeApi } from '../fixtures.ts'
import { fillCard, renderPage, submitButton, waitForState } from '../page.tsx'

// Each decline the simulators give, with the provider's own English text that must never show.
const DECLINES = [
  ['20102', 'Card declined', 'Банк отклонил карту.'],
  ['20105', 'Insufficient funds', 'На карте недостаточно средств.'],
  ['20301', '3-D Secure authentication failed', 'Проверка 3-D Secure не пройдена.'],
  ['20301', '3-D Secure authentication cancelled', 'Проверка 3-D Secure не пройдена.'],
  ['20106', 'Customer account is no longer available', 'Кошелёк отклонил платёж.'],
  ['30000', 'Not processed by the acquirer', 'Платёж не удалось обработать. Попробуйте ещё раз.'],
  ['99999', 'Some acquirer text', 'Платёж не выполнен.'],
] as const

const declined = (code: string, message: string): PaymentState =>
  aPaymentState({ status: 'decline', attempts_left: 2, last_attempt: { status: 'decline', code, message, card: '400000******0002' } })

describe('decline reasons', () => {
  it.each(DECLINES)('a Russian payment declined with %s shows the Russian reason, not %j', async (code, message, russian) => {
    const { api } = fakeApi({ session: aSession({ language: 'ru' }), pay: [declined(code, message)] })
    await renderPage(aStore(api))
    await waitForState('form')
    fillCard({ number: '4000 0000 0000 0002' })
    fireEvent.click(submitButton())
    await waitForState('decline')
    expect(screen.getByRole('heading', { name: 'Платёж отклонён' })).toBeTruthy()
    expect(screen.getByText(russian)).toBeTruthy()
    expect(document.body.textContent).not.toContain(message)
    fireEvent.click(screen.getByRole('button', { name: 'Попробовать снова' }))
    await waitForState('form')
    expect(screen.getByRole('alert').textContent).toBe(`Предыдущая попытка отклонена: ${russian}`)
  })

  it.each(LANGUAGES.filter((lang) => lang !== 'en'))('%s translates every decline reason', async (lang) => {
    expect(await loadLanguage(lang)).toBe(lang)
    for (const [code] of DECLINES.slice(0, -1)) {
      const key = declineReason(code)
      expect(catalogueFor(lang)[key], `${lang} ${code}`).not.toBe(en[key])
    }
  })

  it('gives an unknown or inherited code the general sentence', () => {
    expect(declineReason(undefined)).toBe('decline_text')
    expect(declineReason('toString')).toBe('decline_text')
    expect(declineReason('20102')).toBe('decline_card')
  })
})
