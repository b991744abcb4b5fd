import type { Assets } from './deps.ts'

const chunks = new WeakMap<Assets, string | null>()

/**
 * A `<link rel="modulepreload">` of the page's theme chunk (hosted-page/src/theme/apply-theme.ts),
 * for a session with a merchant theme: most pages have none, so the code is not in the first
 * script (issue #15), and a themed page fetches it beside that script rather than after it.
 * Empty when the build has no such chunk.
 */
export function themePreload(assets: Assets, nonce: string): string {
  let name = chunks.get(assets)
  if (name === undefined) {
    name = [...assets.pageFiles.keys()].find((file) => /^apply-theme-[\w-]+\.js$/.test(file)) ?? null
    chunks.set(assets, name)
  }
  return name ? `<link rel="modulepreload" href="/page/assets/${name}" nonce="${nonce}">` : ''
}
