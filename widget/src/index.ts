import { create } from './create.ts'
import type { WidgetConfig, WidgetInstance, WidgetMethod } from './types.ts'

export type * from './types.ts'
export { create }

/** Opens EPay's payment page for `config` now: a modal by default, inline with `target_element`. */
export function run(config: WidgetConfig, method?: WidgetMethod): WidgetInstance {
  return create(config, method).open()
}

/** Opens the payment page for `config` each time the element with id `buttonId` is clicked. */
export function bind(buttonId: string, config: WidgetConfig, method?: WidgetMethod): void {
  const button = document.getElementById(buttonId)
  if (!button) throw new Error(`EPayWidget: element "${buttonId}" not found`)
  button.addEventListener('click', (e) => {
    e.preventDefault()
    run(config, method)
  })
}
