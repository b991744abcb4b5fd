import { cleanup } from '@testing-library/preact'
import { afterEach } from 'vitest'

// jsdom lays nothing out, so it has no scrollIntoView; browsers all do. The widget's own
// window (where the built merchant.js runs) shares these prototypes.
Element.prototype.scrollIntoView ??= function scrollIntoView() {}

afterEach(() => {
  cleanup()
})
