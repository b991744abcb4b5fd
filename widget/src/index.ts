import { create, fail, lastOpened } from './create.ts'
import type { WidgetConfig, WidgetInstance, WidgetMethod } from './types.ts'

export type * from './types.ts'
export { create }

/** Opens EPay's payment page for `config` now: a modal by default, inline with `target_element`. */
export function run(config: WidgetConfig, method?: WidgetMethod): WidgetInstance {
  return create(config, method).open()
}

/**
 * ECommPay's embedded mode: the page inline in `target_element`, paid with the merchant's own
 * button through the instance's `trySubmit()`.
 */
export function runEmbedded(config: WidgetConfig, method?: WidgetMethod): WidgetInstance {
  if (!config.target_element) throw fail('runEmbedded needs target_element')
  return run(config, method)
}

/** Opens the payment page for `config` each time the element with id `buttonId` is clicked. */
export function bind(buttonId: string, config: WidgetConfig, method?: WidgetMethod): void {
  const button = document.getElementById(buttonId)
  if (!button) throw fail(`element "${buttonId}" not found`)
  button.addEventListener('click', (e) => {
    e.preventDefault()
    run(config, method)
  })
}

/** Closes the widget opened last (ECommPay's `EPayWidget.closePopup()`). */
export function closePopup(): void {
  if (lastOpened) lastOpened.close()
}
