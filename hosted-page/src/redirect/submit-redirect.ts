import type { RedirectData } from '../../../protocol/schemas/page-api.ts'
import { toWebUrl } from './web-url.ts'

/**
 * Continues the payment on the 3-D Secure ACS or the wallet page (`redirect_data`) by
 * submitting a form in the current browsing context: inside the widget's iframe as in a full
 * page, since both pages are EPay's own and allowed by the page's CSP `form-action`.
 * Returns false, navigating nowhere, when the URL is not http(s).
 * Hint: a GET form replaces the action's query string with its fields, so the URL's own
 * parameters are carried over as fields first.
 */
export function submitRedirect(doc: Document, data: RedirectData): boolean {
  const url = toWebUrl(data.url, doc.baseURI)
  if (!url) return false
  let fields = Object.entries(data.body)
  if (data.method === 'GET') {
    fields = [...url.searchParams, ...fields]
    url.search = ''
  }
  const form = doc.createElement('form')
  form.method = data.method.toLowerCase()
  form.action = url.href
  form.target = '_self'
  form.acceptCharset = 'utf-8'
  form.hidden = true
  for (const [name, value] of fields) {
    const input = doc.createElement('input')
    input.type = 'hidden'
    input.name = name
    input.value = value
    form.append(input)
  }
  doc.body.append(form)
  form.submit()
  return true
}
