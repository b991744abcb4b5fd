/**
 * Resolves a URL and accepts it only as http(s): `javascript:`, `data:` and friends would run
 * script or show content under our origin if used as a link, form action or location.
 */
export function toWebUrl(url: string, base?: string): URL | null {
  try {
    const parsed = new URL(url, base)
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed : null
  } catch {
    return null
  }
}
