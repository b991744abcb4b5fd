import * as v from 'valibot'
import { ErrorEnvelopeSchema, type ErrorCode } from '../../../protocol/errors.ts'
import {
  PaymentStateSchema,
  SavedCardListSchema,
  SessionViewSchema,
  type PayBody,
  type PaymentState,
  type SavedCard,
  type SessionView,
} from '../../../protocol/schemas/page-api.ts'

/** The server answered with an error envelope (or with a body the contract does not allow). */
export class ApiError extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly status: number,
    message: string,
    readonly param?: string,
  ) {
    super(message)
    this.name = 'ApiError'
  }
}

/**
 * No answer from EPay itself: fetch threw, timed out, or a proxy said 502/503/504.
 * Hint: the outcome of a pay call is then unknown, so callers retry or ask for the status;
 * they never show it as a decline.
 */
export class NetworkError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'NetworkError'
  }
}

/** The hosted page's API, as the checkout store uses it (tests pass a fake). */
export type PageApi = {
  getSession(): Promise<SessionView>
  getStatus(): Promise<PaymentState>
  pay(body: PayBody): Promise<PaymentState>
  /** Deletes one of the customer's saved cards; resolves to the cards that remain. */
  deleteSavedCard(token: string): Promise<SavedCard[]>
}

export type PageApiOptions = {
  fetch?: typeof fetch
  /** Prefix of `/api/page/…`; empty means same origin. */
  baseUrl?: string
  timeoutMs?: number
  /**
   * The session view the server put in the boot block: the first getSession() answers from it
   * (after the same schema check) and saves a round trip before the first paint.
   */
  bootSession?: unknown
}

const GATEWAY_STATUSES = new Set([502, 503, 504])

/** `DELETE /api/page/saved-cards/:token` answer: the customer's remaining cards. */

/**
 * Creates the API client for one session token. The token lives only in this closure and in
 * the Authorization header: never in a URL, a cookie or a log line (SPEC §5).
 */
export function createPageApi(token: string, options: PageApiOptions = {}): PageApi {
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis)
  const baseUrl = options.baseUrl ?? ''
  const timeoutMs = options.timeoutMs ?? 20_000
  let bootSession = options.bootSession

  async function call<S extends v.GenericSchema>(
    schema: S,
    path: string,
    init: { method?: 'GET' | 'POST' | 'DELETE'; json?: unknown } = {},
  ): Promise<v.InferOutput<S>> {
    const { json, method = json === undefined ? 'GET' : 'POST' } = init
    const headers: Record<string, string> = { Accept: 'application/json', Authorization: `Bearer ${token}` }
    if (json !== undefined) headers['Content-Type'] = 'application/json'
    let res: Response
    try {
      res = await doFetch(baseUrl + path, {
        method,
        headers,
        body: json === undefined ? undefined : JSON.stringify(json),
        cache: 'no-store',
        credentials: 'same-origin',
        signal: typeof AbortSignal.timeout === 'function' ? AbortSignal.timeout(timeoutMs) : undefined,
      })
    } catch (cause) {
      throw new NetworkError('request failed', { cause })
    }
    if (GATEWAY_STATUSES.has(res.status)) throw new NetworkError(`gateway answered ${res.status}`)

    let body: unknown
    try {
      body = await res.json()
    } catch (cause) {
      // A cut connection mid-body is a network failure; a 2xx that is not JSON is a broken server.
      if (cause instanceof SyntaxError) body = undefined
      else throw new NetworkError('response interrupted', { cause })
    }

    if (res.ok) {
      const parsed = v.safeParse(schema, body)
      if (parsed.success) return parsed.output
      throw new ApiError('internal_error', res.status, 'response does not match the contract')
    }
    const envelope = v.safeParse(ErrorEnvelopeSchema, body)
    if (!envelope.success) throw new ApiError('internal_error', res.status, `unexpected ${res.status} answer`)
    const { code, message, param } = envelope.output.error
    throw new ApiError(code, res.status, message, param)
  }

  return {
    getSession: () => {
      const boot = bootSession
      bootSession = undefined
      const parsed = boot === undefined ? undefined : v.safeParse(SessionViewSchema, boot)
      return parsed?.success ? Promise.resolve(parsed.output) : call(SessionViewSchema, '/api/page/session')
    },
    getStatus: () => call(PaymentStateSchema, '/api/page/status'),
    pay: (body) => call(PaymentStateSchema, '/api/page/pay', { json: body }),
    deleteSavedCard: async (cardToken) =>
      (await call(SavedCardListSchema, `/api/page/saved-cards/${encodeURIComponent(cardToken)}`, { method: 'DELETE' })).saved_cards,
  }
}
