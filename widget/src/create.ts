import { element } from './element.ts'
import { callbackName, readPageMessage } from './messages.ts'
import { openModal } from './modal.ts'
import { paymentParams } from './payment-params.ts'
import { postForm } from './post-form.ts'
import type { WidgetConfig, WidgetInstance, WidgetMethod } from './types.ts'

// EPay's origin when the config has no baseUrl: where this script came from. `currentScript`
// is read while merchant.js runs (it is null later); in the ES module import.meta.url says it
// (the IIFE build turns that into undefined). Without either, the page's own origin.
const scriptUrl = (document.currentScript as HTMLScriptElement | null)?.src || import.meta.url

const LOAD_TIMEOUT_MS = 15_000
/** Height held for the frame until the page reports its own, so the merchant page barely moves. */
const RESERVED_HEIGHT = '760px'
const truthy = (v: unknown) => v === true || v === 1 || v === '1' || v === 'true'

function httpUrl(value: string | undefined): URL | undefined {
  try {
    const url = new URL(value!)
    if (/^https?:$/.test(url.protocol)) return url
  } catch {}
}

/** Creates a widget for `config` without opening it; `open()` shows the payment page. */
export function create(config: WidgetConfig, method: WidgetMethod = 'GET'): WidgetInstance {
  const base = config.baseUrl ? httpUrl(config.baseUrl) : httpUrl(scriptUrl) ?? httpUrl(location.href)
  if (!base) throw new Error(`EPayWidget: baseUrl "${config.baseUrl ?? location.href}" is not an http(s) URL`)
  const origin = base.origin
  // A merchant's baseUrl may carry a path prefix (EPay behind a proxy); the script's own URL
  // only gives the origin — its path is the script's, not EPay's.
  const action = origin + (config.baseUrl ? base.pathname.replace(/\/$/, '') : '') + '/payment'
  const post = /^post$/i.test(method)
  // CSPRNG: the guid is what tells this widget's messages from another's on the same page.
  const guid = Array.from(crypto.getRandomValues(new Uint8Array(12)), (b) => (b + 256).toString(16).slice(1)).join('')
  const fire = (name: string, data: unknown) => {
    const fn = config[name]
    try {
      if (typeof fn == 'function') fn(data)
    } catch (e) {
      // A merchant callback that throws must not leave an overlay that cannot close (or a
      // locked page scroll): finish our work and rethrow where the page's error handler sees it.
      setTimeout(() => {
        throw e
      })
    }
  }
  let teardown: (() => void) | undefined
  let frame: HTMLIFrameElement
  let loading: HTMLElement
  let timer: ReturnType<typeof setTimeout>

  const onMessage = (e: MessageEvent) => {
    // Only EPay's page in this widget's own frame may speak: exact origin, exact window, own guid.
    // Anything else (another widget, another frame, a forged message) is ignored silently.
    if (e.origin !== origin || e.source !== frame.contentWindow) return
    const m = readPageMessage(e.data)
    if (!m || m.guid !== guid) return
    const { message: name, data } = m
    if (name == 'epframe.exit') return instance.close()
    if (name == 'epframe.loaded') {
      clearTimeout(timer)
      loading.remove()
    }
    if (name == 'epframe.resize') frame.style.height = `${Math.max(200, Math.ceil(data['height'] as number))}px`
    fire(callbackName(name), data)
    const url = data['url'] as string
    if (name == 'epframe.redirect' && !config.onRedirect && /^https?:\/\//i.test(url)) location.assign(url)
  }

  const instance: WidgetInstance = {
    open() {
      if (teardown) return instance
      const target = config.target_element
      if (truthy(config['redirect']) || (truthy(config['redirect_on_mobile']) && innerWidth < 768)) {
        const params = paymentParams(config, guid)
        if (post) postForm(action, params, '_self')
        else location.assign(`${action}?${new URLSearchParams(params)}`)
        return instance
      }
      const host = typeof target == 'string' ? target ? document.getElementById(target) : undefined : target
      if (host === null) throw new Error(`EPayWidget: target_element "${target}" not found`)
      const name = `epay_${guid}`
      frame = element('iframe', { width: '100%', height: RESERVED_HEIGHT, border: '0', display: 'block' })
      frame.name = name
      frame.title = 'Payment'
      frame.setAttribute('allow', 'payment *')
      const params = paymentParams(config, guid, host ? 'iframe' : 'popup')
      if (!post) frame.src = `${action}?${new URLSearchParams(params)}`
      loading = element('div', { position: 'absolute', top: '16px', width: '100%', textAlign: 'center', font: '14px sans-serif', color: '#555' })
      loading.textContent = 'Loading...'
      loading.setAttribute('role', 'status')
      const box = element('div', { position: 'relative' })
      box.append(loading, frame)
      let removeModal: (() => void) | undefined
      if (host) host.append(box)
      else removeModal = openModal(box, instance.close, truthy(config['close_on_missclick']))
      addEventListener('message', onMessage)
      if (post) postForm(action, params, name)
      timer = setTimeout(() => fire('onFailLoading', {}), LOAD_TIMEOUT_MS)
      teardown = () => {
        clearTimeout(timer)
        removeEventListener('message', onMessage)
        box.remove()
        removeModal?.()
      }
      return instance
    },
    close() {
      if (!teardown) return
      // Tells the page the shopper left; pinned to EPay's exact origin, never "*".
      frame.contentWindow?.postMessage({ message: 'epframe.close', guid, data: {} }, origin)
      fire('onExit', {})
      instance.destroy()
    },
    destroy() {
      if (!teardown) return
      teardown()
      teardown = undefined
      fire('onDestroy', {})
    },
  }
  return instance
}
