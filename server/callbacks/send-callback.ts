import { lookup } from 'node:dns/promises'
import { request as httpRequest } from 'node:http'
import { request as httpsRequest } from 'node:https'
import { isIP, type LookupFunction } from 'node:net'

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
  let pinned: { address: string; family: number } | undefined
  if (!options.allowLocal) {
    if (target.protocol !== 'https:') return { ok: false, error: 'callback URL must use https' }
    const host = target.hostname.replace(/^\[|\]$/g, '')
    const addresses = isIP(host) ? [{ address: host, family: isIP(host) }] : await lookup(host, { all: true }).catch(() => [])
    if (addresses.length === 0) return { ok: false, error: 'callback host does not resolve' }
    if (addresses.some((a) => isPrivateAddress(a.address))) return { ok: false, error: 'callback host resolves to a private address' }
    // Connect to the address just checked: a second lookup could answer differently (DNS rebinding).
    pinned = addresses[0]
  } else if (target.protocol !== 'https:' && target.protocol !== 'http:') {
    return { ok: false, error: 'callback URL must use http(s)' }
  }
  try {
    const status = await post(target, body, { 'Content-Type': 'application/json', 'User-Agent': 'EPay-Callbacks/1', ...headers }, options.timeoutMs ?? 10_000, pinned)
    if (status >= 200 && status < 300) return { ok: true, status }
    return { ok: false, status, error: `HTTP ${status}` }
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.name + ': ' + error.message : 'send failed' }
  }
}

/** One POST, no redirects followed (a 3xx is an answer like any other), ended at `timeoutMs`. */
function post(url: URL, body: string, headers: Record<string, string>, timeoutMs: number, pinned: { address: string; family: number } | undefined): Promise<number> {
  const lookupPinned: LookupFunction | undefined = pinned
    ? (_host, opts, callback) => {
        if ((opts as { all?: boolean }).all) (callback as (e: null, a: Array<{ address: string; family: number }>) => void)(null, [pinned])
        else callback(null, pinned.address, pinned.family)
      }
    : undefined
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest
  return new Promise((resolve, reject) => {
    const req = send(url, { method: 'POST', headers: { ...headers, 'Content-Length': String(Buffer.byteLength(body)) }, ...(lookupPinned ? { lookup: lookupPinned } : {}) }, (res) => {
      res.resume()
      resolve(res.statusCode ?? 0)
    })
    // A whole-request deadline, not only an idle one: a slow drip must not hold a delivery slot.
    const deadline = setTimeout(() => req.destroy(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs)
    req.on('close', () => clearTimeout(deadline))
    req.on('error', reject)
    req.end(body)
  })
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
