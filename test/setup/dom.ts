import { cleanup } from '@testing-library/preact'
import { afterAll, afterEach } from 'vitest'

afterEach(() => {
  cleanup()
})

// Preact's hooks run effects after the next frame, with a 35 ms timer as the fallback that then
// calls cancelAnimationFrame. A timer still pending when the file's jsdom is torn down would call
// it after the global is gone: the file waits those timers out instead.
afterAll(async () => {
  await new Promise((resolve) => setTimeout(resolve, 100))
})
