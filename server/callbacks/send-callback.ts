import { lookup as dnsLookup } from 'node:dns/promises'
import { request as httpRequest } from 'node:http'
import { request as httpsRequest } from 'node:https'
import { isIP, type LookupFunction } from 'node:net'
import { isBlockedAddress } from './blocked-address.ts'

/**
 * Why a delivery failed, in a few stable words the merchant sees as `last_error`. Never the
 * socket's own text: "connect ECONNREFUSED 10.0.0.7:6379" would turn the callback URL into a
 * port scanner of whatever the URL reaches.
 */
export type SendError =
  | 'invalid url' | 'not https' | 'dns' | 'blocked address'
  | 'refused' | 'timeout' | 'tls' | 'reset' | 'unreachable' | 'http 3xx' | 'http 4xx' | 'http 5xx' | 'failed'

/** The outcome of one delivery attempt; `detail` is for the operator's log only. */
export type SendResult = { ok: true; status: number } | { ok: false; status?: number; error: SendError; detail?: string }

type Address = { address: string; family: number }
type Resolve = (host: string) => Promise<Address[]>

const resolveAll: Resolve = (host) => dnsLookup(host, { all: true })

/**
 * POSTs one callback. Without `allowLocal`, the target must be https and every address it
 * resolves to must be public (SSRF: a merchant-supplied URL must not reach EPay's own network);
 * the connection then goes to the address just checked, so a second DNS answer cannot swap in a
 * private one (DNS rebinding). Redirects are not followed and the attempt ends after 10 s.
 */
export async function sendCallback(
  url: string,
  body: string,
  headers: Record<string, string>,
  options: { allowLocal: boolean; timeoutMs?: number; lookup?: Resolve },
): Promise<SendResult> {
  let target: URL
  try {
    target = new URL(url)
  } catch {
    return { ok: false, error: 'invalid url' }
  }
  let pinned: Address | undefined
  if (!options.allowLocal) {
    if (target.protocol !== 'https:') return { ok: false, error: 'not https' }
    const host = target.hostname.replace(/^\[|\]$/g, '')
    // RFC 6761: `localhost` and its subdomains are this machine whatever a resolver says.
    if (/(^|\.)localhost\.?$/i.test(host)) return { ok: false, error: 'blocked address' }
    let addresses: Address[]
    try {
      addresses = isIP(host) ? [{ address: host, family: isIP(host) }] : await (options.lookup ?? resolveAll)(host)
    } catch (error) {
      return { ok: false, error: 'dns', detail: describe(error) }
    }
    if (addresses.length === 0) return { ok: false, error: 'dns' }
    if (addresses.some((a) => isBlockedAddress(a.address))) return { ok: false, error: 'blocked address' }
    pinned = addresses[0]
  } else if (target.protocol !== 'https:' && target.protocol !== 'http:') {
    return { ok: false, error: 'invalid url' }
  }
  try {
    const status = await post(target, body, { 'Content-Type': 'application/json', 'User-Agent': 'EPay-Callbacks/1', ...headers }, options.timeoutMs ?? 10_000, pinned)
    if (status >= 200 && status < 300) return { ok: true, status }
    return { ok: false, status, error: status >= 500 ? 'http 5xx' : status >= 400 ? 'http 4xx' : status >= 300 ? 'http 3xx' : 'failed' }
  } catch (error) {
    return { ok: false, error: errorWord(error), detail: describe(error) }
  }
}

class DeadlineError extends Error {
  override name = 'DeadlineError'
}

/** One POST, no redirects followed (a 3xx is an answer like any other), ended at `timeoutMs`. */
function post(url: URL, body: string, headers: Record<string, string>, timeoutMs: number, pinned: Address | undefined): Promise<number> {
  const lookupPinned: LookupFunction | undefined = pinned
    ? (_host, opts, callback) => {
        if ((opts as { all?: boolean }).all) (callback as (e: null, a: Address[]) => void)(null, [pinned])
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
    const deadline = setTimeout(() => req.destroy(new DeadlineError(`no answer within ${timeoutMs} ms`)), timeoutMs)
    req.on('close', () => clearTimeout(deadline))
    req.on('error', reject)
    req.end(body)
  })
}

const BY_CODE: Record<string, SendError> = {
  ECONNREFUSED: 'refused',
  ETIMEDOUT: 'timeout', ESOCKETTIMEDOUT: 'timeout',
  ECONNRESET: 'reset', EPIPE: 'reset', ECONNABORTED: 'reset',
  EHOSTUNREACH: 'unreachable', ENETUNREACH: 'unreachable', EADDRNOTAVAIL: 'unreachable', EAFNOSUPPORT: 'unreachable',
  ENOTFOUND: 'dns', EAI_AGAIN: 'dns', EAI_FAIL: 'dns', EAI_NONAME: 'dns',
  EPROTO: 'tls',
}

/** Maps a socket, DNS or TLS failure to one stable word. */
function errorWord(error: unknown): SendError {
  if (error instanceof DeadlineError) return 'timeout'
  const code = (error as { code?: unknown } | null)?.code
  const message = error instanceof Error ? error.message : ''
  if (typeof code === 'string') {
    if (BY_CODE[code]) return BY_CODE[code]
    if (/^(ERR_TLS_|ERR_SSL_|CERT_|DEPTH_ZERO|SELF_SIGNED|UNABLE_TO_|HOSTNAME_MISMATCH)/.test(code)) return 'tls'
  }
  // Node reports a peer that hangs up mid-handshake without a code of its own.
  if (/secure TLS connection|SSL|TLS/.test(message)) return 'tls'
  if (/socket hang up/.test(message)) return 'reset'
  return 'failed'
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : 'send failed'
}
