import { createHash } from 'node:crypto'
import type { Context, MiddlewareHandler } from 'hono'
import * as v from 'valibot'
import { PaymentError } from '../domain/errors.ts'
import type { Project } from '../domain/ports.ts'
import { splitSignature } from '../signature/signature.ts'
import { SDK_ALGORITHMS, readAsSignedBy, sdkStringToSign, type SdkAlgorithm } from '../signature/sdk-string-to-sign.ts'
import { stringToSign, type Signable } from '../signature/string-to-sign.ts'
import { createHmac, timingSafeEqual } from 'node:crypto'
import type { AppDeps, AppEnv } from './deps.ts'
import type { KeyedRun } from './keyed-payments.ts'
import { parseStrictJson } from './strict-json.ts'

/** A Gate request whose signature verified: its project, its body and a fingerprint of both. */
export type GateRequest = {
  project: Project
  body: Record<string, Signable>
  /** SHA-256 of the route and the signed parameters: what Idempotency-Key compares, never the body. */
  fingerprint: string
}

/** Hono environment of the Gate routes. */
export type GateEnv = AppEnv & { Variables: { gate: GateRequest; keyed: KeyedRun | undefined } }

/**
 * Verifies a Gate request (SPEC §3, §9): JSON without duplicate keys, `;`, or keys that are
 * empty or hold `:`, a known project, and `general.signature` valid under one of the project's
 * live secrets (current first, then the rotated one during its grace period) as any official
 * SDK's algorithm orders the entries.
 * Hint: nothing of the request is read before the signature verifies, and errors name fields
 * only — the body may hold card data. `general.project_id` may be a number or a string of
 * digits: the SDKs send either.
 */
export function gateSignature(deps: Pick<AppDeps, 'projects'>): MiddlewareHandler<GateEnv> {
  return async (c, next) => {
    if (!(c.req.header('content-type') ?? '').startsWith('application/json')) {
      throw new PaymentError('validation_failed', 'Content-Type must be application/json')
    }
    const body = parseStrictJson(await c.req.text())
    if (!isRecord(body)) throw new PaymentError('validation_failed', 'the body must be a JSON object')
    assertUnambiguous(body, '')
    const general = body['general']
    if (!isRecord(general)) throw new PaymentError('validation_failed', 'general: is required', { param: 'general' })
    const projectId = projectIdOf(general['project_id'])
    if (projectId === undefined) {
      throw new PaymentError('validation_failed', 'general.project_id: must be a positive integer', { param: 'general.project_id' })
    }
    const project = await deps.projects.get(projectId)
    if (!project) throw new PaymentError('unknown_project', 'the project is not known', { param: 'general.project_id' })
    const signature = general['signature']
    if (typeof signature !== 'string' || signature === '') {
      throw new PaymentError('invalid_signature', 'the request is not signed', { param: 'general.signature' })
    }
    const { params } = splitSignature(body as Record<string, Signable>)
    const signer = verifyingSdk(params, signature, project.secrets)
    if (signer === undefined) {
      throw new PaymentError('invalid_signature', 'the signature does not match the parameters', { param: 'general.signature' })
    }
    // The fingerprint is of what the signature covers: Go signs a number's integer part, so a
    // body signed with `24` still verifies with `24.5`, and a fingerprint of the body as sent
    // would let that copy of a signed refund run again (issue 9 item 5).
    const route = SAME_OPERATION[c.req.path] ?? c.req.path
    const fingerprint = createHash('sha256').update(`${c.req.method} ${route}\n${stringToSign(readAsSignedBy(params, signer))}`).digest('hex')
    c.set('gate', { project, body: body as Record<string, Signable>, fingerprint })
    await next()
  }
}

/**
 * Routes that are another name for one operation fingerprint as that operation: the signature
 * does not cover the path, so a signed refund body replayed on the alias would otherwise be a new
 * request and refund a second time (issue 9 item 5).
 */
const SAME_OPERATION: Readonly<Record<string, string>> = { '/v2/payment/refund': '/v2/payment/card/refund' }

/**
 * Validates the verified body of a Gate request with `schema`; a failure is `validation_failed`
 * naming the field (`param`), never echoing its value.
 */
export function gateBody<S extends v.GenericSchema>(c: Context<GateEnv>, schema: S): v.InferOutput<S> {
  const result = v.safeParse(schema, c.get('gate').body)
  if (result.success) return result.output
  const issue = result.issues[0]
  const param = issue ? v.getDotPath(issue) ?? undefined : undefined
  throw new PaymentError('validation_failed', `${param ?? 'body'}: ${issue ? describe(issue) : 'is not valid'}`, param ? { param } : {})
}

// valibot's default messages end in "but received <the value>", which could be a card number:
// only EPay's own messages, or what was expected, go back.
function describe(issue: v.BaseIssue<unknown>): string {
  if (issue.kind === 'schema') return issue.expected ? `must be ${issue.expected}` : 'has the wrong type'
  if (issue.message.includes('received')) return issue.expected ? `is not valid (expected ${issue.expected})` : 'is not valid'
  return issue.message
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** A positive safe integer, given as a JSON number or as a string of digits. */
function projectIdOf(value: unknown): number | undefined {
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^[1-9]\d{0,14}$/.test(value) ? Number(value) : Number.NaN
  return Number.isSafeInteger(n) && n > 0 ? n : undefined
}

/**
 * Refuses what would let one string to sign be read as two bodies (issue 9 item 7):
 * - `;` anywhere: it separates the entries;
 * - `:` in a key: `{"a:":"b"}` and `{"a":"::b"}` both sign as `a:::b` (the PHP escape does not help);
 * - an empty key: `{"x":{"":"v"}}` and `{"x":":v"}` both sign as `x::v`.
 * Hint: a value may hold `:` (URLs, dates): `{"x":{"y":"z"}}` and `{"x":"y:z"}` do sign alike,
 * but every Gate field has one JSON type in the route's schema (the object or the string
 * reading fails it), `return_url` takes a string only as an http(s) URL and an object only
 * with `success`/`decline`, and unknown keys are dropped, so only one reading is ever accepted.
 */
function assertUnambiguous(value: unknown, path: string): void {
  if (typeof value === 'string') {
    if (value.includes(';')) throw new PaymentError('forbidden_character', `${path}: must not contain ";"`, { param: path })
  } else if (Array.isArray(value)) {
    value.forEach((item, i) => assertUnambiguous(item, path ? `${path}.${i}` : String(i)))
  } else if (isRecord(value)) {
    for (const [key, item] of Object.entries(value)) {
      const at = path ? `${path}.${key}` : key
      if (key.includes(';')) throw new PaymentError('forbidden_character', 'a key contains ";"', { param: path || 'body' })
      if (key.includes(':')) throw new PaymentError('forbidden_character', 'a key contains ":"', { param: path || 'body' })
      if (key === '') throw new PaymentError('forbidden_character', 'a key is empty', { param: path || 'body' })
      assertUnambiguous(item, at)
    }
  }
}

/**
 * The first official SDK under whose entry order (SPEC §3) a live secret gives `signature` for
 * `params`, or undefined: each distinct string to sign costs one HMAC per secret. Compared with
 * `timingSafeEqual` after a length check, so timing reveals nothing of a forgery.
 */
function verifyingSdk(params: Record<string, Signable>, signature: string, secrets: readonly string[]): SdkAlgorithm | undefined {
  const given = Buffer.from(signature, 'utf8')
  const tried = new Set<string>()
  for (const sdk of SDK_ALGORITHMS) {
    let toSign: string
    try {
      toSign = sdkStringToSign(params, sdk)
    } catch {
      // The Java signer cannot sign null: that reading does not exist for this body.
      continue
    }
    if (tried.has(toSign)) continue
    tried.add(toSign)
    for (const secret of secrets) {
      const mac = Buffer.from(createHmac('sha512', Buffer.from(secret, 'utf8')).update(toSign, 'utf8').digest('base64'), 'utf8')
      if (mac.length === given.length && timingSafeEqual(mac, given)) return sdk
    }
  }
  return undefined
}
