import { fireEvent, render } from '@testing-library/preact'
import { describe, expect, it } from 'vitest'
import type { CardBrand } from '../../../hosted-page/src/card/card-brand.ts'
import { BrandIcon } from '../../../hosted-page/src/ui/BrandIcon.tsx'
import { aStore, fakeApi } from '../fixtures.ts'
import { input, renderPage, waitForState } from '../page.tsx'

const BRANDS: CardBrand[] = ['visa', 'mastercard', 'mir', 'maestro', 'amex', 'unionpay', 'jcb']

describe('BrandIcon', () => {
  it.each(BRANDS)('draws a small decorative mark for %s', (brand) => {
    const { container } = render(<BrandIcon brand={brand} />)
    const svg = container.querySelector('svg')!
    expect(svg.getAttribute('data-brand')).toBe(brand)
    expect(svg.getAttribute('aria-hidden')).toBe('true')
    expect(svg.getAttribute('viewBox')).toBe('0 0 40 26')
    expect(container.innerHTML.length).toBeLessThan(700)
  })

  it.each([
    ['4242424242424242', 'visa', '4242 4242 4242 4242', 'Visa'],
    ['5555555555554444', 'mastercard', '5555 5555 5555 4444', 'Mastercard'],
    ['2200000000000004', 'mir', '2200 0000 0000 0004', 'Mir'],
    ['6759649826438453', 'maestro', '6759 6498 2643 8453', 'Maestro'],
    ['378282246310005', 'amex', '3782 822463 10005', 'American Express'],
    ['6200000000000005', 'unionpay', '6200 0000 0000 0005', 'UnionPay'],
    ['3528000000000007', 'jcb', '3528 0000 0000 0007', 'JCB'],
  ])('shows %s as %s next to the number, grouped as typed', async (digits, brand, formatted, name) => {
    await renderPage(aStore(fakeApi().api))
    await waitForState('form')
    const number = input('cc-number')
    expect(number.parentElement!.querySelector('svg')).toBeNull()
    fireEvent.input(number, { target: { value: digits } })
    expect(number.value).toBe(formatted)
    expect(number.parentElement!.querySelector('svg')!.getAttribute('data-brand')).toBe(brand)
    expect(document.getElementById('card-number-hint')!.textContent).toBe(`Card type: ${name}`)
    expect(input('cc-csc').maxLength).toBe(brand === 'amex' ? 4 : 3)
  })
})
