import { describe, expect, it, vi } from 'vitest'
import { createParentBridge } from '../../../hosted-page/src/parent/bridge.ts'
import { PARENT_ORIGIN, aFramedWindow } from '../fixtures.ts'

const target = { parentOrigin: PARENT_ORIGIN, guid: 'g-1' }

describe('createParentBridge', () => {
  it('posts {message, guid, data} to the exact parent origin', () => {
    const win = aFramedWindow()
    createParentBridge(win, target, document.documentElement).post('epframe.loaded', {})
    expect(win.postMessage).toHaveBeenCalledWith({ message: 'epframe.loaded', guid: 'g-1', data: {} }, PARENT_ORIGIN)
  })

  it('posts nothing when the page is not framed', () => {
    const postMessage = vi.fn()
    const win = { parent: { postMessage } } as { parent: unknown; postMessage: typeof postMessage }
    win.parent = win
    createParentBridge(win as never, target, document.documentElement).post('epframe.loaded', {})
    expect(postMessage).not.toHaveBeenCalled()
  })

  it.each([
    { parentOrigin: undefined, guid: 'g-1' },
    { parentOrigin: PARENT_ORIGIN, guid: undefined },
    { parentOrigin: '*', guid: 'g-1' },
    { parentOrigin: 'https://shop.example/path', guid: 'g-1' },
    { parentOrigin: 'javascript:alert(1)', guid: 'g-1' },
  ])('posts nothing without an exact origin and a guid: %j', (bad) => {
    const win = aFramedWindow()
    createParentBridge(win, bad, document.documentElement).post('epframe.loaded', {})
    expect(win.postMessage).not.toHaveBeenCalled()
  })

  it('reports the size only when it changes', () => {
    const win = aFramedWindow()
    let notify = () => {}
    const size = { w: 400, h: 600 }
    const root = {
      get scrollWidth() { return size.w },
      getBoundingClientRect: () => ({ height: size.h - 0.4 }),
    } as unknown as Element
    class FakeObserver {
      constructor(callback: () => void) { notify = callback }
      observe() {}
      disconnect() {}
    }
    const stop = createParentBridge({ ...win, ResizeObserver: FakeObserver as never }, target, root).watchSize()
    // At once, before the observer's first call: the widget sizes the frame before onLoaded.
    expect(win.postMessage).toHaveBeenCalledTimes(1)
    notify()
    notify()
    size.h = 720
    notify()
    stop()
    expect(win.postMessage.mock.calls.map(([m]) => m)).toEqual([
      { message: 'epframe.resize', guid: 'g-1', data: { width: 400, height: 600 } },
      { message: 'epframe.resize', guid: 'g-1', data: { width: 400, height: 720 } },
    ])
  })
})
