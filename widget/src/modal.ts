import { element } from './element.ts'

// Open dialogs, newest last: only the top one answers Esc and guards focus, so two modals
// never bounce focus between each other.
const stack: HTMLElement[] = []
let bodyOverflow = ''

/** A focusable, invisible stop: Tab landing on it means focus is leaving the dialog at that end. */
function guard(onFocus: () => void): HTMLElement {
  const node = element('div', { position: 'fixed' })
  node.tabIndex = 0
  node.addEventListener('focus', onFocus)
  return node
}

/**
 * Shows `content` in a modal dialog over the page and returns the function that takes it away
 * (with `keep`, the dialog only becomes invisible, so a frame inside goes on running).
 * Hint: Tab order is content (the payment frame) then the close button, which is shown on
 * top; guards at both ends wrap focus around, as focus in a cross-origin frame cannot be
 * watched from here. `focusStart` puts focus on the frame's first field. Focus returns to
 * the opener on removal; the page does not scroll behind it. `onClose` runs for Esc, the
 * close button and, with `missclick`, a click on the backdrop.
 */
export function openModal(content: HTMLElement, onClose: () => void, missclick: boolean, focusStart: () => void): (keep?: boolean) => void {
  const small = innerWidth < 600
  const opener = document.activeElement as HTMLElement | null
  const root = element('div', {
    position: 'fixed', top: '0', left: '0', width: '100%', height: '100%', zIndex: '2147483000', background: 'rgba(0,0,0,.55)',
    display: 'flex', overflow: 'auto',
  })
  const dialog = element('div', {
    background: '#fff', margin: 'auto', overflow: 'auto', display: 'flex', flexDirection: 'column',
    width: '100%', maxWidth: small ? 'none' : '480px', height: small ? '100%' : 'auto', maxHeight: '100%',
    borderRadius: small ? '0' : '12px',
  })
  dialog.setAttribute('role', 'dialog')
  dialog.setAttribute('aria-modal', 'true')
  dialog.setAttribute('aria-label', 'Payment')
  // Holds focus until the frame has loaded: Esc works at once, and the × is not the first stop.
  dialog.tabIndex = -1
  // The close button sits in its own bar, so it never covers the payment page's content;
  // sticky, so it stays in reach while a tall page scrolls inside the dialog.
  const bar = element('div', { position: 'sticky', top: '0', zIndex: '1', background: '#fff', textAlign: 'right', padding: '6px 6px 0', order: '-1' })
  const button = element('button', {
    width: '36px', height: '36px', border: '0', borderRadius: '18px', background: '#f1f2f4',
    color: '#222', font: '22px/1 sans-serif', cursor: 'pointer',
  })
  button.type = 'button'
  // "×" built at run time: minifiers fold escapes back into the character, and a copy of the
  // file served without `charset=utf-8` on a page in another encoding would show "Ã—".
  button.textContent = JSON.parse('"\\u00d7"')
  button.setAttribute('aria-label', 'Close')
  button.addEventListener('click', onClose)
  bar.append(button)
  content.style.flexShrink = '0'
  dialog.append(guard(() => button.focus()), content, bar, guard(focusStart))
  root.append(dialog)
  root.addEventListener('click', (e) => {
    if (missclick && e.target == root) onClose()
  })

  const top = () => stack[stack.length - 1] == root
  const onKey = (e: KeyboardEvent) => {
    if (top() && e.key == 'Escape') onClose()
  }
  const onFocus = (e: FocusEvent) => {
    if (top() && !root.contains(e.target as Node)) button.focus()
  }
  if (!stack.length) bodyOverflow = document.body.style.overflow
  stack.push(root)
  document.body.style.overflow = 'hidden'
  document.body.append(root)
  document.addEventListener('keydown', onKey)
  document.addEventListener('focusin', onFocus)
  dialog.focus()

  let open = 1
  return (keep) => {
    if (open) {
      open = 0
      document.removeEventListener('keydown', onKey)
      document.removeEventListener('focusin', onFocus)
      stack.splice(stack.indexOf(root), 1)
      if (!stack.length) document.body.style.overflow = bodyOverflow
      if (opener && opener.focus) opener.focus()
    }
    if (keep) root.style.display = 'none'
    else root.remove()
  }
}
