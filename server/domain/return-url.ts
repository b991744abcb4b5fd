import { PaymentError } from './errors.ts'

/**
 * Refuses a return URL that is not http(s) on one of the project's hosts (SPEC §12).
 * Hint: this is the open-redirect guard: `https://ok.com@evil.com` parses to host `evil.com`,
 * `//evil.com` is not absolute, and `javascript:` has no allowed scheme, so all three fail here.
 */
export function checkReturnUrl(value: string | undefined, param: string, allowedHosts: readonly string[]): void {
  if (value === undefined) return
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw new PaymentError('return_url_not_allowed', 'return URL is not an absolute URL', { param })
  }
  const hostAllowed = allowedHosts.includes(url.host) || allowedHosts.includes(url.hostname)
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.username || url.password || !hostAllowed) {
    throw new PaymentError('return_url_not_allowed', 'return URL is not on the project\'s list of allowed hosts', { param })
  }
}
