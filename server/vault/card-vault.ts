import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'

/** A data-encryption key for card numbers; `kid` is stored with each sealed value so keys can rotate. */
export type VaultKey = { kid: string; key: Uint8Array }

/** Seals and opens card numbers; the domain sees only this interface. */
export type CardVault = {
  seal(pan: string, context: string): { sealed: string; keyId: string }
  open(sealed: string, keyId: string, context: string): string
}

/**
 * AES-256-GCM with a random 96-bit IV per value (SPEC §7). `context` (the token id) is bound as
 * additional data, so a sealed PAN copied onto another token row fails to open instead of
 * charging the wrong card. The first key seals; every listed key opens.
 */
export function createCardVault(keys: readonly VaultKey[]): CardVault {
  const current = keys[0]
  if (!current) throw new Error('the card vault needs a key')
  for (const k of keys) if (k.key.length !== 32) throw new Error(`card key ${k.kid} must be 32 bytes`)
  return {
    seal(pan, context) {
      const iv = randomBytes(12)
      const cipher = createCipheriv('aes-256-gcm', current.key, iv)
      cipher.setAAD(Buffer.from(context, 'utf8'))
      const body = Buffer.concat([cipher.update(pan, 'utf8'), cipher.final()])
      return { sealed: Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64'), keyId: current.kid }
    },
    open(sealed, keyId, context) {
      const key = keys.find((k) => k.kid === keyId)
      if (!key) throw new Error(`card key ${keyId} is not configured`)
      const raw = Buffer.from(sealed, 'base64')
      const decipher = createDecipheriv('aes-256-gcm', key.key, raw.subarray(0, 12))
      decipher.setAAD(Buffer.from(context, 'utf8'))
      decipher.setAuthTag(raw.subarray(12, 28))
      return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8')
    },
  }
}

/** Parses `kid:base64url,…` (the first seals). */
export function parseVaultKeys(text: string): VaultKey[] {
  return text.split(',').map((part) => {
    const [kid, value] = part.split(':')
    if (!kid || !value) throw new Error('card keys must look like kid:base64url')
    return { kid, key: new Uint8Array(Buffer.from(value, 'base64url')) }
  })
}
