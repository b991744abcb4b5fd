/**
 * Sends the top window to the merchant's return URL (`return_mode: parent_page`).
 * Hint: browsers let a cross-origin iframe navigate its top window only with user activation
 * (a recent click), so this may throw or be ignored; the page always shows a "Return to shop"
 * link with `target=_top` as well. Returns whether the navigation was accepted.
 */
export function navigateTop(win: Window, url: string): boolean {
  try {
    const top = win.top ?? win
    top.location.href = url
    return true
  } catch {
    return false
  }
}
