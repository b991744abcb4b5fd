import type { Assets } from './deps.ts'

/** The places in the built page that change per answer. */
type Slot = 'nonce' | 'lang' | 'title' | 'app' | 'boot'
export type PageTemplate = { parts: readonly string[]; slots: readonly Slot[] }

const MARK = (slot: Slot) => `\u0000${slot}\u0000`
const compiled = new WeakMap<Assets, PageTemplate>()

/**
 * The built index.html cut once into constant parts and slots, so an answer is one join: no
 * regular expression over ~8 KB of HTML and CSS per request. Tags get the nonce attribute as
 * withNonce gives it.
 */
export function pageTemplate(assets: Assets): PageTemplate {
  let template = compiled.get(assets)
  if (!template) {
    const marked = assets.pageHtml
      .replace(/<(script|style|link)\b/g, `<$1 nonce="${MARK('nonce')}"`)
      .replace(/<html lang="[^"]*"/, `<html lang="${MARK('lang')}"`)
      .replace(/<title>[^<]*<\/title>/, `<title>${MARK('title')}</title>`)
      .replace('<div id="app"></div>', `<div id="app">${MARK('app')}</div>`)
      .replace('<!--epay-boot-->', MARK('boot'))
    const pieces = marked.split(/\u0000(nonce|lang|title|app|boot)\u0000/)
    template = { parts: pieces.filter((_, i) => i % 2 === 0), slots: pieces.filter((_, i) => i % 2 === 1) as Slot[] }
    compiled.set(assets, template)
  }
  return template
}

/** The page with every slot filled; values are already escaped HTML. */
export function fillPage(template: PageTemplate, values: Record<Slot, string>): string {
  let html = template.parts[0]!
  for (let i = 0; i < template.slots.length; i++) html += values[template.slots[i]!] + template.parts[i + 1]!
  return html
}
