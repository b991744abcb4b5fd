import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/preact'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { setCsrfToken } from '../../dashboard/src/api/client.ts'
import { setLanguage } from '../../dashboard/src/i18n/i18n.ts'
import { LargeRefundForm } from '../../dashboard/src/notifications/LargeRefundForm.tsx'

// The large-refund threshold on the notification settings screen (issue 13): owners and admins of
// the whole organisation change it, checked with the server's own schema before it is sent; the
// others see it read-only. The API is a stub of fetch answering as the server does.

const PATH = '/api/dashboard/organisation/notification-settings'
type Sent = { method: string; body: unknown; csrf: string | null }

function api(initial: { large_refund_major: number; editable: boolean }, answer?: (body: { large_refund_major: number }) => Response) {
  let current = initial
  const sent: Sent[] = []
  const fetch = vi.fn(async (url: RequestInfo | URL, init?: RequestInit) => {
    expect(String(url)).toBe(PATH)
    const method = init?.method ?? 'GET'
    if (method === 'GET') return Response.json(current)
    const body = JSON.parse(String(init!.body)) as { large_refund_major: number }
    sent.push({ method, body, csrf: new Headers(init!.headers).get('x-epay-csrf') })
    if (answer) return answer(body)
    current = { ...current, large_refund_major: body.large_refund_major }
    return Response.json(current)
  })
  vi.stubGlobal('fetch', fetch)
  return { sent }
}

describe('LargeRefundForm', () => {
  beforeEach(() => {
    setLanguage('en')
    setCsrfToken('csrf-token-1')
  })
  afterEach(() => vi.unstubAllGlobals())

  it('changes the threshold for an owner or admin: sends the whole number with the CSRF header and says what it is now', async () => {
    const { sent } = api({ large_refund_major: 1000, editable: true })
    render(<LargeRefundForm orgName="Alpha Shops" />)
    const input = await screen.findByLabelText('A successful refund is large from (units of its currency)')
    expect((input as HTMLInputElement).value).toBe('1000')
    expect(described(input)).toMatch(/For every project of Alpha Shops, in each refund’s own currency: 1000 means €1,000.00/)
    const save = screen.getByRole('button', { name: 'Save' })
    // Nothing changed yet, nothing to save.
    expect((save as HTMLButtonElement).disabled).toBe(true)
    fireEvent.input(input, { target: { value: '2500' } })
    fireEvent.click(save)
    expect((await screen.findByRole('status')).textContent).toBe('Saved: refunds of 2,500 or more are now large.')
    expect(sent).toEqual([{ method: 'PUT', body: { large_refund_major: 2500 }, csrf: 'csrf-token-1' }])
    expect((screen.getByRole('button', { name: 'Save' }) as HTMLButtonElement).disabled).toBe(true)
  })

  it('refuses on the screen what the server would refuse, sending nothing, and names the range', async () => {
    const { sent } = api({ large_refund_major: 1000, editable: true })
    render(<LargeRefundForm orgName="Alpha Shops" />)
    const input = await screen.findByLabelText('A successful refund is large from (units of its currency)')
    for (const value of ['0', '-3', '12.5', 'abc', '1000000001', ' ']) {
      fireEvent.input(input, { target: { value } })
      fireEvent.click(screen.getByRole('button', { name: 'Save' }))
      await waitFor(() => expect(input.getAttribute('aria-invalid')).toBe('true'))
      expect(described(input)).toMatch(/Enter a whole number from 1 to 1,000,000,000\./)
    }
    expect(sent).toEqual([])
    // Typing again clears the error.
    fireEvent.input(input, { target: { value: '1000000000' } })
    expect(input.getAttribute('aria-invalid')).toBe('false')
  })

  it('shows the server\'s refusal of the field on the field, and any other refusal above the button', async () => {
    api({ large_refund_major: 1000, editable: true }, () => Response.json({ error: { type: 'invalid_request_error', code: 'validation_failed', message: 'large_refund_major: must be at most 1000000000', param: 'large_refund_major', request_id: 'req_1' } }, { status: 400 }))
    render(<LargeRefundForm orgName="Alpha Shops" />)
    const input = await screen.findByLabelText('A successful refund is large from (units of its currency)')
    fireEvent.input(input, { target: { value: '5' } })
    fireEvent.click(screen.getByRole('button', { name: 'Save' }))
    await waitFor(() => expect(input.getAttribute('aria-invalid')).toBe('true'))

    cleanupAndRender(() => Response.json({ error: { type: 'invalid_request_error', code: 'forbidden', message: 'your role does not allow this', request_id: 'req_2' } }, { status: 403 }))
    const again = await screen.findByLabelText('A successful refund is large from (units of its currency)')
    fireEvent.input(again, { target: { value: '5' } })
    fireEvent.click(screen.getByRole('button', { name: 'Save' }))
    expect((await screen.findByRole('alert')).textContent).toBe('Your role does not allow this.')
    expect(again.getAttribute('aria-invalid')).toBe('false')
  })

  it('shows the threshold read-only, in the reader\'s language, to those who may not change it', async () => {
    setLanguage('ru')
    api({ large_refund_major: 25000, editable: false })
    render(<LargeRefundForm orgName="Альфа" />)
    expect(await screen.findByText('Крупными считаются возвраты от 25 000 единиц их валюты.')).toBeTruthy()
    expect((screen.getByRole('status')).textContent).toBe('Изменить порог могут только владельцы и администраторы всей организации.')
    expect(screen.queryByRole('textbox')).toBeNull()
    expect(screen.queryByRole('button')).toBeNull()
  })
})

function cleanupAndRender(answer: (body: { large_refund_major: number }) => Response) {
  cleanup()
  api({ large_refund_major: 1000, editable: true }, answer)
  render(<LargeRefundForm orgName="Alpha Shops" />)
}

/** The text a screen reader reads after the control's name: its hint and error, by aria-describedby. */
function described(el: HTMLElement): string {
  return (el.getAttribute('aria-describedby') ?? '').split(/\s+/).filter(Boolean).map((id) => document.getElementById(id)?.textContent ?? '').join(' ')
}
