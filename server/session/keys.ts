/** A session signing key; `kid` lets old tokens verify while a new key signs (rotation). */
export type SessionKey = { kid: string; secret: Uint8Array }

/**
 * Parses `kid:base64url,kid:base64url` (first one signs). Keys shorter than 256 bits are
 * refused: HS256 with a short key is brute-forceable offline from any one token.
 */
export function parseSessionKeys(text: string): SessionKey[] {
  return text.split(',').map((part) => {
    const [kid, value] = part.split(':')
    if (!kid || !value) throw new Error('session keys must look like kid:base64url')
    const secret = new Uint8Array(Buffer.from(value, 'base64url'))
    if (secret.length < 32) throw new Error(`session key ${kid} is shorter than 32 bytes`)
    return { kid, secret }
  })
}
