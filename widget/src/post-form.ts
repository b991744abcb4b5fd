import { element } from './element.ts'

/**
 * Posts `params` as a hidden form to `action` into the window or frame named `target`, then
 * removes the form; a form body has no URL length limit for long parameter sets.
 */
export function postForm(action: string, params: Record<string, string>, target: string): void {
  const form = element('form', { display: 'none' }, { method: 'post', action, target })
  for (const [name, value] of Object.entries(params)) form.append(element('input', {}, { type: 'hidden', name, value }))
  document.body.append(form)
  form.submit()
  form.remove()
}
