import { randomPoolBytes } from '../random-pool.ts'

/** A fresh CSP nonce per HTML response (128 bits from the CSPRNG, so it cannot be guessed). */
export function newNonce(): string {
  return randomPoolBytes(16).toString('base64')
}

/**
 * The strict CSP of every HTML page (SPEC §12). Scripts run only with this response's nonce,
 * so markup injected into the page cannot execute; `frame-ancestors` limits who may frame it
 * (clickjacking), built from the project's allowed origins.
 */
export function contentSecurityPolicy(
  nonce: string,
  options: { frameAncestors: readonly string[]; formAction?: readonly string[]; frameSrc?: readonly string[] },
): string {
  const ancestors = options.frameAncestors.length > 0 ? options.frameAncestors.join(' ') : "'none'"
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}' 'strict-dynamic'`,
    `style-src 'self' 'nonce-${nonce}'`,
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    `form-action 'self'${(options.formAction ?? []).map((o) => ' ' + o).join('')}`,
    "base-uri 'none'",
    "object-src 'none'",
    `frame-ancestors ${ancestors}`,
    ...(options.frameSrc ? [`frame-src ${options.frameSrc.join(' ')}`] : []),
  ].join('; ')
}

/** Adds the nonce to every script, style and stylesheet tag of a trusted template. */
export function withNonce(html: string, nonce: string): string {
  return html.replace(/<(script|style|link)\b/g, `<$1 nonce="${nonce}"`)
}

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}

/** Serialises JSON for a `<script type="application/json">` block without letting it close the tag. */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026')
}
