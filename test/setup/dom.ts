import { cleanup } from '@testing-library/preact'
import { afterAll, afterEach } from 'vitest'

// jsdom lays nothing out, so it has no scrollIntoView; browsers all do. The widget's own
// window (where the built merchant.js runs) shares these prototypes.
Element.prototype.scrollIntoView ??= function scrollIntoView() {}

afterEach(() => {
  cleanup()
})

// Preact's hooks run effects after the next frame, with a 35 ms timer as the fallback that then
// calls cancelAnimationFrame. A timer still pending when the file's jsdom is torn down would call
// it after the global is gone: the file waits those timers out instead.
afterAll(async () => {
  await new Promise((resolve) => setTimeout(resolve, 100))
})
