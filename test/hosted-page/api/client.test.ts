import { describe, expect, it, vi } from 'vitest'
import { ApiError, NetworkError, createPageApi } from '../../../hosted-page/src/api/client.ts'
import { aPaymentState, aSavedCard, aSession } from '../fixtures.ts'

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } })

const envelope = (code: string, extra: Record<string, string> = {}) => ({
  error: { type: 'invalid_request_error', code, message: 'refused', request_id: 'req_1', ...extra },
})

function apiAnswering(response: Response | Error) {
  const fetch = vi.fn<typeof globalThis.fetch>(async () => {
    if (response instanceof Error) throw response
    return response
  })
  return { fetch, api: createPageApi('tok_secret', { fetch }) }
}

describe('createPageApi', () => {
  it('gets the session with the bearer token and parses it', async () => {
    const { fetch, api } = apiAnswering(json(200, aSession()))
    await expect(api.getSession()).resolves.toEqual(aSession())
    const [url, init] = fetch.mock.calls[0]!
    expect(url).toBe('/api/page/session')
    expect(init?.method).toBe('GET')
    expect((init?.headers as Record<string, string>).Authorization).toBe('Bearer tok_secret')
  })

  it('answers the first getSession from the boot block, then from the server', async () => {
    const fetch = vi.fn<typeof globalThis.fetch>(async () => json(200, aSession({ test_mode: false })))
    const api = createPageApi('tok_secret', { fetch, bootSession: aSession() })
    await expect(api.getSession()).resolves.toEqual(aSession())
    expect(fetch).not.toHaveBeenCalled()
    await expect(api.getSession()).resolves.toEqual(aSession({ test_mode: false }))
    expect(fetch).toHaveBeenCalledTimes(1)
  })

  it('fetches the session when the boot block holds something else', async () => {
    const fetch = vi.fn<typeof globalThis.fetch>(async () => json(200, aSession()))
    const api = createPageApi('tok_secret', { fetch, bootSession: { payment: 'forged' } })
    await expect(api.getSession()).resolves.toEqual(aSession())
    expect(fetch).toHaveBeenCalledTimes(1)
  })

  it('posts the pay body as JSON and parses the payment state', async () => {
    const { fetch, api } = apiAnswering(json(200, aPaymentState({ status: 'success' })))
    const body = { method: 'card', card: { pan: '4242424242424242', exp_month: 12, exp_year: 2030, cvc: '123', holder: 'J D' } } as const
    await expect(api.pay(body)).resolves.toEqual(aPaymentState({ status: 'success' }))
    const [url, init] = fetch.mock.calls[0]!
    expect(url).toBe('/api/page/pay')
    expect(init?.method).toBe('POST')
    expect((init?.headers as Record<string, string>)['Content-Type']).toBe('application/json')
    expect(JSON.parse(init?.body as string)).toEqual(body)
  })

  it('deletes a saved card with DELETE and returns the remaining list', async () => {
    const remaining = [aSavedCard({ token: 'tok_2' })]
    const { fetch, api } = apiAnswering(json(200, { saved_cards: remaining }))
    await expect(api.deleteSavedCard('tok/1 x')).resolves.toEqual(remaining)
    const [url, init] = fetch.mock.calls[0]!
    expect(url).toBe('/api/page/saved-cards/tok%2F1%20x')
    expect(init?.method).toBe('DELETE')
    expect(init?.body).toBeUndefined()
    expect((init?.headers as Record<string, string>).Authorization).toBe('Bearer tok_secret')
  })

  it('throws ApiError with code, status and param from the error envelope', async () => {
    const { api } = apiAnswering(json(400, envelope('validation_failed', { param: 'card.pan' })))
    const error = await api.pay({ method: 'card', card: { pan: '1', exp_month: 1, exp_year: 2030, cvc: '1', holder: 'x' } }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ApiError)
    expect(error).toMatchObject({ code: 'validation_failed', status: 400, param: 'card.pan' })
  })

  it('throws ApiError when a 2xx body breaks the contract', async () => {
    const { api } = apiAnswering(json(200, { status: 'paid', attempts_left: 1 }))
    await expect(api.getStatus()).rejects.toMatchObject({ name: 'ApiError', code: 'internal_error' })
  })

  it('throws ApiError when an error answer has no envelope', async () => {
    const { api } = apiAnswering(new Response('<h1>teapot</h1>', { status: 418 }))
    await expect(api.getStatus()).rejects.toMatchObject({ name: 'ApiError', code: 'internal_error', status: 418 })
  })

  it.each([502, 503, 504])('throws NetworkError on a gateway %i', async (status) => {
    const { api } = apiAnswering(new Response('bad gateway', { status }))
    await expect(api.getStatus()).rejects.toBeInstanceOf(NetworkError)
  })

  it('throws NetworkError when fetch itself fails', async () => {
    const { api } = apiAnswering(new TypeError('Failed to fetch'))
    await expect(api.getStatus()).rejects.toBeInstanceOf(NetworkError)
  })
})
