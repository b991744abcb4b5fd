import type { PAGE_METHODS } from '../../../protocol/schemas/page-api.ts'

/** A payment method the page offers (`SessionView.methods`). */
export type PageMethod = (typeof PAGE_METHODS)[number]
