import { h, render } from 'preact'
import { renderToString } from 'preact-render-to-string'
import { describe, expect, it } from 'vitest'
import { PageShell } from '../../../hosted-page/src/checkout/PageShell.tsx'
import { CheckoutPage } from '../../../hosted-page/src/checkout/CheckoutPage.tsx'
import { CheckoutContext } from '../../../hosted-page/src/checkout/use-checkout.ts'
import { formatAmount } from '../../../hosted-page/src/i18n/format-amount.ts'
import { takeServedLanguage } from '../../../hosted-page/src/i18n/served-language.ts'
import { translator } from '../../../hosted-page/src/i18n/translate.ts'
import { ru } from '../../../hosted-page/src/i18n/ru.ts'
import { aPaymentState, aSession, aStore, fakeApi } from '../fixtures.ts'

// The app starts on the screen the server rendered (#15 item 1): same language, same nodes.
describe('the first screen from the server', () => {
  const block = (json: string) => {
    const element = document.createElement('script')
    element.type = 'application/json'
    element.id = 'epay-i18n'
    element.textContent = json
    document.body.append(element)
  }

  it('installs the served catalogue and takes the block out of the page', () => {
    block(JSON.stringify({ lang: 'ru', messages: ru }))
    expect(takeServedLanguage(document)).toBe('ru')
    expect(document.getElementById('epay-i18n')).toBeNull()
    expect(translator('ru')('test_badge')).toBe(ru.test_badge)
    block(JSON.stringify({ lang: 'en' }))
    expect(takeServedLanguage(document)).toBe('en')
    block(JSON.stringify({ lang: 'xx', messages: {} }))
    expect(takeServedLanguage(document)).toBeNull()
    block(JSON.stringify({ lang: 'de', messages: { pay: 1 } }))
    expect(takeServedLanguage(document)).toBeNull()
    block('{not json')
    expect(takeServedLanguage(document)).toBeNull()
    expect(takeServedLanguage(document)).toBeNull()
  })

  it('starts on the form, never shows loading, and reuses the server-rendered nodes in place', async () => {
    block(JSON.stringify({ lang: 'ru', messages: ru }))
    const lang = takeServedLanguage(document)!
    const session = aSession({ test_mode: true, language: 'ru', methods: ['card', 'jeton'] })
    const container = document.createElement('div')
    document.body.append(container)
    container.innerHTML = renderToString(h(PageShell, { session, amount: formatAmount(session.payment.amount, session.payment.currency, lang), t: translator(lang) }))
    const amountNode = container.querySelector('.summary__amount')!
    const titleNode = container.querySelector('#form-title')!
    expect(amountNode.textContent).toContain('10,00\u00a0€')

    const { api } = fakeApi({ session })
    const store = aStore(api, { initial: { session, lang } })
    const views: string[] = []
    store.subscribe(() => views.push(store.getState().view.kind))
    expect(store.getState().view.kind).toBe('form')
    render(h(CheckoutContext.Provider, { value: store }, h(CheckoutPage, {})), container)
    await store.load()
    await new Promise((r) => setTimeout(r, 0))
    expect(views).not.toContain('loading')
    expect(container.querySelector('main')!.getAttribute('data-state')).toBe('form')
    // The same element objects: the browser lays nothing out anew above the form.
    expect(container.querySelector('.summary__amount')).toBe(amountNode)
    expect(container.querySelector('#form-title')).toBe(titleNode)
    expect(container.querySelector('.form-skeleton')).toBeNull()
    expect(container.querySelector('input[autocomplete="cc-number"]')).not.toBeNull()
    render(null, container)
    container.remove()
  })

  it('a payment that is no longer open starts from loading, so its result effects still run', () => {
    const session = aSession({ state: aPaymentState({ status: 'success' }) })
    const store = aStore(fakeApi({ session }).api, { initial: { session, lang: 'en' } })
    expect(store.getState().view.kind).toBe('loading')
    expect(store.getState().lang).toBe('en')
  })
})
