/**
 * The form that ECommPay's embedded mode drives from the merchant page (its own Pay button
 * calls the widget's `trySubmit()`): the card form registers itself while it is mounted.
 */
export type ExternalForm = {
  /** Validates as a submit would, shows the errors, and returns them (field → message). */
  validate(): Record<string, string>
  /** Submits as the page's own Pay button does. */
  submit(): void
}

let current: ExternalForm | null = null

/** Makes `form` the one the widget drives; returns the function that unregisters it. */
export function registerExternalForm(form: ExternalForm): () => void {
  current = form
  return () => {
    if (current === form) current = null
  }
}

/** The form the widget drives now, if one is on screen. */
export function externalForm(): ExternalForm | null {
  return current
}
