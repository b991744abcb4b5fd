import * as v from 'valibot'
import { ErrorEnvelopeSchema } from '../../../protocol/errors.ts'
import { PayBodySchema, PaymentStateSchema, SavedCardListSchema, SessionViewSchema } from '../../../protocol/schemas/page-api.ts'

/**
 * The page's copy of the API contract: the shared valibot schemas that check every answer and
 * every pay body. A chunk of its own (see load-contract.ts): valibot and the schemas are ~3 KB
 * gzip the first paint does not need, since the first calls run only after it.
 */
export const ANSWERS = { session: SessionViewSchema, state: PaymentStateSchema, savedCards: SavedCardListSchema }
export type AnswerKind = keyof typeof ANSWERS
export type Answer<K extends AnswerKind> = v.InferOutput<(typeof ANSWERS)[K]>

/** The answer as the contract reads it, or undefined when it does not match. */
export function readAnswer<K extends AnswerKind>(kind: K, body: unknown): Answer<K> | undefined {
  const parsed = v.safeParse(ANSWERS[kind], body)
  return parsed.success ? (parsed.output as Answer<K>) : undefined
}

export function readErrorEnvelope(body: unknown): v.InferOutput<typeof ErrorEnvelopeSchema>['error'] | undefined {
  const parsed = v.safeParse(ErrorEnvelopeSchema, body)
  return parsed.success ? parsed.output.error : undefined
}

/**
 * Checks a pay body as the server will: the body to send, or the dot path of the first field
 * the server would refuse (`card.pan`), as its `validation_failed` names it.
 */
export function checkPayBody(body: unknown): { ok: true; body: v.InferOutput<typeof PayBodySchema> } | { ok: false; param?: string } {
  const parsed = v.safeParse(PayBodySchema, body)
  if (parsed.success) return { ok: true, body: parsed.output }
  const param = parsed.issues[0] ? v.getDotPath(parsed.issues[0]) : null
  return param ? { ok: false, param } : { ok: false }
}
