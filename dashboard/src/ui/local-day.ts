/** A date as the user's own calendar day (`YYYY-MM-DD` in the browser's zone), as date inputs and the API take it. */
export const localDay = (d: Date) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`
