import type { Context } from 'hono'
import { deleteCookie, getCookie, setCookie } from 'hono/cookie'
import { sha256 } from '../auth/secrets.ts'
import { SESSION_ABSOLUTE_MS } from '../store/session-store.ts'

/**
 * The session cookie's name and flags for a public URL. Over https: `__Host-epay_dashboard`,
 * Secure (the prefix pins it to this host and path `/`, so a sibling subdomain cannot plant or
 * shadow it). Over plain http (the local demo) browsers refuse a `__Host-` cookie, which
 * requires Secure, so the name drops the prefix; it is HttpOnly and SameSite=Strict either way.
 */
export function cookieFor(publicUrl: string): { name: string; secure: boolean } {
  const secure = new URL(publicUrl).protocol === 'https:'
  return { name: secure ? '__Host-epay_dashboard' : 'epay_dashboard', secure }
}

export function readSessionCookie(c: Context, cookie: { name: string }): string | undefined {
  const value = getCookie(c, cookie.name)
  return value && /^[A-Za-z0-9_-]{20,80}$/.test(value) ? value : undefined
}

export function writeSessionCookie(c: Context, cookie: { name: string; secure: boolean }, token: string): void {
  setCookie(c, cookie.name, token, { path: '/', httpOnly: true, secure: cookie.secure, sameSite: 'Strict', maxAge: SESSION_ABSOLUTE_MS / 1000 })
}

export function clearSessionCookie(c: Context, cookie: { name: string; secure: boolean }): void {
  deleteCookie(c, cookie.name, { path: '/', secure: cookie.secure })
}

/**
 * The CSRF token of a session, derived from its cookie token: a page of this origin reads it
 * from `GET /me` and sends it in a header; another site can neither read the cookie nor the
 * answer, so it cannot produce the header (SPEC §14, with the Origin check beside it).
 */
export function csrfTokenFor(sessionToken: string): string {
  return sha256(`csrf:${sessionToken}`)
}
