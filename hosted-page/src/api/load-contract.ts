let contract: Promise<typeof import('./contract.ts')> | undefined

/**
 * The contract chunk (valibot and the page-api schemas), fetched once: on the first API call, or
 * earlier by preloadContract once the first screen is up, so the first call rarely waits for it.
 */
export function loadContract(): Promise<typeof import('./contract.ts')> {
  contract ??= import('./contract.ts').catch((error: unknown) => {
    // A failed fetch is retried by the next call rather than remembered.
    contract = undefined
    throw error
  })
  return contract
}
