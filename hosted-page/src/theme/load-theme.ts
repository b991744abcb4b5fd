let chunk: Promise<typeof import('./apply-theme.ts')> | undefined

/**
 * The theme code (apply-theme.ts) from its own chunk, fetched once (again after a failure): most
 * payments have no theme, so their first script does without it (issue #15). A themed page has
 * it preloaded by the server (`<link rel="modulepreload">`) and asked for at boot (main.tsx).
 */
export function loadTheme(): Promise<typeof import('./apply-theme.ts')> {
  chunk ??= import('./apply-theme.ts').catch((error: unknown) => {
    chunk = undefined
    throw error
  })
  return chunk
}
