import { beforeEach, describe, expect, it, vi } from 'vitest'
import { takeBoot, takeSessionToken } from '../../../hosted-page/src/boot/read-token.ts'

function fakeHistory() {
  return { state: null, replaceState: vi.fn() }
}

describe('takeSessionToken', () => {
  beforeEach(() => {
    document.body.innerHTML = ''
  })

  it('reads the boot JSON and removes the element', () => {
    document.body.innerHTML = '<script type="application/json" id="epay-boot">{"token":"tok_1"}</script>'
    const history = fakeHistory()
    expect(takeSessionToken(document, { hash: '', pathname: '/payment', search: '' }, history)).toBe('tok_1')
    expect(document.getElementById('epay-boot')).toBeNull()
    expect(history.replaceState).not.toHaveBeenCalled()
  })

  it('reads a #token= fragment and clears it from the address bar', () => {
    const history = fakeHistory()
    const token = takeSessionToken(document, { hash: '#token=tok_2', pathname: '/payment', search: '?a=1' }, history)
    expect(token).toBe('tok_2')
    expect(history.replaceState).toHaveBeenCalledWith(null, '', '/payment?a=1')
  })

  it('returns null for malformed boot JSON and no fragment', () => {
    document.body.innerHTML = '<script type="application/json" id="epay-boot">{token:</script>'
    expect(takeSessionToken(document, { hash: '', pathname: '/', search: '' }, fakeHistory())).toBeNull()
    expect(document.getElementById('epay-boot')).toBeNull()
  })

  it('returns null when there is no token anywhere', () => {
    expect(takeSessionToken(document, { hash: '#other=1', pathname: '/', search: '' }, fakeHistory())).toBeNull()
  })
})

describe('takeBoot with the tab\'s storage', () => {
  it('keeps a fragment token for its address, so Back there finds the payment again', () => {
    const storage = new Map<string, string>()
    const tab = { getItem: (k: string) => storage.get(k) ?? null, setItem: (k: string, v: string) => void storage.set(k, v) }
    const location = { pathname: '/payment/resume/42', search: '' }
    expect(takeBoot(document, { ...location, hash: '#token=tok_3' }, fakeHistory(), tab).token).toBe('tok_3')
    // Back to the same address: no fragment any more (it was removed), the token comes from the tab.
    expect(takeBoot(document, { ...location, hash: '' }, fakeHistory(), tab).token).toBe('tok_3')
    expect(takeBoot(document, { pathname: '/payment/resume/43', search: '', hash: '' }, fakeHistory(), tab).token).toBeNull()
  })

  it('works from memory when storage throws', () => {
    const tab = { getItem: () => { throw new Error('blocked') }, setItem: () => { throw new Error('blocked') } }
    expect(takeBoot(document, { pathname: '/p', search: '', hash: '#token=tok_4' }, fakeHistory(), tab).token).toBe('tok_4')
    expect(takeBoot(document, { pathname: '/p', search: '', hash: '' }, fakeHistory(), tab).token).toBeNull()
  })
})
