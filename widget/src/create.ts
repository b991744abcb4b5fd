import { element } from './element.ts'
import { callbackName, parseMessage, readPageMessage } from './messages.ts'
import { openModal } from './modal.ts'
import { paymentParams } from './payment-params.ts'
import { postForm } from './post-form.ts'
import { widgetStrings } from './strings.ts'
import type { WidgetConfig, WidgetInstance, WidgetMethod } from './types.ts'

// EPay's origin when the config has no baseUrl: where this script came from. `currentScript`
// is read while merchant.js runs (it is null later); in the ES module import.meta.url says it
// (the IIFE build turns that into undefined). Without either, the page's own origin.
const scriptUrl = (document.currentScript as HTMLScriptElement | null)?.src || import.meta.url

const LOAD_TIMEOUT_MS = 15_000
/** Height held for the frame until the page reports its own, so the merchant page barely moves. */
const RESERVED_HEIGHT = '760px'
// true, 1, '1' and 'true', as ECommPay's script takes them.
const truthy = (v: unknown) => /^(true|1)$/.test(v as string)

/** The widget most recently opened, for ECommPay's `EPayWidget.closePopup()`. */
export let lastOpened: WidgetInstance | undefined

/** Logs `message` as the console error a merchant's developer sees, and returns it as an Error to throw. */
export function fail(message: string): Error {
  console.error((message = 'EPayWidget: ' + message))
  return Error(message)
}

function httpUrl(value: string | undefined): URL | undefined {
  try {
    const url = new URL(value!)
    if (/^https?:$/.test(url.protocol)) return url
  } catch {}
}

/** Creates a widget for `config` without opening it; `open()` shows the payment page. */
export function create(config: WidgetConfig, method: WidgetMethod = 'GET'): WidgetInstance {
  const base = config.baseUrl ? httpUrl(config.baseUrl) : httpUrl(scriptUrl) ?? httpUrl(location.href)
  if (!base) throw fail(`baseUrl "${config.baseUrl ?? location.href}" is not an http(s) URL`)
  // EPay takes payments only (SPEC §4): better refused here, at integration time, than a
  // shopper facing an error page and the merchant waiting for onCardVerify* that never come.
  const mode = config['mode']
  if (mode && mode != 'purchase') throw fail(`mode "${mode}" is not supported`)
  if (config['css_modal_wrap']) fail('css_modal_wrap is not supported')
  const origin = base.origin
  // A merchant's baseUrl may carry a path prefix (EPay behind a proxy); the script's own URL
  // only gives the origin — its path is the script's, not EPay's.
  const action = origin + (config.baseUrl ? base.pathname.replace(/\/$/, '') : '') + '/payment'
  const isPost = /^post$/i.test(method)
  // CSPRNG: the guid is what tells this widget's messages from another's on the same page
  // (128 random bits, as decimal digits).
  const guid = crypto.getRandomValues(new Uint32Array(4)).join('')
  const fire = (name: string, data: unknown = {}, ...more: unknown[]) => {
    const fn = config[name]
    try {
      if (typeof fn == 'function') fn(data, ...more)
    } catch (e) {
      // A merchant callback that throws must not leave an overlay that cannot close (or a
      // locked page scroll): finish our work and rethrow where the page's error handler sees it.
      setTimeout(() => {
        throw e
      })
    }
  }
  // Posts into EPay's page, pinned to its exact origin, never "*".
  const tell = (message: string) => frame?.contentWindow!.postMessage({ message, guid, data: {} }, origin)
  let teardown: (() => void) | undefined
  let hide: ((keep?: boolean) => void) | undefined
  let frame: HTMLIFrameElement
  let loading: HTMLElement
  let timer: ReturnType<typeof setTimeout>
  // A payment was sent and its result has not come yet; `waiting`: closed meanwhile, so the
  // hidden frame lives on until the result reaches the merchant's callbacks.
  let pending = 0
  let waiting = 0
  let submitting = 0
  // The tallest screen so far: a modal never shrinks between form, processing and result, so
  // it neither jumps nor moves its close button under the shopper's pointer.
  let tallest = 200
  const focusStart = () => {
    frame.focus()
    tell('epframe.focus')
  }
  // The shopper's ×, Esc or backdrop click: a payment under way is not left by accident.
  const shopperClose = () => {
    if (!pending || confirm('Payment in progress. Close anyway?')) instance.close()
  }

  const onMessage = (e: MessageEvent) => {
    // ECommPay's embedded mode as its plugins drive it: the merchant page posts to its own
    // window, and merchant.js passes the request on to the frame.
    if (e.source == window && e.origin == location.origin) {
      const name = (parseMessage(e.data) || {})['message'] as string
      if (/^epframe\.embedded_mode\.(check_validation|submit)$/.test(name)) tell(name)
      return
    }
    // Only EPay's page in this widget's own frame may speak: exact origin, exact window, own guid.
    // Anything else (another widget, another frame, a forged message) is ignored silently.
    if (e.origin !== origin || e.source !== frame.contentWindow) return
    const m = readPageMessage(e.data)
    if (!m || m.guid !== guid) return
    const { message: name, data } = m
    if (name == 'epframe.escape') return void (hide && !waiting && shopperClose())
    if (name == 'epframe.exit') return instance.close()
    if (name == 'epframe.loaded') {
      clearTimeout(timer)
      loading.remove()
      if (hide && !waiting) focusStart()
    }
    if (name == 'epframe.resize') frame.style.height = `${(tallest = Math.max(hide ? tallest : 200, Math.ceil(data['height'] as number)))}px`
    // The modal keeps its tallest height, so a shopper who scrolled down to Pay would meet the
    // processing screen and the result scrolled out of sight: back to the frame's top.
    if (name == 'epframe.payment.sent') (pending = 1), hide && frame.scrollIntoView()
    const result = /\.(success|fail)$/.test(name)
    if (result) pending = 0
    fire(callbackName(name), data)
    if (submitting && name == 'epframe.embedded_mode.check_validation_response') {
      submitting = 0
      const pay = (answer?: { additional_parameters?: Record<string, unknown> }) => {
        // Unsigned values cannot change a signed payment: refused, the payment goes on as signed.
        if (Object.values(answer?.additional_parameters || {}).some((v) => v)) fail('additional_parameters are not supported')
        tell('epframe.embedded_mode.submit')
      }
      if (Object.keys(data).length) fire('onValidationError', data)
      else if (config['onCheckSubmit']) fire('onCheckSubmit', data, pay, () => {})
      else pay()
    }
    const url = data['url'] as string
    if (name == 'epframe.redirect' && !config.onRedirect && /^https?:\/\//i.test(url)) location.assign(url)
    if (result && waiting) instance.destroy()
  }

  const instance: WidgetInstance = {
    open() {
      if (teardown) return instance
      const target = config.target_element
      if (truthy(config['redirect']) || (truthy(config['redirect_on_mobile']) && innerWidth < 768)) {
        const params = paymentParams(config, guid)
        if (isPost) postForm(action, params, '_self')
        else location.assign(`${action}?${new URLSearchParams(params)}`)
        return instance
      }
      const host = typeof target == 'string' ? target ? document.getElementById(target) : undefined : target
      if (host === null) throw fail(`target_element "${target}" not found`)
      const name = `epay_${guid}`
      const [loadingText, closeLabel, title] = widgetStrings(config['language_code'])
      frame = element('iframe', { width: '100%', height: RESERVED_HEIGHT, minHeight: '100%', border: '0', display: 'block' }, { name, title })
      frame.setAttribute('allow', 'payment *')
      const params = paymentParams(config, guid, host ? 'iframe' : 'popup')
      if (!isPost) frame.src = `${action}?${new URLSearchParams(params)}`
      loading = element('div', { position: 'absolute', top: '16px', width: '100%', textAlign: 'center', color: 'CanvasText' }, { textContent: loadingText })
      loading.setAttribute('role', 'status')
      const box = element('div', { position: 'relative' })
      box.append(loading, frame)
      if (host) host.append(box)
      else hide = openModal(box, shopperClose, truthy(config['close_on_missclick']), focusStart, title, closeLabel)
      addEventListener('message', onMessage)
      if (isPost) postForm(action, params, name)
      timer = setTimeout(() => fire('onFailLoading'), LOAD_TIMEOUT_MS)
      teardown = () => {
        clearTimeout(timer)
        removeEventListener('message', onMessage)
        box.remove()
        if (hide) hide()
      }
      lastOpened = instance
      return instance
    },
    close() {
      if (!teardown || waiting) return
      fire('onExit')
      if (!pending) {
        tell('epframe.close')
        return instance.destroy()
      }
      // Closed while the payment runs: only out of sight, so the frame's page keeps polling
      // the status and its result still reaches onPaymentSuccess / onPaymentFail.
      waiting = 1
      if (hide) hide(true)
      else frame.style.display = 'none'
    },
    destroy() {
      if (!teardown) return
      teardown()
      teardown = hide = undefined
      waiting = pending = 0
      fire('onDestroy')
    },
    trySubmit() {
      submitting = 1
      tell('epframe.embedded_mode.check_validation')
    },
    closePopup: () => instance.close(),
  }
  return instance
}
