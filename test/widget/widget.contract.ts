import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { EPayWidgetApi, WidgetConfig, WidgetInstance, WidgetMethod } from '../../widget/src/types.ts'
import { EPAY, MALFORMED_MESSAGES, SIGNED_AS_SENT, aConfig } from './fixtures.ts'

const frames = () => [...document.querySelectorAll('iframe')]
const frame = () => {
  const found = frames()
  expect(found).toHaveLength(1)
  return found[0]!
}
const dialog = () => document.querySelector<HTMLElement>('[role="dialog"]')
const closeButton = () => document.querySelector<HTMLButtonElement>('button[aria-label="Close"]')!

/** The parameters of a GET frame, failing on a repeated key (EPay refuses those). */
function sentParams(f: HTMLIFrameElement): Record<string, string> {
  const url = new URL(f.src)
  expect(url.origin + url.pathname).toBe(`${EPAY}/payment`)
  const keys = [...url.searchParams.keys()]
  expect(new Set(keys).size).toBe(keys.length)
  return Object.fromEntries(url.searchParams)
}

/** Posts `data` to the merchant page as EPay's page in `f` would, unless told otherwise. */
function postFromPage(f: HTMLIFrameElement | null, data: unknown, init: { origin?: string; source?: Window | null } = {}) {
  const source = 'source' in init ? init.source : f?.contentWindow
  window.dispatchEvent(new MessageEvent('message', { data, origin: init.origin ?? EPAY, source: source ?? null }))
}

/**
 * The windows an implementation may see as its global: the test's, and jsdom's own, where the
 * built merchant.js runs as a script; a spy goes on both.
 */
function globals(): Array<Window & typeof globalThis> {
  const own = (globalThis as unknown as { jsdom?: { window: Window & typeof globalThis } }).jsdom?.window
  return own && own !== window ? [window, own] : [window]
}

/** `confirm()` answering `answer`, wherever the implementation calls it; returns every call. */
function stubConfirm(answer: boolean) {
  const calls: unknown[] = []
  for (const w of globals()) vi.spyOn(w, 'confirm').mockImplementation((m) => (calls.push(m), answer))
  return calls
}

/** `console.error` silenced, wherever the implementation calls it; returns every message. */
function consoleErrors() {
  const calls: unknown[] = []
  for (const w of globals()) vi.spyOn(w.console, 'error').mockImplementation((m) => void calls.push(m))
  return calls
}

function press(key: string, shiftKey = false) {
  document.dispatchEvent(new KeyboardEvent('keydown', { key, shiftKey, bubbles: true }))
}

/** A config whose callbacks record their calls, in order. */
function recording(extra: Partial<WidgetConfig> = {}) {
  const calls: Array<[string, unknown]> = []
  const on = (name: string) => (data: unknown) => void calls.push([name, data])
  const config = aConfig({
    onLoaded: on('onLoaded'), onResize: on('onResize'), onExit: on('onExit'), onDestroy: on('onDestroy'),
    onPaymentSent: on('onPaymentSent'), onPaymentSuccess: on('onPaymentSuccess'), onPaymentFail: on('onPaymentFail'),
    onCardVerifySuccess: on('onCardVerifySuccess'), ...extra,
  })
  return { config, calls, names: () => calls.map(([name]) => name) }
}

/**
 * The widget's behaviour (SPEC §11), run against the source and against the built merchant.js.
 * Hint: `load` is called before each test, so a bundle may be built and evaluated in beforeAll.
 */
export function describeWidget(label: string, load: () => EPayWidgetApi) {
  describe(`EPayWidget (${label})`, () => {
    let api: EPayWidgetApi
    const opened: WidgetInstance[] = []
    const run = (config: WidgetConfig, method?: WidgetMethod) => {
      const instance = api.run(config, method)
      opened.push(instance)
      return instance
    }
    /** Opens a widget and returns its frame and the guid it sent. */
    const open = (config: WidgetConfig = aConfig()) => {
      const instance = run(config)
      const f = frames().at(-1)!
      return { instance, frame: f, guid: sentParams(f)['_guid']! }
    }

    beforeEach(() => {
      api = load()
    })
    afterEach(() => {
      for (const instance of opened.splice(0)) instance.destroy()
      while (dialog()) closeButton().click()
      document.body.replaceChildren()
      document.body.removeAttribute('style')
      vi.restoreAllMocks()
    })

    describe('run() in a modal', () => {
      it('opens a frame on EPay with every signed parameter unchanged, plus frame_mode, _referrer and _guid', () => {
        run(aConfig({ onPaymentSuccess: () => {} }))
        const { _guid, ...rest } = sentParams(frame())
        expect(rest).toEqual({ ...SIGNED_AS_SENT, frame_mode: 'popup', _referrer: 'http://localhost:3000' })
        expect(_guid).toMatch(/^[A-Za-z0-9_-]{16,64}$/)
      })

      it('keeps merchant-signed widget options (close_on_missclick, css_modal_wrap, target_element "") in the URL', () => {
        run(aConfig({ close_on_missclick: 1, css_modal_wrap: 'wrap', redirect_on_mobile: false, target_element: '' }))
        expect(sentParams(frame())).toMatchObject({ close_on_missclick: '1', css_modal_wrap: 'wrap', redirect_on_mobile: 'false', target_element: '' })
      })

      it('gives every widget a fresh random guid', () => {
        const guids = new Set([open().guid, open().guid, open().guid])
        expect(guids.size).toBe(3)
      })

      it('builds an accessible dialog around a payment frame', () => {
        run(aConfig())
        const f = frame()
        expect(f.getAttribute('allow')).toBe('payment *')
        expect(f.title).toBe('Payment')
        expect(f.style.width).toBe('100%')
        expect(f.style.border).toMatch(/^0/)
        const d = dialog()!
        expect(d.getAttribute('aria-modal')).toBe('true')
        expect(d.getAttribute('aria-label')).toBeTruthy()
        expect(d.contains(f)).toBe(true)
        expect(d.contains(closeButton())).toBe(true)
        expect(closeButton().textContent).toBe('\u00d7')
        expect(closeButton().type).toBe('button')
        expect(d.parentElement!.style.position).toBe('fixed')
        expect(document.querySelector('style, link')).toBeNull()
      })

      it('moves focus into the dialog and returns it to the opener on close', () => {
        const opener = document.createElement('button')
        document.body.append(opener)
        opener.focus()
        const { instance } = open()
        expect(dialog()!.contains(document.activeElement)).toBe(true)
        instance.close()
        expect(document.activeElement).toBe(opener)
      })

      it('keeps Tab inside: frame then ×, the guards at both ends wrap around, focus leaving comes back', () => {
        const outside = document.createElement('button')
        document.body.append(outside)
        const { frame: f, guid } = open()
        const post = vi.spyOn(f.contentWindow!, 'postMessage').mockImplementation(() => {})
        const d = dialog()!
        const stops = [...d.querySelectorAll<HTMLElement>('[tabindex="0"], iframe, button')]
        // Tab order: guard, frame, ×, guard (the × is drawn on top by CSS order only).
        expect(stops).toEqual([stops[0], f, closeButton(), stops[3]])
        stops[3]!.focus()
        expect(document.activeElement).toBe(f)
        expect(post).toHaveBeenCalledWith({ message: 'epframe.focus', guid, data: {} }, EPAY)
        stops[0]!.focus()
        expect(document.activeElement).toBe(closeButton())
        outside.focus()
        expect(document.activeElement).toBe(closeButton())
      })

      it('starts focus on the page\'s first field once loaded, not on ×', () => {
        const { frame: f, guid } = open()
        expect(document.activeElement).not.toBe(closeButton())
        const post = vi.spyOn(f.contentWindow!, 'postMessage').mockImplementation(() => {})
        postFromPage(f, { message: 'epframe.loaded', guid, data: {} })
        expect(document.activeElement).toBe(f)
        expect(post).toHaveBeenCalledWith({ message: 'epframe.focus', guid, data: {} }, EPAY)
      })

      it('closes on Esc pressed inside the frame (epframe.escape), from its own frame only', () => {
        const { config, names } = recording()
        const { frame: f, guid } = open(config)
        postFromPage(f, { message: 'epframe.escape', guid, data: {} }, { origin: 'https://evil.example' })
        postFromPage(f, { message: 'epframe.escape', guid: 'other', data: {} })
        expect(dialog()).not.toBeNull()
        postFromPage(f, { message: 'epframe.escape', guid, data: {} })
        expect(names()).toEqual(['onExit', 'onDestroy'])
        expect(dialog()).toBeNull()
      })

      it('locks the page scroll while open and restores it', () => {
        document.body.style.overflow = 'scroll'
        const { instance } = open()
        expect(document.body.style.overflow).toBe('hidden')
        instance.close()
        expect(document.body.style.overflow).toBe('scroll')
      })

      it('closes on Esc: tells the page, fires onExit then onDestroy, removes its elements', () => {
        const { config, names } = recording()
        const { frame: f, guid } = open(config)
        const post = vi.spyOn(f.contentWindow!, 'postMessage').mockImplementation(() => {})
        press('Escape')
        expect(names()).toEqual(['onExit', 'onDestroy'])
        expect(post).toHaveBeenCalledWith({ message: 'epframe.close', guid, data: {} }, EPAY)
        expect(frames()).toHaveLength(0)
        expect(dialog()).toBeNull()
      })

      it('closes with the close button', () => {
        const { config, names } = recording()
        open(config)
        closeButton().click()
        expect(names()).toEqual(['onExit', 'onDestroy'])
        expect(dialog()).toBeNull()
      })

      it.each([true, 'true', '1', 1])('closes on a backdrop click when close_on_missclick is %j', (value) => {
        open(aConfig({ close_on_missclick: value }))
        dialog()!.click()
        expect(dialog()).not.toBeNull()
        dialog()!.parentElement!.click()
        expect(dialog()).toBeNull()
      })

      it.each([undefined, false, 'false', '0', 0])('stays open on a backdrop click when close_on_missclick is %j', (value) => {
        open(aConfig({ close_on_missclick: value }))
        dialog()!.parentElement!.click()
        expect(dialog()).not.toBeNull()
      })

      it('is harmless to close twice, and destroy fires onDestroy without onExit', () => {
        const first = recording()
        const a = open(first.config).instance
        a.close()
        a.close()
        a.destroy()
        expect(first.names()).toEqual(['onExit', 'onDestroy'])
        const second = recording()
        open(second.config).instance.destroy()
        expect(second.names()).toEqual(['onDestroy'])
      })

      it('opens again after a close, with a fresh guid, and ignores the old frame', () => {
        const { config, names } = recording()
        const old = open(config)
        old.instance.close()
        const next = open(config)
        expect(next.guid).not.toBe(old.guid)
        postFromPage(old.frame, { message: 'epframe.loaded', guid: old.guid, data: {} }, { source: next.frame.contentWindow })
        postFromPage(next.frame, { message: 'epframe.loaded', guid: next.guid, data: {} })
        expect(names()).toEqual(['onExit', 'onDestroy', 'onLoaded'])
      })

      it('speaks the payment\'s language_code: its loading status, close button, dialog and frame names in Russian for ru', () => {
        run(aConfig({ language_code: 'ru' }))
        expect(document.querySelector('[role="status"]')?.textContent).toBe('\u0417\u0430\u0433\u0440\u0443\u0437\u043a\u0430...')
        expect(document.querySelector('button')?.getAttribute('aria-label')).toBe('\u0417\u0430\u043a\u0440\u044b\u0442\u044c')
        expect(frame().title).toBe('\u041e\u043f\u043b\u0430\u0442\u0430')
        expect(dialog()!.getAttribute('aria-label')).toBe('\u041e\u043f\u043b\u0430\u0442\u0430')
        // Any spelling of Russian a merchant signs; another language falls back to English.
        run(aConfig({ language_code: 'RU-ru' }))
        expect(frames()[1]!.title).toBe('\u041e\u043f\u043b\u0430\u0442\u0430')
        run(aConfig({ language_code: 'de' }))
        expect(frames()[2]!.title).toBe('Payment')
      })

      it('keeps the modal at its tallest screen: a shorter result after the form does not shrink the frame', () => {
        const { frame: f, guid } = open()
        postFromPage(f, { message: 'epframe.resize', guid, data: { width: 480, height: 700 } })
        postFromPage(f, { message: 'epframe.resize', guid, data: { width: 480, height: 380 } })
        expect(f.style.height).toBe('700px')
        postFromPage(f, { message: 'epframe.resize', guid, data: { width: 480, height: 720 } })
        expect(f.style.height).toBe('720px')
      })

      it('shows a loading status until epframe.loaded', () => {
        const { frame: f, guid } = open()
        expect(document.querySelector('[role="status"]')?.textContent).toMatch(/Loading/)
        postFromPage(f, { message: 'epframe.loaded', guid, data: {} })
        expect(document.querySelector('[role="status"]')).toBeNull()
      })
    })

    describe('create()', () => {
      it('opens nothing until open()', () => {
        const instance = api.create(aConfig())
        opened.push(instance)
        expect(frames()).toHaveLength(0)
        expect(instance.open()).toBe(instance)
        expect(instance.open()).toBe(instance)
        expect(frames()).toHaveLength(1)
      })
    })

    describe('run() inline', () => {
      it('puts the frame in target_element given by id, and sends the id', () => {
        const host = document.createElement('div')
        host.id = 'pay-here'
        document.body.append(host)
        run(aConfig({ target_element: 'pay-here' }))
        expect(host.contains(frame())).toBe(true)
        expect(dialog()).toBeNull()
        expect(document.body.style.overflow).toBe('')
        expect(sentParams(frame())).toMatchObject({ frame_mode: 'iframe', target_element: 'pay-here' })
      })

      it('puts the frame in target_element given as an element, which is not sent', () => {
        const host = document.createElement('section')
        document.body.append(host)
        run(aConfig({ target_element: host }))
        expect(host.contains(frame())).toBe(true)
        const sent = sentParams(frame())
        expect(sent).not.toHaveProperty('target_element')
        expect(sent['frame_mode']).toBe('iframe')
      })

      it('throws a clear error when target_element is missing', () => {
        expect(() => run(aConfig({ target_element: 'nowhere' }))).toThrow('EPayWidget: target_element "nowhere" not found')
        expect(frames()).toHaveLength(0)
      })

      it('reserves a height before load, then follows epframe.resize', () => {
        const host = document.createElement('div')
        document.body.append(host)
        const { config, calls } = recording({ target_element: host })
        const { frame: f, guid } = open(config)
        expect(parseInt(f.style.height)).toBeGreaterThanOrEqual(480)
        postFromPage(f, { message: 'epframe.resize', guid, data: { width: 400, height: 612.2 } })
        expect(f.style.height).toBe('613px')
        expect(calls).toEqual([['onResize', { width: 400, height: 612.2 }]])
        // Inline, the merchant's layout follows the page down as well as up.
        postFromPage(f, { message: 'epframe.resize', guid, data: { width: 400, height: 380 } })
        expect(f.style.height).toBe('380px')
      })

      it('removes the frame and its listener on destroy()', () => {
        const host = document.createElement('div')
        document.body.append(host)
        const { config, names } = recording({ target_element: host })
        const { instance, frame: f, guid } = open(config)
        instance.destroy()
        expect(host.childElementCount).toBe(0)
        postFromPage(f, { message: 'epframe.loaded', guid, data: {} }, { source: f.contentWindow })
        expect(names()).toEqual(['onDestroy'])
      })
    })

    describe('run() with POST', () => {
      it('submits every parameter as a hidden form into the frame, then removes the form', () => {
        const submitted: Array<{ form: HTMLFormElement; fields: Array<[string, string]> }> = []
        vi.spyOn(HTMLFormElement.prototype, 'submit').mockImplementation(function (this: HTMLFormElement) {
          expect(this.isConnected).toBe(true)
          submitted.push({ form: this, fields: [...this.querySelectorAll('input')].map((i) => [i.name, i.value]) })
        })
        run(aConfig(), 'POST')
        expect(submitted).toHaveLength(1)
        const { form, fields } = submitted[0]!
        const f = frame()
        expect(f.getAttribute('src')).toBeNull()
        expect(form.method).toBe('post')
        expect(form.action).toBe(`${EPAY}/payment`)
        expect(form.target).toBe(f.name)
        expect(f.name).not.toBe('')
        expect(form.isConnected).toBe(false)
        expect([...form.querySelectorAll('input')].every((i) => i.type === 'hidden')).toBe(true)
        const sent = Object.fromEntries(fields)
        expect(fields).toHaveLength(Object.keys(sent).length)
        const { _guid, ...rest } = sent
        expect(rest).toEqual({ ...SIGNED_AS_SENT, frame_mode: 'popup', _referrer: 'http://localhost:3000' })
        expect(_guid).toMatch(/^[A-Za-z0-9_-]{16,64}$/)
      })
    })

    describe('messages from the page', () => {
      it('fires onPaymentSuccess with the data of a valid epframe.payment.success', () => {
        const { config, calls } = recording()
        const { frame: f, guid } = open(config)
        const data = { payment_id: 'order-1001', status: 'success' }
        postFromPage(f, { message: 'epframe.payment.success', guid, data })
        expect(calls).toEqual([['onPaymentSuccess', data]])
      })

      it('accepts the message as a JSON string, as ECommPay pages send it', () => {
        const { config, calls } = recording()
        const { frame: f, guid } = open(config)
        postFromPage(f, JSON.stringify({ message: 'epframe.payment.fail', guid, data: { payment_id: 'order-1001', status: 'decline' } }))
        expect(calls).toEqual([['onPaymentFail', { payment_id: 'order-1001', status: 'decline' }]])
      })

      it('fires any on* callback by the naming rule (epframe.card.verify.success → onCardVerifySuccess)', () => {
        const { config, calls } = recording()
        const { frame: f, guid } = open(config)
        postFromPage(f, { message: 'epframe.card.verify.success', guid, data: { payment_id: 'v-1', status: 'success' } })
        expect(calls).toEqual([['onCardVerifySuccess', { payment_id: 'v-1', status: 'success' }]])
      })

      it.each(['https://evil.example', 'http://epay.example', 'https://epay.example.evil.example', 'https://sub.epay.example', 'null', ''])(
        'ignores a message from origin %j',
        (origin) => {
          const { config, calls } = recording()
          const { frame: f, guid } = open(config)
          postFromPage(f, { message: 'epframe.payment.success', guid, data: { payment_id: 'x', status: 'success' } }, { origin })
          expect(calls).toEqual([])
        },
      )

      it('ignores a message from another window than its frame', () => {
        const { config, calls } = recording()
        const { frame: f, guid } = open(config)
        const other = document.createElement('iframe')
        document.body.append(other)
        const message = { message: 'epframe.payment.success', guid, data: { payment_id: 'x', status: 'success' } }
        postFromPage(f, message, { source: window })
        postFromPage(f, message, { source: other.contentWindow })
        postFromPage(f, message, { source: null })
        expect(calls).toEqual([])
      })

      it('ignores a message with another guid', () => {
        const { config, calls } = recording()
        const { frame: f, guid } = open(config)
        postFromPage(f, { message: 'epframe.payment.success', guid: `${guid}x`, data: { payment_id: 'x', status: 'success' } })
        postFromPage(f, { message: 'epframe.payment.success', guid: '', data: { payment_id: 'x', status: 'success' } })
        expect(calls).toEqual([])
      })

      it('ignores malformed messages silently', () => {
        const { config, calls } = recording()
        const { frame: f, guid } = open(config)
        // The fixtures' guid 'g' becomes this widget's, so only the shape is wrong.
        const withGuid = (m: unknown) => (m && typeof m === 'object' && 'guid' in m && m.guid === 'g' ? { ...m, guid } : m)
        for (const m of MALFORMED_MESSAGES) {
          expect(() => postFromPage(f, withGuid(m))).not.toThrow()
          expect(() => postFromPage(f, JSON.stringify(withGuid(m)))).not.toThrow()
        }
        expect(calls).toEqual([])
        expect(dialog()).not.toBeNull()
      })

      it('closes on epframe.exit, firing onExit once, then onDestroy', () => {
        const { config, names } = recording()
        const { frame: f, guid } = open(config)
        vi.spyOn(f.contentWindow!, 'postMessage').mockImplementation(() => {})
        postFromPage(f, { message: 'epframe.exit', guid, data: {} })
        expect(names()).toEqual(['onExit', 'onDestroy'])
        expect(dialog()).toBeNull()
      })

      it('sets the modal frame height on epframe.resize', () => {
        const { frame: f, guid } = open()
        postFromPage(f, { message: 'epframe.resize', guid, data: { width: 480, height: 540 } })
        expect(f.style.height).toBe('540px')
      })

      it('hands epframe.redirect to onRedirect when the merchant gives one', () => {
        const onRedirect = vi.fn()
        const { frame: f, guid } = open(aConfig({ onRedirect }))
        postFromPage(f, { message: 'epframe.redirect', guid, data: { url: 'https://acs.example/3ds' } })
        expect(onRedirect).toHaveBeenCalledWith({ url: 'https://acs.example/3ds' })
      })
    })

    describe('two widgets on one page', () => {
      it('never cross-talk', () => {
        const host = document.createElement('div')
        document.body.append(host)
        const a = recording({ target_element: host })
        const b = recording()
        const first = open(a.config)
        const second = open(b.config)
        const success = (guid: string) => ({ message: 'epframe.payment.success', guid, data: { payment_id: 'p', status: 'success' } })
        postFromPage(first.frame, success(first.guid))
        postFromPage(second.frame, success(first.guid))
        postFromPage(first.frame, success(second.guid))
        expect(a.names()).toEqual(['onPaymentSuccess'])
        expect(b.names()).toEqual([])
        second.instance.close()
        expect(a.names()).toEqual(['onPaymentSuccess'])
        expect(host.contains(first.frame)).toBe(true)
      })
    })

    describe('closing while a payment is processing', () => {
      const sent = (f: HTMLIFrameElement, guid: string) =>
        postFromPage(f, { message: 'epframe.payment.sent', guid, data: { payment_id: 'order-1001', status: 'processing' } })

      it('asks first; a "no" keeps the modal open', () => {
        const confirm = stubConfirm(false)
        const { config, names } = recording()
        const { frame: f, guid } = open(config)
        sent(f, guid)
        closeButton().click()
        press('Escape')
        postFromPage(f, { message: 'epframe.escape', guid, data: {} })
        expect(confirm).toHaveLength(3)
        expect(dialog()).not.toBeNull()
        expect(names()).toEqual(['onPaymentSent'])
      })

      it('scrolls the modal back to the frame\'s top when the payment is sent, as it keeps its tallest height', () => {
        const { frame: f, guid } = open()
        const scrolled = vi.fn()
        f.scrollIntoView = scrolled
        sent(f, guid)
        expect(scrolled).toHaveBeenCalledTimes(1)
      })

      it('does not ask before a payment is sent, or after its result', () => {
        const confirm = stubConfirm(false)
        const { frame: f, guid } = open()
        sent(f, guid)
        postFromPage(f, { message: 'epframe.payment.fail', guid, data: { payment_id: 'order-1001', status: 'decline' } })
        closeButton().click()
        expect(confirm).toEqual([])
        expect(dialog()).toBeNull()
      })

      it('closed anyway: the modal goes, the frame stays hidden until the result fires onPaymentSuccess, then onDestroy', () => {
        stubConfirm(true)
        const opener = document.createElement('button')
        document.body.append(opener)
        opener.focus()
        const { config, names, calls } = recording()
        const { frame: f, guid } = open(config)
        sent(f, guid)
        closeButton().click()
        expect(names()).toEqual(['onPaymentSent', 'onExit'])
        expect(document.activeElement).toBe(opener)
        expect(document.body.style.overflow).toBe('')
        // Still in the document (a removed frame would stop its page), but out of sight.
        expect(f.isConnected).toBe(true)
        expect(dialog()!.parentElement!.style.display).toBe('none')
        // The shopper cannot close it twice, and Esc on the page no longer reaches it.
        press('Escape')
        postFromPage(f, { message: 'epframe.escape', guid, data: {} })
        const result = { payment_id: 'order-1001', status: 'success' }
        postFromPage(f, { message: 'epframe.payment.success', guid, data: result })
        expect(calls.slice(2)).toEqual([['onPaymentSuccess', result], ['onDestroy', {}]])
        expect(frames()).toHaveLength(0)
        expect(dialog()).toBeNull()
      })

      it('inline: close() during processing hides the frame and still reports the result', () => {
        const host = document.createElement('div')
        document.body.append(host)
        const { config, names } = recording({ target_element: host })
        const { instance, frame: f, guid } = open(config)
        sent(f, guid)
        instance.close()
        expect(f.style.display).toBe('none')
        postFromPage(f, { message: 'epframe.payment.fail', guid, data: { payment_id: 'order-1001', status: 'decline' } })
        expect(names()).toEqual(['onPaymentSent', 'onExit', 'onPaymentFail', 'onDestroy'])
        expect(host.children).toHaveLength(0)
      })
    })

    describe('ECommPay merchant.js API', () => {
      /** An inline (embedded) widget whose posts into the frame are recorded. */
      const embedded = (extra: Partial<WidgetConfig> = {}) => {
        const host = document.createElement('div')
        host.id = 'card-here'
        document.body.append(host)
        const rec = recording(extra)
        const instance = api.runEmbedded({ ...rec.config, target_element: 'card-here' }, 'GET')
        opened.push(instance)
        const f = frame()
        const post = vi.spyOn(f.contentWindow!, 'postMessage').mockImplementation(() => {})
        const sentToPage = () => post.mock.calls.map(([m]) => (m as { message: string }).message)
        return { ...rec, instance, frame: f, guid: sentParams(f)['_guid']!, sentToPage }
      }
      const answer = (f: HTMLIFrameElement, guid: string, data: Record<string, string>) =>
        postFromPage(f, { message: 'epframe.embedded_mode.check_validation_response', guid, data })

      it('runEmbedded + trySubmit: validates, then pays when the form is valid', () => {
        const onEmbeddedModeCheckValidationResponse = vi.fn()
        const w = embedded({ onEmbeddedModeCheckValidationResponse })
        expect(document.getElementById('card-here')!.contains(w.frame)).toBe(true)
        w.instance.trySubmit()
        expect(w.sentToPage()).toEqual(['epframe.embedded_mode.check_validation'])
        answer(w.frame, w.guid, {})
        expect(onEmbeddedModeCheckValidationResponse).toHaveBeenCalledWith({})
        expect(w.sentToPage()).toEqual(['epframe.embedded_mode.check_validation', 'epframe.embedded_mode.submit'])
      })

      it('trySubmit with errors: onValidationError and onEmbeddedModeCheckValidationResponse get them, nothing is paid', () => {
        const onValidationError = vi.fn()
        const onEmbeddedModeCheckValidationResponse = vi.fn()
        const w = embedded({ onValidationError, onEmbeddedModeCheckValidationResponse })
        w.instance.trySubmit()
        const errors = { number: 'Enter the card number' }
        answer(w.frame, w.guid, errors)
        expect(onValidationError).toHaveBeenCalledWith(errors)
        expect(onEmbeddedModeCheckValidationResponse).toHaveBeenCalledWith(errors)
        expect(w.sentToPage()).toEqual(['epframe.embedded_mode.check_validation'])
      })

      it('trySubmit with onCheckSubmit: pays on resolve, refuses additional_parameters loudly, stays on reject', () => {
        const error = consoleErrors()
        let resolve: (a?: { additional_parameters?: Record<string, unknown> }) => void = () => {}
        let reject = () => {}
        const w = embedded({ onCheckSubmit: (_d, res, rej) => ((resolve = res), (reject = rej)) })
        w.instance.trySubmit()
        answer(w.frame, w.guid, {})
        expect(w.sentToPage()).toEqual(['epframe.embedded_mode.check_validation'])
        reject()
        expect(w.sentToPage()).toHaveLength(1)
        resolve({ additional_parameters: { customer_first_name: 'Jane' } })
        expect(error).toEqual(['EPayWidget: additional_parameters are not supported'])
        expect(w.sentToPage()).toEqual(['epframe.embedded_mode.check_validation', 'epframe.embedded_mode.submit'])
      })

      it('an answer nobody asked for pays nothing', () => {
        const w = embedded()
        answer(w.frame, w.guid, {})
        expect(w.sentToPage()).toEqual([])
      })

      it('passes the merchant page\'s own window.postMessage requests (ECommPay plugins) on to the frame', () => {
        const w = embedded()
        // Each global the implementation may see posts as "its own window" (only one is).
        const own = (data: unknown) => {
          for (const w of globals()) window.dispatchEvent(new MessageEvent('message', { data, origin: location.origin, source: w }))
        }
        own('{"message":"epframe.embedded_mode.check_validation","from_another_domain":true}')
        own({ message: 'epframe.embedded_mode.submit', from_another_domain: true, fields: {} })
        own({ message: 'epframe.payment.success', guid: w.guid, data: { payment_id: 'x', status: 'success' } })
        // From another origin, even claiming to be this window: ignored.
        window.dispatchEvent(new MessageEvent('message', { data: '{"message":"epframe.embedded_mode.submit"}', origin: 'https://evil.example', source: window }))
        expect(w.sentToPage()).toEqual(['epframe.embedded_mode.check_validation', 'epframe.embedded_mode.submit'])
        expect(w.names()).toEqual([])
      })

      it('runEmbedded without target_element is refused with a console error', () => {
        const error = consoleErrors()
        expect(() => api.runEmbedded(aConfig())).toThrow('EPayWidget: runEmbedded needs target_element')
        expect(error).toEqual(['EPayWidget: runEmbedded needs target_element'])
        expect(frames()).toHaveLength(0)
      })

      it.each(['card_verify', 'card_tokenize', 'payout'])('refuses mode=%s loudly, opening nothing', (mode) => {
        const error = consoleErrors()
        expect(() => api.run(aConfig({ mode }))).toThrow(`EPayWidget: mode "${mode}" is not supported`)
        expect(error).toEqual([`EPayWidget: mode "${mode}" is not supported`])
        expect(frames()).toHaveLength(0)
      })

      it('takes mode=purchase as the default it is', () => {
        run(aConfig({ mode: 'purchase' }))
        expect(sentParams(frame())['mode']).toBe('purchase')
      })

      it('says css_modal_wrap is not supported, and still sends it (it is signed)', () => {
        const error = consoleErrors()
        run(aConfig({ css_modal_wrap: 'my-wrap' }))
        expect(error).toEqual(['EPayWidget: css_modal_wrap is not supported'])
        expect(sentParams(frame())['css_modal_wrap']).toBe('my-wrap')
      })

      it('closePopup() closes the widget opened last, and the instance has closePopup() too', () => {
        const { config, names } = recording()
        open(config)
        api.closePopup()
        expect(names()).toEqual(['onExit', 'onDestroy'])
        expect(dialog()).toBeNull()
        const second = open().instance
        second.closePopup()
        expect(dialog()).toBeNull()
      })
    })

    describe('bind()', () => {
      it('opens the widget on each click of the element', () => {
        const button = document.createElement('button')
        button.id = 'pay'
        document.body.append(button)
        api.bind('pay', aConfig())
        expect(frames()).toHaveLength(0)
        button.click()
        expect(frames()).toHaveLength(1)
        closeButton().click()
        button.click()
        expect(frames()).toHaveLength(1)
      })

      it('throws a clear error when the element is missing', () => {
        expect(() => api.bind('nope', aConfig())).toThrow('EPayWidget: element "nope" not found')
      })
    })
  })
}
