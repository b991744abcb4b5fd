import type { Theme } from '../../../protocol/schemas/page-api.ts'

/** Font stacks per `theme.font`: the merchant picks a name, never a font-family string. */
const FONTS: Record<NonNullable<Theme['font']>, string> = {
  system: "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif",
  serif: "Georgia, Cambria, 'Times New Roman', Times, serif",
  rounded: "ui-rounded, 'SF Pro Rounded', 'Arial Rounded MT Bold', 'Nunito', system-ui, sans-serif",
  mono: "ui-monospace, SFMono-Regular, Menlo, Consolas, 'Liberation Mono', monospace",
}

/** Every property a theme may set; the rest of the look comes from styles.css only. */
const PROPERTIES = ['--ep-accent', '--ep-accent-text', '--ep-bg', '--ep-surface', '--ep-text', '--ep-muted', '--ep-radius', '--ep-font'] as const

const COLOUR = /^#[0-9a-fA-F]{6}$/
const THEME_KEYS: ReadonlySet<string> = new Set(['accent', 'background', 'text', 'radius', 'font'])

/**
 * The theme exactly as ThemeSchema (protocol/schemas/page-api.ts) accepts it, else undefined:
 * written out by hand so the first script needs no valibot; a property test holds the two equal.
 */
export function readTheme(value: unknown): Theme | undefined {
  if (typeof value !== 'object' || value === null) return undefined
  const theme = value as Record<string, unknown>
  if (Object.keys(theme).some((key) => !THEME_KEYS.has(key))) return undefined
  const { accent, background, text, radius, font } = theme
  const colour = (c: unknown) => c === undefined || (typeof c === 'string' && COLOUR.test(c))
  if (!colour(accent) || !colour(background) || !colour(text)) return undefined
  if (radius !== undefined && !(Number.isInteger(radius) && (radius as number) >= 0 && (radius as number) <= 24)) return undefined
  if (font !== undefined && !(typeof font === 'string' && Object.hasOwn(FONTS, font))) return undefined
  return theme as Theme
}

/** WCAG relative luminance of a `#rrggbb` colour. */
function luminance(hex: string): number {
  const channel = (i: number) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4
  }
  return 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5)
}

/** White or near-black, whichever reads better on the accent (button text). */
function textOn(hex: string): string {
  const l = luminance(hex)
  return (l + 0.05) / 0.05 > 1.05 / (l + 0.05) ? '#111111' : '#ffffff'
}

/**
 * Applies the merchant's theme as CSS custom properties on `root` through the CSSOM, which the
 * page's CSP allows (unlike style attributes or `<style>` with merchant data). The value is
 * checked again as ThemeSchema checks it (readTheme), so only `#rrggbb` colours, a 0–24 radius and a known font
 * name ever reach the DOM: nothing a merchant sends can become a `url(…)`, an `expression` or
 * another declaration. Anything invalid, or no theme, leaves the built-in look.
 */
export function applyTheme(root: HTMLElement, theme: unknown): void {
  for (const property of PROPERTIES) root.style.removeProperty(property)
  root.removeAttribute('data-ep-palette')
  const parsed = readTheme(theme)
  if (!parsed) return
  const { accent, background, text, radius, font } = parsed
  const set = (property: (typeof PROPERTIES)[number], value: string) => root.style.setProperty(property, value)
  if (accent) {
    set('--ep-accent', accent)
    set('--ep-accent-text', textOn(accent))
  }
  if (background) {
    set('--ep-bg', background)
    set('--ep-surface', background)
  }
  if (text) set('--ep-text', text)
  // The merchant's own colours win over the shopper's dark preference: a dark page around a
  // merchant's light background (or the reverse) would pair colours nobody checked.
  if (background || text) root.setAttribute('data-ep-palette', 'merchant')
  // The secondary text colour follows the merchant's pair instead of a grey picked for white.
  if (background || text) set('--ep-muted', 'color-mix(in srgb, var(--ep-text) 78%, var(--ep-surface))')
  if (radius !== undefined) set('--ep-radius', `${radius}px`)
  if (font) set('--ep-font', FONTS[font])
}
