import type { ComponentChildren } from 'preact'
import type { CardBrand } from '../card/card-brand.ts'

const TEXT = { 'font-family': 'Arial,Helvetica,sans-serif', 'font-weight': 700, 'text-anchor': 'middle', fill: '#fff' } as const

const label = (text: string, size = 10, y = 17) => (
  <text {...TEXT} x="20" y={y} font-size={size}>
    {text}
  </text>
)

const circles = (left: string, right: string) => (
  <>
    <circle cx="16" cy="13" r="7" fill={left} />
    <circle cx="24" cy="13" r="7" fill={right} fill-opacity="0.85" />
  </>
)

const stripes = (colours: readonly [string, string, string]) =>
  colours.map((fill, i) => <rect key={fill} x={4 + i * 11} y="4" width="10" height="18" rx="2" fill={fill} />)

/**
 * Simple marks for the schemes the form detects: a coloured tile with the scheme's colours and
 * short name, recognisable at a glance, not the schemes' artwork. Bodies are functions: Preact
 * must get fresh vnodes when two cards of one scheme are on the page.
 */
const ICONS: Record<CardBrand, { bg: string; body: () => ComponentChildren }> = {
  visa: { bg: '#1a1f71', body: () => label('VISA', 11) },
  mastercard: { bg: '#252525', body: () => circles('#eb001b', '#f79e1b') },
  maestro: { bg: '#252525', body: () => circles('#0099df', '#ed0006') },
  mir: { bg: '#0f754e', body: () => label('МИР', 10) },
  amex: { bg: '#1f72cd', body: () => label('AMEX', 9) },
  unionpay: { bg: '#f4f5f7', body: () => <>{stripes(['#d7182a', '#00447c', '#007b84'])}{label('UP', 9)}</> },
  jcb: { bg: '#f4f5f7', body: () => <>{stripes(['#0e4c96', '#d0121b', '#007940'])}{label('JCB', 9)}</> },
}

/** A 40×26 card scheme mark; decorative, so the scheme name must also be given as text. */
export function BrandIcon({ brand }: { brand: CardBrand }) {
  const { bg, body } = ICONS[brand]
  return (
    <svg class="brand-icon" data-brand={brand} viewBox="0 0 40 26" width="40" height="26" aria-hidden="true" focusable="false">
      <rect width="40" height="26" rx="4" fill={bg} stroke="#c4c8cf" stroke-width="1" />
      {body()}
    </svg>
  )
}
