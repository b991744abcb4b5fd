import type { WidgetConfig, WidgetInstance, WidgetMethod } from './types.ts'

export type * from './types.ts'

// EPay's origin when the merchant gives no baseUrl: where this script itself came from.
const scriptOrigin: string = (() => {
  try {
    const src = (document.currentScript as HTMLScriptElement | null)?.src
    return src ? new URL(src).origin : location.origin
  } catch {
    return location.origin
  }
})()

const LOAD_TIMEOUT_MS = 15_000
/** Height reserved before the page reports its own, close to the card form's, so the merchant page barely moves. */
const RESERVED_HEIGHT = 760
const truthy = (v: unknown) => v === true || v === 1 || v === '1' || v === 'true'

/** ECommPay's callback naming rule: `epframe.payment.success` → `onPaymentSuccess`. */
export function callbackName(message: string): string {
  return 'on' + message.replace(/^epframe\./, '').split(/[._-]/).map((p) => p.charAt(0).toUpperCase() + p.slice(1)).join('')
}

/**
 * Tells whether `d` has the shape of a page message: `{message: "epframe.…", guid, data: {}}`.
 * Hint: the same fixtures run through protocol/messages.ts's schema in a test, so the two agree.
 */
export function isPageMessage(d: unknown): d is { message: string; guid: string; data: Record<string, unknown> } {
  if (!d || typeof d !== 'object') return false
  const m = d as Record<string, unknown>
  const data = m['data']
  if (typeof m['message'] !== 'string' || !m['message'].startsWith('epframe.') || typeof m['guid'] !== 'string') return false
  if (!data || typeof data !== 'object' || Array.isArray(data)) return false
  const x = data as Record<string, unknown>
  if (m['message'] === 'epframe.resize') return typeof x['width'] === 'number' && typeof x['height'] === 'number'
  if (m['message'] === 'epframe.redirect') return typeof x['url'] === 'string'
  return true
}

/** The parameters sent to EPay: every signed value unchanged, as strings; nothing of the widget's own. */
function paymentParams(config: WidgetConfig, frameMode: string, guid: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(config)) {
    if (k === 'baseUrl' || v === undefined || v === null || typeof v === 'function' || typeof v === 'object') continue
    out[k] = String(v)
  }
  // Unsigned by protocol (SPEC §3): EPay uses them only to pick among the project's own origins.
  out['frame_mode'] = frameMode
  out['_referrer'] = location.origin
  out['_guid'] = guid
  return out
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, style: Partial<CSSStyleDeclaration> = {}): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag)
  // CSSOM, not a style attribute: merchants with a strict CSP (no 'unsafe-inline') still render it.
  Object.assign(node.style, style)
  return node
}

function submitForm(action: string, params: Record<string, string>, target: string): void {
  const form = el('form', { display: 'none' })
  form.method = 'post'
  form.action = action
  form.target = target
  for (const [name, value] of Object.entries(params)) {
    const input = el('input')
    input.type = 'hidden'
    input.name = name
    input.value = value
    form.appendChild(input)
  }
  document.body.appendChild(form)
  form.submit()
  form.remove()
}

/** Creates a widget without opening it; `open()` shows it. */
export function create(config: WidgetConfig, method: WidgetMethod = 'GET'): WidgetInstance {
  const base = new URL(config.baseUrl ?? scriptOrigin)
  const origin = base.origin
  const action = `${origin}${base.pathname.replace(/\/$/, '')}/payment`
  const post = String(method).toUpperCase() === 'POST'
  const bytes = crypto.getRandomValues(new Uint8Array(12))
  const guid = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')
  const fire = (name: string, data: unknown) => {
    const fn = config[name]
    if (typeof fn === 'function') fn(data)
  }

  let root: HTMLElement | undefined
  let frame: HTMLIFrameElement | undefined
  let loading: HTMLElement | undefined
  let opener: Element | null = null
  let overflow = ''
  let timer: ReturnType<typeof setTimeout> | undefined
  let open = false

  const onMessage = (e: MessageEvent) => {
    // Only EPay's page in this widget's own iframe may speak: exact origin, exact window, own guid.
    if (!frame || e.origin !== origin || e.source !== frame.contentWindow) return
    let d: unknown = e.data
    if (typeof d === 'string') {
      try {
        d = JSON.parse(d)
      } catch {
        return
      }
    }
    if (!isPageMessage(d) || d.guid !== guid) return
    const { message, data } = d
    if (message === 'epframe.loaded') {
      clearTimeout(timer)
      loading?.remove()
    }
    if (message === 'epframe.resize') frame.style.height = `${Math.max(200, Math.ceil(data['height'] as number))}px`
    fire(callbackName(message), data)
    if (message === 'epframe.exit') instance.close()
    if (message === 'epframe.redirect' && typeof config['onRedirect'] !== 'function' && /^https?:/.test(String(data['url']))) {
      location.assign(String(data['url']))
    }
  }
  const onKey = (e: KeyboardEvent) => {
    if (!root) return
    if (e.key === 'Escape') instance.close()
    if (e.key === 'Tab') {
      // Keep focus inside the dialog: the close button and the frame are its only stops.
      const stops = [root.querySelector('button'), frame].filter(Boolean) as HTMLElement[]
      const i = stops.indexOf(document.activeElement as HTMLElement)
      const next = stops[(i + (e.shiftKey ? stops.length - 1 : 1)) % stops.length] ?? stops[0]
      if (i === -1 || (e.shiftKey ? i === 0 : i === stops.length - 1)) {
        e.preventDefault()
        next?.focus()
      }
    }
  }

  const instance: WidgetInstance = {
    open() {
      if (open) return instance
      const inline = config.target_element !== undefined && config.target_element !== ''
      const small = innerWidth < 768
      if (truthy(config['redirect']) || (truthy(config['redirect_on_mobile']) && small)) {
        const params = paymentParams(config, 'redirect', guid)
        if (post) submitForm(action, params, '_self')
        else location.assign(`${action}?${new URLSearchParams(params)}`)
        return instance
      }
      let host: Element | null = null
      if (inline) {
        const t = config.target_element
        host = typeof t === 'string' ? document.getElementById(t) : t ?? null
        if (!host) throw new Error(`EPayWidget: target_element "${String(t)}" not found`)
      }
      open = true
      const name = `epay_${guid}`
      const params = paymentParams(config, inline ? 'iframe' : 'popup', guid)
      frame = el('iframe', { width: '100%', height: `${RESERVED_HEIGHT}px`, border: '0', display: 'block' })
      frame.name = name
      frame.title = 'Payment'
      frame.allow = 'payment *'
      if (!post) frame.src = `${action}?${new URLSearchParams(params)}`
      loading = el('div', { position: 'absolute', top: '16px', left: '0', right: '0', textAlign: 'center', font: '14px sans-serif', color: '#555' })
      loading.textContent = 'Loading…'
      loading.setAttribute('role', 'status')
      const box = el('div', { position: 'relative' })
      box.append(loading, frame)
      if (host) {
        root = box
        host.appendChild(box)
      } else {
        opener = document.activeElement
        root = el('div', {
          position: 'fixed', inset: '0', zIndex: '2147483000', background: 'rgba(0,0,0,.55)',
          display: 'flex', alignItems: small ? 'stretch' : 'center', justifyContent: 'center', overflow: 'auto',
        })
        const dialog = el('div', {
          position: 'relative', background: '#fff', width: small ? '100%' : 'min(480px, 100%)', maxHeight: small ? 'none' : '100%',
          borderRadius: small ? '0' : '12px', overflow: 'auto', margin: small ? '0' : 'auto',
        })
        dialog.setAttribute('role', 'dialog')
        dialog.setAttribute('aria-modal', 'true')
        dialog.setAttribute('aria-label', 'Payment')
        const close = el('button', {
          position: 'absolute', top: '6px', right: '6px', zIndex: '1', width: '36px', height: '36px', border: '0',
          borderRadius: '18px', background: '#f1f2f4', font: '22px/1 sans-serif', cursor: 'pointer',
        })
        close.type = 'button'
        close.textContent = '×'
        close.setAttribute('aria-label', 'Close')
        close.addEventListener('click', () => instance.close())
        dialog.append(close, box)
        root.appendChild(dialog)
        root.addEventListener('click', (e) => {
          if (e.target === root && truthy(config['close_on_missclick'])) instance.close()
        })
        overflow = document.body.style.overflow
        document.body.style.overflow = 'hidden'
        document.body.appendChild(root)
        document.addEventListener('keydown', onKey)
        close.focus()
      }
      addEventListener('message', onMessage)
      if (post) submitForm(action, params, name)
      timer = setTimeout(() => fire('onFailLoading', {}), LOAD_TIMEOUT_MS)
      return instance
    },
    close() {
      if (!open) return
      // Tell the page the shopper left; pinned to EPay's origin, never "*".
      frame?.contentWindow?.postMessage({ message: 'epframe.close', guid, data: {} }, origin)
      fire('onExit', {})
      instance.destroy()
    },
    destroy() {
      if (!open) return
      open = false
      clearTimeout(timer)
      removeEventListener('message', onMessage)
      document.removeEventListener('keydown', onKey)
      root?.remove()
      if (!config.target_element) {
        document.body.style.overflow = overflow
        if (opener instanceof HTMLElement) opener.focus()
      }
      root = frame = loading = undefined
      fire('onDestroy', {})
    },
  }
  return instance
}

/** Opens EPay's payment page for `config` now: modal by default, inline with `target_element`. */
export function run(config: WidgetConfig, method: WidgetMethod = 'GET'): WidgetInstance {
  return create(config, method).open()
}

/** Opens the payment page each time the element with id `buttonId` is clicked. */
export function bind(buttonId: string, config: WidgetConfig, method: WidgetMethod = 'GET'): void {
  const button = document.getElementById(buttonId)
  if (!button) throw new Error(`EPayWidget: element "${buttonId}" not found`)
  button.addEventListener('click', (e) => {
    e.preventDefault()
    run(config, method)
  })
}
