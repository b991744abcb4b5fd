import type { Context } from 'hono'

/**
 * CSRF's first check: a mutating call must come from a page of this origin. Browsers send
 * `Origin` on every cross-origin request and on same-origin POSTs; when it is missing,
 * `Sec-Fetch-Site` says where the request came from. Neither present: refused (a non-browser
 * client can still call with both, but it has no victim's cookie to ride on).
 */
export function sameOrigin(c: Context, publicUrl: string): boolean {
  const origin = c.req.header('origin')
  if (origin) return origin === new URL(publicUrl).origin || origin === new URL(c.req.url).origin
  return c.req.header('sec-fetch-site') === 'same-origin'
}
