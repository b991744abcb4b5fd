import { describe, expect, it } from 'vitest'
import type { Assets } from '../../../server/http/deps.ts'
import { themePreload } from '../../../server/http/theme-preload.ts'

const assets = (names: string[]): Assets => ({
  pageHtml: '',
  pageFiles: new Map(names.map((name) => [name, { body: new ArrayBuffer(0), type: 'text/javascript' }])),
  widget: undefined,
  demoHtml: undefined,
})

// A themed page fetches the theme chunk beside its first script, under the page's nonce.
describe('themePreload', () => {
  it("names the build's theme chunk with the answer's nonce", () => {
    const built = assets(['index-Ab1.js', 'apply-theme-Cs_N-1Z.js', 'ru-BoP-MGM9.js'])
    expect(themePreload(built, 'n0nce+/=')).toBe('<link rel="modulepreload" href="/page/assets/apply-theme-Cs_N-1Z.js" nonce="n0nce+/=">')
    // Looked up once per build; the nonce is the answer's own.
    expect(themePreload(built, 'other')).toContain('nonce="other"')
  })

  it('is empty for a build without a theme chunk, never a link to nothing', () => {
    expect(themePreload(assets(['index-Ab1.js', 'apply-theme-x.js.gz']), 'n')).toBe('')
  })
})
