import type { CardBrand } from '../card/card-brand.ts'
import { lazyComponent } from './lazy.tsx'

// The scheme marks show once digits are typed (or with saved cards): their chunk is fetched
// after the first screen, not in the page's first script (issue #15).
const Icon = lazyComponent<{ brand: CardBrand }>(() => import('./BrandIcon.tsx').then((m) => m.BrandIcon))

/** Until the marks are in: an empty box of their size, so nothing moves when they arrive. */
const NO_ICON = <svg class="brand-icon" viewBox="0 0 40 26" width="40" height="26" aria-hidden="true" focusable="false" />

/** BrandIcon, from its own chunk. */
export function LazyBrandIcon({ brand }: { brand: CardBrand }) {
  return <Icon.View brand={brand} fallback={NO_ICON} />
}

export const preloadBrandIcons = Icon.preload
