import { createHash, randomBytes } from 'node:crypto'
import type { Context } from 'hono'
import { getCookie, setCookie } from 'hono/cookie'

/**
 * The demo shop's visitors. Each browser gets a random, HttpOnly visitor cookie; what the
 * shop shows and signs is derived from a one-way tag of it, so a visitor's payments,
 * customer id (and with it the saved cards) and callbacks are that visitor's alone: the
 * public demo is a shared server, and one visitor must never see, pay with or delete
 * another's card, or read another's callbacks and tokens.
 */
const COOKIE = 'epay_demo_visitor'
const VISITOR_PATTERN = /^[A-Za-z0-9_-]{22,64}$/

/** The visitor's tag from the request's cookie, or null for a browser without one. */
export function visitorTag(c: Context): string | null {
  const id = getCookie(c, COOKIE)
  return id && VISITOR_PATTERN.test(id) ? tagOf(id) : null
}

/** The visitor's tag, giving the browser a new visitor cookie when it has none. */
export function ensureVisitor(c: Context, secure: boolean): string {
  const existing = visitorTag(c)
  if (existing) return existing
  const id = randomBytes(18).toString('base64url')
  setCookie(c, COOKIE, id, { path: '/', httpOnly: true, secure, sameSite: 'Lax', maxAge: 30 * 24 * 3600 })
  return tagOf(id)
}

// The tag travels in payment and customer ids the visitor sees; the cookie never does.
function tagOf(id: string): string {
  return createHash('sha256').update(`epay-demo-visitor:${id}`).digest('hex').slice(0, 20)
}

/** Ids signed for a visitor: its own customer, and payments that name their visitor. */
export const demoCustomerId = (tag: string) => `demo_${tag}`
export const demoPaymentId = (tag: string) => `demo_${tag}_${Date.now()}_${randomBytes(3).toString('hex')}`

export type ReceivedCallback = { received_at: string; signature_valid: boolean; header: string | undefined; body: unknown }

const PER_VISITOR = 30
const VISITORS = 2000

/**
 * Callbacks the demo merchant received, kept per visitor (the one whose payment id the
 * callback names) and bounded both ways, so one visitor's flood evicts only their own.
 */
export function callbackInbox() {
  const byVisitor = new Map<string, ReceivedCallback[]>()
  return {
    add(paymentId: unknown, callback: ReceivedCallback): void {
      const tag = typeof paymentId === 'string' ? /^demo_([0-9a-f]{20})_/.exec(paymentId)?.[1] : undefined
      if (!tag) return
      const list = byVisitor.get(tag) ?? []
      byVisitor.delete(tag)
      list.unshift(callback)
      list.length = Math.min(list.length, PER_VISITOR)
      byVisitor.set(tag, list)
      // Map order is insertion order: the first key is the visitor heard from longest ago.
      if (byVisitor.size > VISITORS) byVisitor.delete(byVisitor.keys().next().value!)
    },
    of(tag: string | null): ReceivedCallback[] {
      return tag ? byVisitor.get(tag) ?? [] : []
    },
  }
}
