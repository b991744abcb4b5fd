import { afterEach, describe, expect, it, vi } from 'vitest'
import * as widget from '../../widget/src/index.ts'
import type { WidgetInstance } from '../../widget/src/types.ts'
import { EPAY, SIGNED_AS_SENT, aConfig } from './fixtures.ts'
import { describeWidget } from './widget.contract.ts'

describeWidget('widget/src', () => widget)

// Below: what needs fake timers or a stubbed location/viewport, which reach only the source
// (the built bundle runs in jsdom's own window, outside vitest's globals).
describe('create (widget/src)', () => {
  const opened: WidgetInstance[] = []
  const run: typeof widget.run = (...args) => {
    const instance = widget.run(...args)
    opened.push(instance)
    return instance
  }
  const frame = () => document.querySelector('iframe')!
  afterEach(() => {
    for (const instance of opened.splice(0)) instance.destroy()
    document.body.replaceChildren()
    vi.useRealTimers()
    vi.unstubAllGlobals()
    vi.restoreAllMocks()
  })

  /** A location whose navigation the test can see, as jsdom does not navigate. */
  function stubLocation() {
    const assign = vi.fn()
    vi.stubGlobal('location', { origin: 'https://shop.example', href: 'https://shop.example/cart', assign })
    return assign
  }

  describe('loading', () => {
    it('fires onFailLoading when the page says nothing for 15 s, and can be retried', () => {
      vi.useFakeTimers()
      const onFailLoading = vi.fn()
      const config = aConfig({ onFailLoading })
      const first = run(config)
      vi.advanceTimersByTime(14_999)
      expect(onFailLoading).not.toHaveBeenCalled()
      vi.advanceTimersByTime(1)
      expect(onFailLoading).toHaveBeenCalledOnce()
      first.close()
      run(config)
      const f = frame()
      const guid = new URL(f.src).searchParams.get('_guid')
      window.dispatchEvent(new MessageEvent('message', { origin: EPAY, source: f.contentWindow, data: { message: 'epframe.loaded', guid, data: {} } }))
      vi.advanceTimersByTime(60_000)
      expect(onFailLoading).toHaveBeenCalledOnce()
    })

    it('stops the load timer when closed', () => {
      vi.useFakeTimers()
      const onFailLoading = vi.fn()
      run(aConfig({ onFailLoading })).close()
      vi.advanceTimersByTime(60_000)
      expect(onFailLoading).not.toHaveBeenCalled()
    })
  })

  describe('callbacks', () => {
    it('still closes when onExit throws, and rethrows the error outside the widget', () => {
      vi.useFakeTimers()
      const onDestroy = vi.fn()
      run(aConfig({ onExit: () => { throw new Error('merchant bug') }, onDestroy })).close()
      expect(document.querySelector('[role="dialog"]')).toBeNull()
      expect(document.body.style.overflow).toBe('')
      expect(onDestroy).toHaveBeenCalledOnce()
      expect(() => vi.runAllTimers()).toThrow('merchant bug')
    })
  })

  describe('redirect', () => {
    it('navigates the whole page with GET instead of opening a frame when redirect is set', () => {
      const assign = stubLocation()
      run(aConfig({ redirect: true }))
      expect(document.querySelector('iframe')).toBeNull()
      expect(assign).toHaveBeenCalledOnce()
      const url = new URL(assign.mock.calls[0]![0] as string)
      expect(url.origin + url.pathname).toBe(`${EPAY}/payment`)
      const { _guid, ...rest } = Object.fromEntries(url.searchParams)
      expect(rest).toEqual({ ...SIGNED_AS_SENT, redirect: 'true', _referrer: 'https://shop.example' })
      expect(_guid).toBeTruthy()
    })

    it('posts a top-level form with POST', () => {
      stubLocation()
      const targets: string[] = []
      vi.spyOn(HTMLFormElement.prototype, 'submit').mockImplementation(function (this: HTMLFormElement) {
        targets.push(this.target)
      })
      run(aConfig({ redirect: '1' }), 'post')
      expect(targets).toEqual(['_self'])
      expect(document.querySelector('iframe, form')).toBeNull()
    })

    it('redirects on redirect_on_mobile only below 768 px', () => {
      const assign = stubLocation()
      vi.stubGlobal('innerWidth', 1024)
      run(aConfig({ redirect_on_mobile: true }))
      expect(assign).not.toHaveBeenCalled()
      expect(document.querySelector('iframe')).not.toBeNull()
      vi.stubGlobal('innerWidth', 767)
      run(aConfig({ redirect_on_mobile: true }))
      expect(assign).toHaveBeenCalledOnce()
    })

    it('follows epframe.redirect to an http(s) URL only, when there is no onRedirect', () => {
      const assign = stubLocation()
      run(aConfig())
      const f = frame()
      const guid = new URL(f.src).searchParams.get('_guid')
      const send = (url: string) =>
        window.dispatchEvent(new MessageEvent('message', { origin: EPAY, source: f.contentWindow, data: { message: 'epframe.redirect', guid, data: { url } } }))
      send('javascript:alert(1)')
      send('data:text/html,hi')
      send('https://acs.example/3ds?x=1')
      expect(assign.mock.calls).toEqual([['https://acs.example/3ds?x=1']])
    })
  })

  describe('layout', () => {
    it('makes the dialog full-screen below 600 px', () => {
      vi.stubGlobal('innerWidth', 599)
      run(aConfig())
      const dialog = document.querySelector<HTMLElement>('[role="dialog"]')!
      expect(dialog.style.height).toBe('100%')
      expect(dialog.style.maxWidth).toBe('none')
    })

    it('keeps a centred dialog at 600 px and above', () => {
      vi.stubGlobal('innerWidth', 600)
      run(aConfig())
      expect(document.querySelector<HTMLElement>('[role="dialog"]')!.style.maxWidth).toBe('480px')
    })
  })

  describe('baseUrl', () => {
    it('defaults to the origin the script came from (here the page, as no script element ran it)', () => {
      const config = aConfig()
      delete config.baseUrl
      run(config)
      expect(frame().src.startsWith('http://localhost:3000/payment?')).toBe(true)
    })

    it('keeps a path prefix and drops a trailing slash', () => {
      run(aConfig({ baseUrl: 'https://epay.example/pay/' }))
      expect(frame().src.startsWith('https://epay.example/pay/payment?')).toBe(true)
    })

    it('refuses a baseUrl that is not http(s)', () => {
      expect(() => run(aConfig({ baseUrl: 'javascript:alert(1)' }))).toThrow(/EPayWidget: baseUrl/)
      expect(() => run(aConfig({ baseUrl: 'not a url' }))).toThrow(/EPayWidget: baseUrl/)
    })
  })
})

describe('default baseUrl', () => {
  afterEach(() => {
    document.body.replaceChildren()
    vi.resetModules()
  })

  it('is the origin of the script itself, not its path', async () => {
    // The demo shop loads /widget/v1/merchant.js with no baseUrl: the page must open at /payment.
    vi.resetModules()
    const script = document.createElement('script')
    Object.defineProperty(script, 'src', { value: 'https://pay.example/widget/v1/merchant.js' })
    Object.defineProperty(document, 'currentScript', { configurable: true, get: () => script })
    const fresh = await import('../../widget/src/index.ts')
    Object.defineProperty(document, 'currentScript', { configurable: true, get: () => null })
    const { baseUrl: _omit, ...config } = aConfig()
    const instance = fresh.run(config)
    expect(document.querySelector('iframe')!.src).toMatch(/^https:\/\/pay\.example\/payment\?/)
    instance.destroy()
  })
})
