/** The boot block's shape: a non-empty token, maybe a session (checked by the contract later). */
function readBoot(value: unknown): { token: string; session: unknown } | null {
  if (typeof value !== 'object' || value === null) return null
  const { token, session } = value as Record<string, unknown>
  return typeof token === 'string' && token.length > 0 ? { token, session } : null
}

type BootDocument = Pick<Document, 'getElementById'>
type BootLocation = Pick<Location, 'hash' | 'pathname' | 'search'>
type BootHistory = Pick<History, 'replaceState' | 'state'>
type BootStorage = Pick<Storage, 'getItem' | 'setItem'>

/**
 * Takes the session token from where the server put it: the `#epay-boot` JSON element, or a
 * `#token=…` fragment. Both are removed at once so the token stays only in memory: not in
 * the DOM (which other code could read), the address bar, history, bookmarks or a Referer.
 */
export function takeSessionToken(doc: BootDocument, location: BootLocation, history: BootHistory): string | null {
  return takeBoot(doc, location, history).token
}

/**
 * Like takeSessionToken, plus the session view the server may have put beside the token.
 * Hint: with `storage` (the tab's sessionStorage), a token taken from a `#token=` fragment is
 * kept for this address, so Back or a reload there shows the payment again: the server hands a
 * return's session out once and will not repeat it (a replayed return token gets none).
 */
export function takeBoot(doc: BootDocument, location: BootLocation, history: BootHistory, storage?: BootStorage): { token: string | null; session: unknown } {
  let token: string | null = null
  let session: unknown

  const element = doc.getElementById('epay-boot')
  if (element) {
    element.remove()
    try {
      const boot = readBoot(JSON.parse(element.textContent ?? ''))
      if (boot) ({ token, session } = boot)
    } catch {
      // Malformed boot JSON is the same as no token: the page shows its error screen.
    }
  }

  if (location.hash.length > 1) {
    const fromHash = new URLSearchParams(location.hash.slice(1)).get('token')
    if (fromHash !== null) {
      history.replaceState(history.state, '', location.pathname + location.search)
      token ??= fromHash || null
      if (fromHash) remember(storage, location.pathname, fromHash)
    }
  }
  token ??= recall(storage, location.pathname)
  return { token, session }
}

const key = (path: string) => `epay-session:${path}`

// Storage may be unavailable (blocked, sandboxed): the page then works from memory, as before.
function remember(storage: BootStorage | undefined, path: string, token: string): void {
  try {
    storage?.setItem(key(path), token)
  } catch {
    // nothing kept: only Back to this address loses the payment
  }
}

function recall(storage: BootStorage | undefined, path: string): string | null {
  try {
    return storage?.getItem(key(path)) || null
  } catch {
    return null
  }
}
