import { afterEach, describe, expect, it } from 'vitest'
import { ApiError, createPageApi } from '../../../hosted-page/src/api/client.ts'
import { applyTheme } from '../../../hosted-page/src/theme/apply-theme.ts'
import { aSession, aStore, fakeApi } from '../fixtures.ts'
import { renderPage, waitForState } from '../page.tsx'

const root = () => document.documentElement
const prop = (name: string) => root().style.getPropertyValue(name)

describe('applyTheme', () => {
  afterEach(() => applyTheme(root(), undefined))

  it('sets the theme as CSS custom properties on the root', () => {
    applyTheme(root(), { accent: '#0a7d5a', background: '#fdfaf3', text: '#222222', radius: 12, font: 'serif' })
    expect(prop('--ep-accent')).toBe('#0a7d5a')
    expect(prop('--ep-accent-text')).toBe('#ffffff')
    expect(prop('--ep-bg')).toBe('#fdfaf3')
    expect(prop('--ep-surface')).toBe('#fdfaf3')
    expect(prop('--ep-text')).toBe('#222222')
    expect(prop('--ep-radius')).toBe('12px')
    expect(prop('--ep-font')).toContain('Georgia')
    expect(root().getAttribute('style')).not.toContain('url(')
  })

  it('puts dark text on a light accent', () => {
    applyTheme(root(), { accent: '#ffd84d' })
    expect(prop('--ep-accent-text')).toBe('#111111')
  })

  it.each([
    { accent: 'red; background: url(https://evil.example/x)' },
    { accent: '#0a7d5a', extra: 'x' },
    { radius: 99 },
    { font: "'Comic Sans MS'" },
    'accent=#fff',
  ])('lets nothing of an invalid theme reach the DOM: %j', (theme) => {
    applyTheme(root(), theme)
    expect(root().getAttribute('style') ?? '').toBe('')
  })

  it('removes a previous theme', () => {
    applyTheme(root(), { accent: '#0a7d5a', radius: 0 })
    applyTheme(root(), { radius: 4 })
    expect(prop('--ep-accent')).toBe('')
    expect(prop('--ep-radius')).toBe('4px')
  })
})

describe('CheckoutPage theme', () => {
  afterEach(() => applyTheme(root(), undefined))

  it('applies the session theme to the root element', async () => {
    await renderPage(aStore(fakeApi({ session: aSession({ theme: { accent: '#0a7d5a', radius: 8, font: 'mono' } }) }).api))
    await waitForState('form')
    expect(prop('--ep-accent')).toBe('#0a7d5a')
    expect(prop('--ep-radius')).toBe('8px')
    expect(prop('--ep-font')).toContain('monospace')
  })

  it('never gets an invalid theme from the API: the session is refused as a whole', async () => {
    const session = { ...aSession(), theme: { accent: 'expression(alert(1))' } }
    const fetch = async () => new Response(JSON.stringify(session), { status: 200, headers: { 'Content-Type': 'application/json' } })
    const error = await createPageApi('tok', { fetch }).getSession().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ApiError)
    expect(error).toMatchObject({ code: 'internal_error' })
  })
})
