import type { WidgetMessage } from '../../../protocol/messages.ts'
import type { ParentBridge } from './bridge.ts'
import { externalForm } from './external-form.ts'

const FIELDS = 'input:not([type=hidden]):not([disabled]), select:not([disabled]), textarea:not([disabled]), button:not([disabled]), a[href]'

/**
 * What the page does for each widget message: `epframe.focus` puts focus on the first field
 * of the screen (the modal opened, or Tab wrapped around); ECommPay's embedded mode validates
 * and submits the card form for the merchant's own Pay button. `epframe.close` needs nothing:
 * the payment's state lives on the server.
 */
export function answerWidget(bridge: ParentBridge, doc: Document): (message: WidgetMessage) => void {
  return ({ message }) => {
    if (message === 'epframe.focus') {
      const first = [...doc.querySelectorAll<HTMLElement>(`main :is(${FIELDS})`)].find((el) => !el.closest('[hidden]'))
      first?.focus()
    } else if (message === 'epframe.embedded_mode.check_validation') {
      // No card form on screen (a result, a redirect): never report "valid" for a form that is not there.
      const errors = externalForm()?.validate() ?? { form: 'unavailable' }
      bridge.post('epframe.embedded_mode.check_validation_response', errors)
    } else if (message === 'epframe.embedded_mode.submit') {
      externalForm()?.submit()
    }
  }
}
