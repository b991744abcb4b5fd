import { element } from './element.ts'

// Open dialogs, newest last: only the top one traps focus and answers Esc, so two modals
// never bounce focus between each other.
const stack: HTMLElement[] = []
let bodyOverflow = ''

/**
 * Shows `content` in a modal dialog over the page and returns the function that removes it.
 * Hint: focus moves into the dialog, stays there, and returns to the opener on removal; the
 * page does not scroll behind it. `onClose` runs for Esc, the close button and, with
 * `missclick`, a click on the backdrop.
 */
export function openModal(content: HTMLElement, onClose: () => void, missclick: boolean): () => void {
  const small = innerWidth < 600
  const opener = document.activeElement as HTMLElement | null
  const root = element('div', {
    position: 'fixed', top: '0', left: '0', width: '100%', height: '100%', zIndex: '2147483000', background: 'rgba(0,0,0,.55)',
    display: 'flex', overflow: 'auto',
  })
  const dialog = element('div', {
    background: '#fff', margin: 'auto', overflow: 'auto',
    width: '100%', maxWidth: small ? 'none' : '480px', height: small ? '100%' : 'auto', maxHeight: '100%',
    borderRadius: small ? '0' : '12px',
  })
  dialog.setAttribute('role', 'dialog')
  dialog.setAttribute('aria-modal', 'true')
  dialog.setAttribute('aria-label', 'Payment')
  // The close button sits in its own bar, so it never covers the payment page's content;
  // sticky, so it stays in reach while a tall page scrolls inside the dialog.
  const bar = element('div', { position: 'sticky', top: '0', zIndex: '1', background: '#fff', textAlign: 'right', padding: '6px 6px 0' })
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
  dialog.append(bar, content)
  root.append(dialog)
  root.addEventListener('click', (e) => {
    if (missclick && e.target == root) onClose()
  })

  const top = () => stack[stack.length - 1] == root
  const onKey = (e: KeyboardEvent) => {
    if (!top()) return
    if (e.key == 'Escape') onClose()
    // Shift+Tab from the first stop wraps to the frame; Tab out of the frame happens inside
    // its own document, and the focusin guard below brings focus back.
    if (e.key == 'Tab' && e.shiftKey && document.activeElement == button) {
      e.preventDefault()
      content.querySelector('iframe')?.focus()
    }
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
  button.focus()

  return () => {
    document.removeEventListener('keydown', onKey)
    document.removeEventListener('focusin', onFocus)
    stack.splice(stack.indexOf(root), 1)
    if (!stack.length) document.body.style.overflow = bodyOverflow
    root.remove()
    opener?.focus?.()
  }
}
