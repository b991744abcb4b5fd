import type { PayBody } from '../../../protocol/schemas/page-api.ts'
import { cvcLength, detectBrand, panLengths } from './card-brand.ts'
import { isExpiryInPast, isExpiryTooFar, parseExpiry } from './expiry.ts'
import { digitsOnly } from './format.ts'
import { isLuhnValid } from '../../../protocol/card.ts'

export type CardField = 'number' | 'expiry' | 'cvc' | 'holder'
export const CARD_FIELDS: readonly CardField[] = ['number', 'expiry', 'cvc', 'holder']

/** What the shopper typed, as shown in the inputs. */
export type CardInput = Record<CardField, string>

/** Why a field is refused; the form turns it into a message of the shopper's language. */
export type CardFieldError =
  | 'number_required' | 'number_incomplete' | 'number_invalid'
  | 'expiry_required' | 'expiry_invalid' | 'expiry_past'
  | 'cvc_required' | 'cvc_invalid'
  | 'holder_required' | 'holder_invalid'

export type CardFieldErrors = Partial<Record<CardField, CardFieldError>>

/** The pay body of a new card, and its card object. */
export type CardPayBody = Extract<PayBody, { method: 'card' }>
export type PayCard = CardPayBody['card']

/** Checks a security code against the length the card's scheme prints. */
export function cvcError(value: string, length: number): 'cvc_required' | 'cvc_invalid' | undefined {
  const cvc = value.trim()
  if (!cvc) return 'cvc_required'
  return /^\d+$/.test(cvc) && cvc.length === length ? undefined : 'cvc_invalid'
}

/** Checks one field as the shopper leaves it (and all of them on submit). */
export function validateField(field: CardField, input: CardInput, now: Date): CardFieldError | undefined {
  switch (field) {
    case 'number': {
      const pan = digitsOnly(input.number)
      if (!pan) return 'number_required'
      if (!panLengths(detectBrand(pan)).includes(pan.length)) {
        return pan.length < Math.min(...panLengths(detectBrand(pan))) ? 'number_incomplete' : 'number_invalid'
      }
      return isLuhnValid(pan) ? undefined : 'number_invalid'
    }
    case 'expiry': {
      if (!input.expiry.trim()) return 'expiry_required'
      const expiry = parseExpiry(input.expiry)
      if (!expiry || isExpiryTooFar(expiry, now)) return 'expiry_invalid'
      return isExpiryInPast(expiry, now) ? 'expiry_past' : undefined
    }
    case 'cvc':
      return cvcError(input.cvc, cvcLength(detectBrand(digitsOnly(input.number))))
    case 'holder': {
      const holder = input.holder.trim()
      if (!holder) return 'holder_required'
      return holder.length > 100 ? 'holder_invalid' : undefined
    }
  }
}

/** The wire field a server `param` names, e.g. `card.exp_year` → the expiry input. */
export function fieldForParam(param: string | undefined): CardField | undefined {
  switch (param?.replace(/^card\./, '')) {
    case 'pan': return 'number'
    case 'exp_month': case 'exp_year': return 'expiry'
    case 'cvc': return 'cvc'
    case 'holder': return 'holder'
    default: return undefined
  }
}

const FIELD_ERROR_FOR_PARAM: Record<CardField, CardFieldError> = {
  number: 'number_invalid', expiry: 'expiry_invalid', cvc: 'cvc_invalid', holder: 'holder_invalid',
}

/** The error shown on a field the server refused. */
export function serverFieldError(field: CardField): CardFieldError {
  return FIELD_ERROR_FOR_PARAM[field]
}

export type CardValidation =
  | { ok: true; card: PayCard }
  | { ok: false; errors: CardFieldErrors }

/**
 * Validates the whole form and builds the `POST /api/page/pay` card. The API client checks the
 * body against the shared PayBodySchema before sending (api/client.ts), so the page never sends
 * what the server would refuse; a field refused there comes back as a notice naming it.
 */
export function validateCard(input: CardInput, now: Date): CardValidation {
  const errors: CardFieldErrors = {}
  for (const field of CARD_FIELDS) {
    const error = validateField(field, input, now)
    if (error) errors[field] = error
  }
  if (Object.keys(errors).length > 0) return { ok: false, errors }
  const expiry = parseExpiry(input.expiry)!
  return {
    ok: true,
    card: { pan: digitsOnly(input.number), exp_month: expiry.month, exp_year: expiry.year, cvc: input.cvc.trim(), holder: input.holder.trim() },
  }
}
