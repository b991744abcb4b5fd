/**
 * Creates an element styled through CSSOM properties: unlike a `<style>` element or a style
 * attribute, these are not blocked by a merchant's strict CSP (no `'unsafe-inline'`).
 */
export function element<K extends keyof HTMLElementTagNameMap>(tag: K, style: Partial<CSSStyleDeclaration> = {}): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag)
  Object.assign(node.style, style)
  return node
}
