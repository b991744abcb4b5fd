import type { PageMessage, PageMessageName, WidgetMessage } from '../../../protocol/messages.ts'

type DataOf<N extends PageMessageName> = Extract<PageMessage, { message: N }>['data']

/** Sends widget events (SPEC §11) to the merchant page that frames the hosted page. */
export type ParentBridge = {
  post<N extends PageMessageName>(message: N, data: DataOf<N>): void
  /** Reports the root element's content size whenever it changes; returns the stop function. */
  watchSize(): () => void
  /**
   * Hands the widget's messages to `handle` and reports Esc to the widget (a key pressed in a
   * frame never reaches the parent's listeners); returns the stop function.
   */
  listen(handle: (message: WidgetMessage) => void): () => void
}

/** The part of `window` the bridge touches, so tests can hand in a fake. */
export type BridgeWindow = {
  parent: { postMessage(message: unknown, targetOrigin: string): void }
  ResizeObserver?: typeof ResizeObserver
  addEventListener?: Window['addEventListener']
  removeEventListener?: Window['removeEventListener']
}

/** Whether the page runs inside a frame. */
export function isFramed(win: { parent: unknown }): boolean {
  return win.parent !== win
}

const NOOP_BRIDGE: ParentBridge = { post() {}, watchSize: () => () => {}, listen: () => () => {} }

const WIDGET_MESSAGES: ReadonlySet<string> = new Set<WidgetMessage['message']>([
  'epframe.close',
  'epframe.focus',
  'epframe.embedded_mode.check_validation',
  'epframe.embedded_mode.submit',
])

/**
 * A widget message exactly as WidgetMessageSchema (protocol/messages.ts) accepts it, else null:
 * written out by hand so the first script needs no valibot; a property test holds the two equal.
 * No message carries data, so `data` is any object and is handed on empty.
 */
export function readWidgetMessage(value: unknown): WidgetMessage | null {
  if (typeof value !== 'object' || value === null) return null
  const { message, guid, data } = value as Record<string, unknown>
  if (typeof message !== 'string' || !WIDGET_MESSAGES.has(message) || typeof guid !== 'string') return null
  if (typeof data !== 'object' || data === null) return null
  return { message: message as WidgetMessage['message'], guid, data: {} }
}

/** An http(s) origin exactly as `URL.origin` writes it, e.g. `https://shop.example`. */
function isExactOrigin(value: string): boolean {
  try {
    const url = new URL(value)
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.origin === value
  } catch {
    return false
  }
}

/**
 * Creates the bridge for a session. Messages go only to `parent_origin` from the session,
 * which the server took from the signed request, never to `"*"`: a page that framed us
 * without the merchant's consent (or navigated the parent elsewhere) must not receive
 * payment events. Without a frame, an exact origin or a guid, nothing is ever posted.
 */
export function createParentBridge(
  win: BridgeWindow,
  target: { parentOrigin?: string; guid?: string },
  root: Element,
): ParentBridge {
  const { parentOrigin, guid } = target
  if (!isFramed(win) || !parentOrigin || !guid || !isExactOrigin(parentOrigin)) return NOOP_BRIDGE

  const post: ParentBridge['post'] = (message, data) => {
    win.parent.postMessage({ message, guid, data }, parentOrigin)
  }

  return {
    post,
    watchSize() {
      const Observer = win.ResizeObserver
      if (!Observer) return () => {}
      let last = ''
      const report = () => {
        // scrollHeight never drops below the frame's current height, so a frame sized to a
        // tall form would not shrink back for a short result: the box height follows content.
        const width = root.scrollWidth
        const height = Math.ceil(root.getBoundingClientRect().height)
        const key = `${width}x${height}`
        if (key === last) return
        last = key
        post('epframe.resize', { width, height })
      }
      // Reported now as well as on every change: the observer's first call waits for a frame.
      report()
      const observer = new Observer(report)
      observer.observe(root)
      return () => observer.disconnect()
    },
    listen(handle) {
      // The same checks as the widget's, mirrored: only the parent window, from its exact
      // origin, with this session's guid and a known shape; anything else is ignored.
      const onMessage = (e: MessageEvent) => {
        if (e.source !== win.parent || e.origin !== parentOrigin) return
        const message = readWidgetMessage(e.data)
        if (message && message.guid === guid) handle(message)
      }
      const onKey = (e: KeyboardEvent) => {
        if (e.key === 'Escape' && !e.defaultPrevented) post('epframe.escape', {})
      }
      win.addEventListener?.('message', onMessage)
      win.addEventListener?.('keydown', onKey)
      return () => {
        win.removeEventListener?.('message', onMessage)
        win.removeEventListener?.('keydown', onKey)
      }
    },
  }
}
