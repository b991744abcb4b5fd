import { sign } from '../../signature/signature.ts'
import type { Signable } from '../../signature/string-to-sign.ts'

/**
 * The upstream did not answer usably (timeout, connection refused, 5xx, a body that is not the
 * protocol's): it may or may not have acted, so only a later status query can tell.
 */
export class UpstreamUnavailable extends Error {
  constructor(readonly reason: string) {
    super(`the upstream gateway did not answer usably: ${reason}`)
  }
}

/** The upstream answered with an ECommPay error (`{"status": "error", "code", …}`). */
export type UpstreamRefusal = { kind: 'refused'; httpStatus: number; code: string; message: string }
export type UpstreamAnswer = { kind: 'ok'; body: Record<string, unknown> } | UpstreamRefusal

export type GateClientOptions = {
  url: string
  projectId: number
  secret: string
  timeoutMs: number
  fetch?: typeof fetch
}

/**
 * Signs and posts Gate requests to an upstream speaking the ECommPay Gate protocol.
 * Hint: the card number travels only in this request's body (TLS in production); errors never
 * carry the body or the upstream's raw text, which may echo it.
 */
export function createGateClient(options: GateClientOptions) {
  const base = options.url.replace(/\/+$/, '')
  const doFetch = options.fetch ?? fetch
  return {
    async call(path: string, request: Record<string, Signable>, idempotencyKey?: string): Promise<UpstreamAnswer> {
      const general = { ...(request['general'] as Record<string, Signable> | undefined), project_id: options.projectId }
      const params = { ...request, general }
      const body = JSON.stringify({ ...params, general: { ...general, signature: sign(params, options.secret) } })
      let response: Response
      let text: string
      try {
        response = await doFetch(`${base}${path}`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', ...(idempotencyKey ? { 'Idempotency-Key': idempotencyKey } : {}) },
          body,
          redirect: 'error',
          signal: AbortSignal.timeout(options.timeoutMs),
        })
        text = await response.text()
      } catch (error) {
        throw new UpstreamUnavailable(error instanceof Error && error.name === 'TimeoutError' ? 'timeout' : 'unreachable')
      }
      let parsed: unknown
      try {
        parsed = JSON.parse(text)
      } catch {
        throw new UpstreamUnavailable(`http ${response.status}, not JSON`)
      }
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new UpstreamUnavailable(`http ${response.status}, not an object`)
      const answer = parsed as Record<string, unknown>
      if (response.status >= 500 || response.status === 429) throw new UpstreamUnavailable(`http ${response.status}`)
      if (answer['status'] === 'error' && typeof answer['code'] === 'string') {
        return { kind: 'refused', httpStatus: response.status, code: answer['code'], message: typeof answer['message'] === 'string' ? answer['message'] : '' }
      }
      if (response.status !== 200 || answer['status'] !== 'success') throw new UpstreamUnavailable(`http ${response.status}, unexpected answer`)
      return { kind: 'ok', body: answer }
    },
  }
}

export type GateClient = ReturnType<typeof createGateClient>
