import type { Context } from 'hono'
import * as v from 'valibot'
import { PaymentError } from '../domain/errors.ts'
import { rejectControlCharacters } from './control-characters.ts'

/**
 * Reads a JSON body and validates it with `schema`. Errors name the field (`param`) but never
 * echo the input back: the body may hold card data.
 */
export async function readJson<S extends v.GenericSchema>(c: Context, schema: S): Promise<v.InferOutput<S>> {
  if (!(c.req.header('content-type') ?? '').startsWith('application/json')) {
    throw new PaymentError('validation_failed', 'Content-Type must be application/json')
  }
  let body: unknown
  try {
    body = await c.req.json()
  } catch {
    throw new PaymentError('validation_failed', 'the body is not valid JSON')
  }
  rejectControlCharacters(body)
  const result = v.safeParse(schema, body)
  if (!result.success) {
    const issue = result.issues[0]
    const param = issue ? v.getDotPath(issue) ?? undefined : undefined
    throw new PaymentError('validation_failed', `${param ?? 'body'}: ${issue?.message ?? 'is not valid'}`, param ? { param } : {})
  }
  return result.output
}
