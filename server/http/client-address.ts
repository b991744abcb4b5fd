import { getConnInfo } from '@hono/node-server/conninfo'
import type { Context } from 'hono'

/**
 * The client's address behind `trustedProxies` proxies of the operator's own. Each proxy
 * appends the address it received the request from, so the entry `trustedProxies` places from
 * the right is the last one written by something trusted; everything left of it is whatever
 * the client sent (and a card tester sends a new one with every request).
 * Hint: with fewer entries than proxies, the left-most is the furthest any trusted proxy saw.
 */
export function clientAddress(forwardedFor: string | undefined, socket: string, trustedProxies: number): string {
  if (trustedProxies <= 0) return socket
  const hops = (forwardedFor ?? '').split(',').map((hop) => hop.trim()).filter((hop) => hop !== '')
  if (hops.length === 0) return socket
  return hops[Math.max(0, hops.length - trustedProxies)]!
}

/** The address of the request `c`, by the rule of {@link clientAddress}. */
export function requestAddress(c: Context, trustedProxies: number): string {
  return clientAddress(c.req.header('x-forwarded-for'), socketAddress(c), trustedProxies)
}

function socketAddress(c: Context): string {
  try {
    return getConnInfo(c).remote.address ?? 'unknown'
  } catch {
    // app.request() in tests has no socket.
    return 'unknown'
  }
}
