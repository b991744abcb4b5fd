/**
 * Creates an element styled through CSSOM properties, with `props` set on it: unlike a
 * `<style>` element or a style attribute, these are not blocked by a merchant's strict CSP
 * (no `'unsafe-inline'`).
 */
export function element<K extends keyof HTMLElementTagNameMap>(tag: K, style: Partial<CSSStyleDeclaration> = {}, props: Partial<HTMLElementTagNameMap[K]> = {}): HTMLElementTagNameMap[K] {
  const node = Object.assign(document.createElement(tag), props)
  Object.assign(node.style, style)
  return node
}
