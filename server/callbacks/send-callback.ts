import { lookup } from 'node:dns/promises'
import { isIP } from 'node:net'

/** The outcome of one delivery attempt. */
export type SendResult = { ok: true; status: number } | { ok: false; status?: number; error: string }

/**
 * POSTs one callback. Without `allowLocal`, the target must be https and resolve only to public
 * addresses (SSRF: a merchant-supplied URL must not reach EPay's own network), redirects are not
 * followed and the attempt ends after 10 s.
 * Hint: the IP check runs on the resolved addresses; a name that resolves to 127.0.0.1 is refused.
 */
export async function sendCallback(
  url: string,
  body: string,
  headers: Record<string, string>,
  options: { allowLocal: boolean; timeoutMs?: number },
): Promise<SendResult> {
  let target: URL
  try {
    target = new URL(url)
  } catch {
    return { ok: false, error: 'callback URL is not valid' }
  }
  if (!options.allowLocal) {
    if (target.protocol !== 'https:') return { ok: false, error: 'callback URL must use https' }
    const host = target.hostname.replace(/^\[|\]$/g, '')
    const addresses = isIP(host) ? [host] : (await lookup(host, { all: true }).catch(() => [])).map((a) => a.address)
    if (addresses.length === 0) return { ok: false, error: 'callback host does not resolve' }
    if (addresses.some(isPrivateAddress)) return { ok: false, error: 'callback host resolves to a private address' }
  } else if (target.protocol !== 'https:' && target.protocol !== 'http:') {
    return { ok: false, error: 'callback URL must use http(s)' }
  }
  try {
    const response = await fetch(target, {
      method: 'POST',
      body,
      headers: { 'Content-Type': 'application/json', 'User-Agent': 'EPay-Callbacks/1', ...headers },
      redirect: 'manual',
      signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
    })
    await response.body?.cancel().catch(() => undefined)
    if (response.status >= 200 && response.status < 300) return { ok: true, status: response.status }
    return { ok: false, status: response.status, error: `HTTP ${response.status}` }
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.name + ': ' + error.message : 'send failed' }
  }
}

/** Loopback, private, link-local, CGNAT, unspecified and multicast ranges of IPv4 and IPv6. */
export function isPrivateAddress(address: string): boolean {
  if (isIP(address) === 4) {
    const [a = 0, b = 0] = address.split('.').map(Number)
    return a === 0 || a === 10 || a === 127 || a >= 224 || (a === 169 && b === 254) || (a === 172 && b >= 16 && b <= 31) ||
      (a === 192 && b === 168) || (a === 100 && b >= 64 && b <= 127)
  }
  const v6 = address.toLowerCase()
  if (v6.startsWith('::ffff:')) return isPrivateAddress(v6.slice(7))
  return v6 === '::' || v6 === '::1' || /^f[cd]/.test(v6) || /^fe[89ab]/.test(v6) || v6.startsWith('ff')
}
