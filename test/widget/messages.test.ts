import * as v from 'valibot'
import { describe, expect, it } from 'vitest'
import { PageMessageSchema, callbackNameFor } from '../../protocol/messages.ts'
import { callbackName, readPageMessage } from '../../widget/src/messages.ts'
import { MALFORMED_MESSAGES, VALID_MESSAGES } from './fixtures.ts'

describe('callbackName', () => {
  it.each([
    ['epframe.loaded', 'onLoaded'],
    ['epframe.resize', 'onResize'],
    ['epframe.exit', 'onExit'],
    ['epframe.destroy', 'onDestroy'],
    ['epframe.redirect', 'onRedirect'],
    ['epframe.payment.sent', 'onPaymentSent'],
    ['epframe.payment.success', 'onPaymentSuccess'],
    ['epframe.payment.fail', 'onPaymentFail'],
    ['epframe.card.verify.success', 'onCardVerifySuccess'],
    ['epframe.card.verify.fail', 'onCardVerifyFail'],
    ['epframe.fail_loading', 'onFailLoading'],
    ['epframe.payment-info', 'onPaymentInfo'],
  ])('names %s → %s, as protocol/messages.ts does', (message, name) => {
    expect(callbackName(message)).toBe(name)
    expect(callbackNameFor(message)).toBe(name)
  })
})

describe('readPageMessage', () => {
  // The widget cannot ship valibot, so its guard is a hand-written twin of the protocol's schema.
  it.each(VALID_MESSAGES.map((m) => [m.message, m] as const))('accepts %s like PageMessageSchema', (_, message) => {
    expect(v.safeParse(PageMessageSchema, message).success).toBe(true)
    expect(readPageMessage(message)).toEqual(message)
    expect(readPageMessage(JSON.stringify(message))).toEqual(message)
  })

  it.each(MALFORMED_MESSAGES.map((m) => [JSON.stringify(m) ?? String(m), m] as const))('rejects %s like PageMessageSchema', (_, message) => {
    expect(v.safeParse(PageMessageSchema, message).success).toBe(false)
    expect(readPageMessage(message)).toBeUndefined()
  })

  it('also accepts epframe names the protocol does not list, so a newer page still reaches its on* callback', () => {
    const message = { message: 'epframe.payment.info.shown', guid: 'g', data: { payment_id: 'p-1', status: 'new' } }
    const other = { message: 'epframe.theme.changed', guid: 'g', data: {} }
    expect(v.safeParse(PageMessageSchema, message).success).toBe(false)
    expect(readPageMessage(message)).toEqual(message)
    expect(readPageMessage(other)).toEqual(other)
  })

  it('rejects a JSON string that is not an object', () => {
    for (const raw of ['null', '42', '"epframe.loaded"', '[]', '']) expect(readPageMessage(raw)).toBeUndefined()
  })
})
