import fc from 'fast-check'
import * as v from 'valibot'
import { describe, expect, it } from 'vitest'
import { WidgetMessageSchema } from '../../protocol/messages.ts'
import { PayBodySchema, ThemeSchema } from '../../protocol/schemas/page-api.ts'
import { validateCard } from '../../hosted-page/src/card/validate-card.ts'
import { readWidgetMessage } from '../../hosted-page/src/parent/bridge.ts'
import { readTheme } from '../../hosted-page/src/theme/apply-theme.ts'

// The page's first script checks the theme and the widget's messages by hand, without valibot
// (issue #15, critical path); these properties hold the hand checks to the shared schemas.

const colour = fc.oneof(
  fc.stringMatching(/^#[0-9a-fA-F]{6}$/),
  fc.constantFrom('#fff', '#12345g', 'red', '#0a7d5a ', 'url(x)', ''),
  fc.string({ maxLength: 8 }),
)
const anyValue = fc.oneof(fc.string({ maxLength: 6 }), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.constant(undefined))
const themeLike = fc.oneof(
  fc.record(
    {
      accent: fc.oneof(colour, anyValue),
      background: fc.oneof(colour, anyValue),
      text: fc.oneof(colour, anyValue),
      radius: fc.oneof(fc.integer({ min: -2, max: 26 }), fc.double({ min: -1, max: 25 }), anyValue),
      font: fc.oneof(fc.constantFrom('system', 'serif', 'rounded', 'mono', 'Comic Sans', 'toString', '__proto__'), anyValue),
      extra: anyValue,
    },
    { requiredKeys: [] },
  ),
  fc.array(anyValue, { maxLength: 2 }),
  anyValue,
)

describe('readTheme', () => {
  it('accepts exactly what ThemeSchema accepts, and reads the same values', () => {
    fc.assert(
      fc.property(themeLike, (theme) => {
        const parsed = v.safeParse(ThemeSchema, theme)
        const read = readTheme(theme)
        expect(read !== undefined).toBe(parsed.success)
        if (parsed.success) {
          for (const key of ['accent', 'background', 'text', 'radius', 'font'] as const) expect(read?.[key]).toEqual(parsed.output[key])
        }
      }),
      { numRuns: 3000 },
    )
  })
})

describe('readWidgetMessage', () => {
  const message = fc.oneof(
    fc.constantFrom('epframe.close', 'epframe.focus', 'epframe.embedded_mode.check_validation', 'epframe.embedded_mode.submit', 'epframe.loaded', 'close', 'toString'),
    anyValue,
  )
  const messageLike = fc.oneof(
    fc.record(
      { message, guid: fc.oneof(fc.string({ maxLength: 4 }), anyValue), data: fc.oneof(fc.constant({}), fc.constant({ a: 1 }), fc.constant([]), anyValue), other: anyValue },
      { requiredKeys: [] },
    ),
    anyValue,
  )

  it('accepts exactly what WidgetMessageSchema accepts, and hands on the same message', () => {
    fc.assert(
      fc.property(messageLike, (value) => {
        const parsed = v.safeParse(WidgetMessageSchema, value)
        const read = readWidgetMessage(value)
        expect(read !== null).toBe(parsed.success)
        if (parsed.success) expect(read).toEqual(parsed.output)
      }),
      { numRuns: 3000 },
    )
  })
})

describe('validateCard', () => {
  it('builds only cards PayBodySchema accepts', () => {
    const digits = (min: number, max: number) => fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: min, maxLength: max })
    const input = fc.record({
      number: fc.oneof(digits(10, 21), fc.constantFrom('4242 4242 4242 4242', '3782 822463 10005', '5555555555554444', '2200000000000004')),
      expiry: fc.oneof(fc.tuple(fc.integer({ min: 0, max: 13 }), fc.integer({ min: 0, max: 99 })).map(([m, y]) => `${String(m).padStart(2, '0')}/${String(y).padStart(2, '0')}`), fc.string({ maxLength: 7 })),
      cvc: fc.oneof(digits(2, 5), fc.string({ maxLength: 5 })),
      holder: fc.oneof(fc.string({ maxLength: 120 }), fc.constantFrom(' Jane Doe ', 'x'.repeat(100), ` ${'y'.repeat(100)} `)),
    })
    let accepted = 0
    fc.assert(
      fc.property(input, (fields) => {
        const result = validateCard(fields, new Date(2026, 4, 15))
        if (!result.ok) return
        accepted++
        expect(v.safeParse(PayBodySchema, { method: 'card', card: result.card }).success).toBe(true)
      }),
      { numRuns: 5000 },
    )
    // The property must have met valid cards, or it says nothing.
    expect(accepted).toBeGreaterThan(0)
  })
})
