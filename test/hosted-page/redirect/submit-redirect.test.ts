import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { submitRedirect } from '../../../hosted-page/src/redirect/submit-redirect.ts'

describe('submitRedirect', () => {
  let submit: ReturnType<typeof vi.spyOn>
  beforeEach(() => {
    submit = vi.spyOn(HTMLFormElement.prototype, 'submit').mockImplementation(() => {})
  })
  afterEach(() => {
    vi.restoreAllMocks()
    document.body.innerHTML = ''
  })

  const submitted = () => submit.mock.instances[0] as unknown as HTMLFormElement
  const fields = (form: HTMLFormElement) => [...new FormData(form)]

  it('posts the body as hidden fields to the URL, in this browsing context', () => {
    expect(submitRedirect(document, { method: 'POST', url: 'https://epay.example/sim/acs?x=1', body: { PaReq: 'a b', MD: 'm' } })).toBe(true)
    const form = submitted()
    expect(form.method).toBe('post')
    expect(form.action).toBe('https://epay.example/sim/acs?x=1')
    expect(form.target).toBe('_self')
    expect(fields(form)).toEqual([['PaReq', 'a b'], ['MD', 'm']])
  })

  it('carries a GET URL\'s query over as fields, since a GET form would drop it', () => {
    submitRedirect(document, { method: 'GET', url: 'https://epay.example/sim/wallets/jeton?ref=1&lang=en', body: { amount: '100' } })
    const form = submitted()
    expect(form.method).toBe('get')
    expect(form.action).toBe('https://epay.example/sim/wallets/jeton')
    expect(fields(form)).toEqual([['ref', '1'], ['lang', 'en'], ['amount', '100']])
  })

  it('resolves a relative URL against the page', () => {
    submitRedirect(document, { method: 'POST', url: '/sim/acs', body: {} })
    expect(submitted().action).toBe(new URL('/sim/acs', location.href).href)
  })

  it.each(['javascript:alert(1)', 'data:text/html,<b>x</b>', 'http://[bad'])('refuses %s and submits nothing', (url) => {
    expect(submitRedirect(document, { method: 'POST', url, body: {} })).toBe(false)
    expect(submit).not.toHaveBeenCalled()
    expect(document.querySelector('form')).toBeNull()
  })
})
