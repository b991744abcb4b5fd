import * as v from 'valibot'
import { ErrorEnvelopeSchema, type ErrorCode } from '../../../protocol/errors.ts'
import { CSRF_HEADER, type Endpoint } from '../../../protocol/schemas/dashboard/endpoints.ts'

/** An error answer of the dashboard API, with its stable code and the field it concerns. */
export class ApiError extends Error {
  constructor(readonly status: number, readonly code: ErrorCode | 'network_error' | 'bad_response', message: string, readonly param?: string) {
    super(message)
    this.name = 'ApiError'
  }
}

let csrfToken = ''
/** Set from `GET /me`; sent on every mutating call (the server also checks the Origin). */
export function setCsrfToken(token: string): void {
  csrfToken = token
}

let onUnauthenticated: () => void = () => undefined
/** What to do when the session is gone (idle timeout, revoked elsewhere): back to sign-in. */
export function whenSignedOut(handler: () => void): void {
  onUnauthenticated = handler
}

type Options<E extends Endpoint> = {
  params?: Record<string, string | number>
  body?: E['body'] extends v.GenericSchema ? v.InferInput<E['body']> : never
  query?: Record<string, string | number | undefined>
}

/** The URL of an endpoint with its path parameters and query filled in. */
export function endpointUrl(endpoint: Endpoint, options: { params?: Record<string, string | number>; query?: Record<string, string | number | undefined> } = {}): string {
  const path = endpoint.path.replace(/:(\w+)/g, (_m, name: string) => encodeURIComponent(String(options.params?.[name] ?? '')))
  const query = new URLSearchParams()
  for (const [k, val] of Object.entries(options.query ?? {})) if (val !== undefined && val !== '') query.set(k, String(val))
  const qs = query.toString()
  return qs ? `${path}?${qs}` : path
}

/**
 * Calls one endpoint of ENDPOINTS and parses the answer with its schema: the same schemas the
 * server validates with, so a response that breaks the contract fails here, loudly.
 */
export async function call<E extends Endpoint>(endpoint: E, options: Options<E> = {}): Promise<v.InferOutput<E['response']>> {
  const headers: Record<string, string> = { accept: 'application/json' }
  if (endpoint.method !== 'GET') headers[CSRF_HEADER] = csrfToken || 'sign-in'
  if (options.body !== undefined) headers['content-type'] = 'application/json'
  let res: Response
  try {
    res = await fetch(endpointUrl(endpoint, options), {
      method: endpoint.method,
      headers,
      credentials: 'same-origin',
      ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
    })
  } catch {
    throw new ApiError(0, 'network_error', 'network error')
  }
  return parseAnswer(endpoint, res)
}

/** Sends a file as multipart/form-data (field `name`) to an upload endpoint, CSRF header and all. */
export async function upload<E extends Endpoint>(endpoint: E, params: Record<string, string | number>, name: string, file: File): Promise<v.InferOutput<E['response']>> {
  const form = new FormData()
  form.append(name, file)
  let res: Response
  try {
    res = await fetch(endpointUrl(endpoint, { params }), { method: endpoint.method, headers: { accept: 'application/json', [CSRF_HEADER]: csrfToken }, credentials: 'same-origin', body: form })
  } catch {
    throw new ApiError(0, 'network_error', 'network error')
  }
  return parseAnswer(endpoint, res)
}

async function parseAnswer<E extends Endpoint>(endpoint: E, res: Response): Promise<v.InferOutput<E['response']>> {
  const json: unknown = await res.json().catch(() => undefined)
  if (!res.ok) {
    const parsed = v.safeParse(ErrorEnvelopeSchema, json)
    if (!parsed.success) throw new ApiError(res.status, 'bad_response', `HTTP ${res.status}`)
    const { code, message, param } = parsed.output.error
    if (code === 'unauthenticated') onUnauthenticated()
    throw new ApiError(res.status, code, message, param)
  }
  const parsed = v.safeParse(endpoint.response, json)
  if (!parsed.success) throw new ApiError(res.status, 'bad_response', 'unexpected answer')
  return parsed.output
}
