import { element } from './element.ts'

// Open dialogs, newest last: only the top one answers Esc and guards focus, so two modals
// never bounce focus between each other.
const stack: HTMLElement[] = []
let bodyOverflow = ''

/** A focusable, invisible stop: Tab landing on it means focus is leaving the dialog at that end. */
function guard(onFocus: () => void): HTMLElement {
  return element('div', { position: 'fixed' }, { tabIndex: 0, onfocus: onFocus })
}

/**
 * Shows `content` in a modal dialog over the page and returns the function that takes it away
 * (with `keep`, the dialog only becomes invisible, so a frame inside goes on running).
 * Hint: Tab order is content (the payment frame) then the close button, which is shown on
 * top; guards at both ends wrap focus around, as focus in a cross-origin frame cannot be
 * watched from here. `focusStart` puts focus on the frame's first field. Focus returns to
 * the opener on removal; the page does not scroll behind it. `onClose` runs for Esc, the
 * close button and, with `missclick`, a click on the backdrop. `label` names the dialog,
 * `closeLabel` its close button.
 */
export function openModal(content: HTMLElement, onClose: () => void, missclick: boolean, focusStart: () => void, label: string, closeLabel: string): (keep?: boolean) => void {
  const small = innerWidth < 600
  const opener = document.activeElement as HTMLElement | null
  const root = element('div', {
    position: 'fixed', inset: '0', zIndex: '2147483000', background: '#0008',
    display: 'flex', overflow: 'auto',
  })
  // The payment page is the dialog's whole surface, so its light or dark palette (and the
  // merchant's theme) is the modal's; until it loads, the system's light or dark canvas.
  const dialog = element('div', {
    background: 'Canvas', colorScheme: 'light dark', margin: 'auto', overflow: 'auto', display: 'flex', flexDirection: 'column',
    width: '100%', maxWidth: small ? 'none' : '480px', height: small ? '100%' : '', maxHeight: '100%',
    borderRadius: small ? '0' : '12px',
  })
  dialog.setAttribute('role', 'dialog')
  dialog.setAttribute('aria-modal', 'true')
  dialog.setAttribute('aria-label', label)
  // Holds focus until the frame has loaded: Esc works at once, and the × is not the first stop.
  dialog.tabIndex = -1
  // The close button floats over the page's top right corner, which the page keeps free when
  // framed (styles.css): no bar of the modal's own colour, and no height taken from the form.
  // Sticky, so it stays in reach while a tall page scrolls inside the dialog.
  const bar = element('div', { position: 'sticky', top: '0', zIndex: '1', height: '0', textAlign: 'right', order: '-1' })
  const button = element('button', {
    width: '36px', height: '36px', margin: '6px', border: '0', borderRadius: '18px', background: '#eee',
    color: '#222', font: '22px/1 sans-serif', cursor: 'pointer',
  }, { type: 'button', textContent: '\u00d7', onclick: onClose })
  button.setAttribute('aria-label', closeLabel)
  bar.append(button)
  // Fills a full-screen dialog, so a short page leaves no gap under it.
  content.style.flex = '1 0 auto'
  dialog.append(guard(() => button.focus()), content, bar, guard(focusStart))
  root.append(dialog)
  root.addEventListener('click', (e) => {
    if (missclick && e.target == root) onClose()
  })

  const top = () => stack[stack.length - 1] == root
  // One signal takes both document listeners away.
  const listening = new AbortController()
  if (!stack.length) bodyOverflow = document.body.style.overflow
  stack.push(root)
  document.body.style.overflow = 'hidden'
  document.body.append(root)
  document.addEventListener('keydown', (e) => {
    if (top() && e.key == 'Escape') onClose()
  }, listening)
  document.addEventListener('focusin', (e) => {
    if (top() && !root.contains(e.target as Node)) button.focus()
  }, listening)
  dialog.focus()

  let open = 1
  return (keep) => {
    if (open) {
      open = 0
      listening.abort()
      stack.splice(stack.indexOf(root), 1)
      if (!stack.length) document.body.style.overflow = bodyOverflow
      opener?.focus?.()
    }
    if (keep) root.style.display = 'none'
    else root.remove()
  }
}
