import { describe, expect, it } from 'vitest'
import { passwordScore } from '../../../dashboard/src/ui/password-strength.ts'
import { MIN_PASSWORD_SCORE } from '../../../protocol/schemas/dashboard/common.ts'
import { hashPassword, verifyPassword } from '../../../server/dashboard/auth/password-hash.ts'
import { assertAcceptablePassword } from '../../../server/dashboard/auth/password-policy.ts'

const EMAIL = 'anna.kovacs@shop.example'
const refusal = (password: string): string | undefined => {
  try {
    assertAcceptablePassword(password, { email: EMAIL })
    return undefined
  } catch (e) {
    return (e as Error).message
  }
}

// SPEC §14: 12+ characters, not in a common-password list, a strength meter; scrypt with OWASP's parameters.
describe('dashboard passwords', () => {
  it('refuses short, common, guessable and own-email passwords, and takes a long unpredictable one', () => {
    expect(refusal('kq8-Lm2#vXz')).toMatch(/12 to/)
    expect(refusal('password1234')).toMatch(/common passwords/)
    expect(refusal('Password1234')).toMatch(/common passwords/)
    expect(refusal('aaaaaaaaaaaaaaaa')).toMatch(/too easy/)
    expect(refusal('anna.kovacs@shop.example')).toMatch(/too easy/)
    expect(refusal('kq8-Lm2#vXz!')).toBeUndefined()
    expect(refusal('plum-orbit-74-lantern')).toBeUndefined()
  })

  it('has a meter that scores as the server judges: strong enough in the browser is accepted', () => {
    for (const password of ['aaaaaaaaaaaaaaaa', 'anna.kovacs2030', 'qwertyuiop12', 'kq8-Lm2#vXz!', 'plum-orbit-74-lantern', 'correct horse battery']) {
      const meterSaysStrong = passwordScore(password, [EMAIL, ...EMAIL.split(/[@.]/)]) >= MIN_PASSWORD_SCORE
      expect(meterSaysStrong, password).toBe(refusal(password) === undefined)
    }
  })

  it('hashes with scrypt N=2^17, r=8, p=1 and a fresh salt, and verifies only the right password', async () => {
    const [one, two] = await Promise.all([hashPassword('plum-orbit-74-lantern'), hashPassword('plum-orbit-74-lantern')])
    expect(one).toMatch(/^scrypt\$17\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43,}$/)
    expect(one).not.toBe(two)
    expect(await verifyPassword('plum-orbit-74-lantern', one)).toBe(true)
    expect(await verifyPassword('plum-orbit-74-lanterN', one)).toBe(false)
  })
})
