import { PaymentError } from './errors.ts'
import type { Project } from './ports.ts'

/**
 * Refuses a return URL that is not on one of the project's hosts (SPEC §12), or not https for a
 * live project.
 * Hint: this is the open-redirect guard: `https://ok.com@evil.com` parses to host `evil.com`,
 * `//evil.com` is not absolute, and `javascript:` has no allowed scheme, so all three fail here.
 * Live shoppers come back over https only: an http return would hand the payment's outcome and
 * ids to anyone on the network path, and lets a downgrade rewrite where the shopper lands.
 */
export function checkReturnUrl(value: string | undefined, param: string, project: Pick<Project, 'returnHosts' | 'testMode'>): void {
  if (value === undefined) return
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw new PaymentError('return_url_not_allowed', 'return URL is not an absolute URL', { param })
  }
  const hostAllowed = project.returnHosts.includes(url.host) || project.returnHosts.includes(url.hostname)
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.username || url.password || !hostAllowed) {
    throw new PaymentError('return_url_not_allowed', 'return URL is not on the project\'s list of allowed hosts', { param })
  }
  if (url.protocol !== 'https:' && !project.testMode) {
    throw new PaymentError('return_url_not_allowed', 'return URL must use https for a live project', { param })
  }
}
