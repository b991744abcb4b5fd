import { waitFor } from '@testing-library/preact'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { WidgetMessage } from '../../../protocol/messages.ts'
import { answerWidget } from '../../../hosted-page/src/parent/answer-widget.ts'
import { createParentBridge, type ParentBridge } from '../../../hosted-page/src/parent/bridge.ts'
import { PARENT_ORIGIN, aFramedWindow, aPaymentState, aStore, fakeApi } from '../fixtures.ts'
import { fillCard, input, renderPage, waitForState } from '../page.tsx'

const target = { parentOrigin: PARENT_ORIGIN, guid: 'g-1' }

/** A framed window that really dispatches events, as the bridge listens on it. */
function aListeningWindow() {
  const events = new EventTarget()
  const win = aFramedWindow()
  return {
    ...win,
    addEventListener: events.addEventListener.bind(events) as Window['addEventListener'],
    removeEventListener: events.removeEventListener.bind(events) as Window['removeEventListener'],
    dispatch: (event: Event) => events.dispatchEvent(event),
  }
}

describe('ParentBridge.listen', () => {
  const message = { message: 'epframe.focus', guid: 'g-1', data: {} }

  it('hands on only the parent window\'s messages, from its exact origin, with this guid and a known shape', () => {
    const win = aListeningWindow()
    const handle = vi.fn()
    const stop = createParentBridge(win, target, document.documentElement).listen(handle)
    const from = (data: unknown, origin = PARENT_ORIGIN, source: unknown = win.parent) =>
      win.dispatch(new MessageEvent('message', { data, origin, source: source as Window }))
    from(message, 'https://evil.example')
    from(message, PARENT_ORIGIN, window)
    from({ ...message, guid: 'g-2' })
    from({ message: 'epframe.payment.success', guid: 'g-1', data: {} })
    from({ message: 'epframe.focus', guid: 'g-1' })
    from(JSON.stringify(message))
    expect(handle).not.toHaveBeenCalled()
    from(message)
    expect(handle).toHaveBeenCalledWith(message)
    stop()
    from(message)
    expect(handle).toHaveBeenCalledOnce()
  })

  it('reports Esc to the widget, unless the page used it itself', () => {
    const win = aListeningWindow()
    createParentBridge(win, target, document.documentElement).listen(() => {})
    const handled = new KeyboardEvent('keydown', { key: 'Escape', cancelable: true })
    handled.preventDefault()
    win.dispatch(handled)
    win.dispatch(new KeyboardEvent('keydown', { key: 'Enter' }))
    expect(win.postMessage).not.toHaveBeenCalled()
    win.dispatch(new KeyboardEvent('keydown', { key: 'Escape' }))
    expect(win.postMessage).toHaveBeenCalledWith({ message: 'epframe.escape', guid: 'g-1', data: {} }, PARENT_ORIGIN)
  })

  it('listens to nothing when the page is not framed for a known parent', () => {
    const win = aListeningWindow()
    const add = vi.spyOn(win, 'addEventListener')
    createParentBridge(win, { parentOrigin: undefined, guid: 'g-1' }, document.documentElement).listen(() => {})
    expect(add).not.toHaveBeenCalled()
  })
})

describe('answerWidget on the real page', () => {
  let bridge: ParentBridge & { posts: unknown[] }
  afterEach(() => vi.restoreAllMocks())

  async function pageWithForm(pay = [aPaymentState({ status: 'success' })]) {
    const posts: unknown[] = []
    bridge = { post: (message, data) => void posts.push({ message, data }), watchSize: () => () => {}, listen: () => () => {}, posts }
    const { api, payBodies } = fakeApi({ pay })
    await renderPage(aStore(api))
    await waitForState('form')
    return { answer: answerWidget(bridge, document), payBodies }
  }
  const ask = (answer: (m: WidgetMessage) => void, message: WidgetMessage['message']) => answer({ message, guid: 'g-1', data: {} })

  it('epframe.focus puts focus on the first field', async () => {
    const { answer } = await pageWithForm()
    ;(document.activeElement as HTMLElement | null)?.blur()
    ask(answer, 'epframe.focus')
    expect(document.activeElement).toBe(input('cc-number'))
  })

  it('check_validation shows and returns the errors of an empty form, and pays nothing', async () => {
    const { answer, payBodies } = await pageWithForm()
    ask(answer, 'epframe.embedded_mode.check_validation')
    const [reply] = bridge.posts as Array<{ message: string; data: Record<string, string> }>
    expect(reply!.message).toBe('epframe.embedded_mode.check_validation_response')
    expect(Object.keys(reply!.data).sort()).toEqual(['cvc', 'expiry', 'holder', 'number'])
    for (const text of Object.values(reply!.data)) expect(text).toMatch(/\w/)
    await waitFor(() => expect(input('cc-number').getAttribute('aria-invalid')).toBe('true'))
    expect(payBodies).toEqual([])
  })

  it('check_validation of a filled form answers {}, and submit pays with it', async () => {
    const { answer, payBodies } = await pageWithForm()
    fillCard()
    ask(answer, 'epframe.embedded_mode.check_validation')
    expect(bridge.posts).toEqual([{ message: 'epframe.embedded_mode.check_validation_response', data: {} }])
    ask(answer, 'epframe.embedded_mode.submit')
    await waitForState('success')
    expect(payBodies).toHaveLength(1)
    expect(payBodies[0]).toMatchObject({ method: 'card' })
  })

  it('never answers "valid" when no card form is on screen', async () => {
    const { answer } = await pageWithForm()
    fillCard()
    ask(answer, 'epframe.embedded_mode.submit')
    await waitForState('success')
    ask(answer, 'epframe.embedded_mode.check_validation')
    expect(bridge.posts).toEqual([{ message: 'epframe.embedded_mode.check_validation_response', data: { form: 'unavailable' } }])
  })
})
