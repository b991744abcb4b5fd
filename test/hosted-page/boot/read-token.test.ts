import { beforeEach, describe, expect, it, vi } from 'vitest'
import { takeSessionToken } from '../../../hosted-page/src/boot/read-token.ts'

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
