import type { ErrorCode } from '../../../protocol/errors.ts'
import type { PayBody, PaymentState, SavedCard, SessionView } from '../../../protocol/schemas/page-api.ts'
import type { AnswerKind, Answer } from './contract.ts'
import { loadContract } from './load-contract.ts'

/** The server answered with an error envelope (or with a body the contract does not allow). */
export class ApiError extends Error {
  // Assigned, not class fields: at the page's ES2020 target fields compile to helper code.
  declare readonly code: ErrorCode
  declare readonly status: number
  declare readonly param?: string
  constructor(code: ErrorCode, status: number, message: string, param?: string) {
    super(message)
    this.name = 'ApiError'
    Object.assign(this, { code, status, param })
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

  // Every answer is checked against the contract; its chunk loads alongside the request.
  async function contract() {
    try {
      return await loadContract()
    } catch (cause) {
      throw new NetworkError('contract chunk not loaded', { cause })
    }
  }

  async function call<K extends AnswerKind>(
    kind: K,
    path: string,
    init: { method?: 'GET' | 'POST' | 'DELETE'; json?: unknown } = {},
  ): Promise<Answer<K>> {
    const checks = contract()
    // Not yet awaited: a rejection here is the request's own, seen after the fetch.
    checks.catch(() => {})
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

    const { readAnswer, readErrorEnvelope } = await checks
    if (res.ok) {
      const answer = readAnswer(kind, body)
      if (answer !== undefined) return answer
      throw new ApiError('internal_error', res.status, 'response does not match the contract')
    }
    const error = readErrorEnvelope(body)
    if (!error) throw new ApiError('internal_error', res.status, `unexpected ${res.status} answer`)
    throw new ApiError(error.code, res.status, error.message, error.param)
  }

  return {
    getSession: async () => {
      const boot = bootSession
      bootSession = undefined
      const answer = boot === undefined ? undefined : (await contract()).readAnswer('session', boot)
      return answer ?? call('session', '/api/page/session')
    },
    getStatus: () => call('state', '/api/page/status'),
    pay: async (body) => {
      // Never send what the server would refuse: refused here just as it would refuse it.
      const checked = (await contract()).checkPayBody(body)
      if (!checked.ok) throw new ApiError('validation_failed', 400, 'the pay body does not match the contract', checked.param)
      return call('state', '/api/page/pay', { json: checked.body })
    },
    deleteSavedCard: async (cardToken) =>
      (await call('savedCards', `/api/page/saved-cards/${encodeURIComponent(cardToken)}`, { method: 'DELETE' })).saved_cards,
  }
}
