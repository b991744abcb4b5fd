import type { ComponentChildren, ComponentType } from 'preact'
import { useEffect, useState } from 'preact/hooks'

/** A failed chunk is fetched again after this long, for as long as its screen is wanted. */
const RETRY_MS = 2000

export type LazyComponent<P> = {
  /** Renders the component once its chunk is in, `fallback` until then. */
  View: (props: P & { fallback: ComponentChildren }) => ComponentChildren
  /** Starts fetching the chunk (idempotent); resolves when it is in. */
  preload: () => Promise<void>
  /** Whether the chunk is in; while `wanted`, fetches it (again after a failure) and re-renders once in. */
  useLoaded: (wanted: boolean) => boolean
}

/**
 * A component kept out of the page's first script (issue #15: the critical path) and fetched with
 * `import()` when needed, or earlier through `preload`. Preact's own `lazy` needs preact/compat
 * and Suspense; this is the one case the page has. Once loaded it renders synchronously.
 */
export function lazyComponent<P extends object>(load: () => Promise<ComponentType<P>>): LazyComponent<P> {
  let Component: ComponentType<P> | undefined
  let pending: Promise<void> | undefined
  const preload = () =>
    (pending ??= load().then(
      (loaded) => {
        Component = loaded
      },
      (error: unknown) => {
        pending = undefined
        throw error
      },
    ))

  function useLoaded(wanted: boolean): boolean {
    const [, setLoaded] = useState(Component !== undefined)
    useEffect(() => {
      if (!wanted) return
      // In already (another caller's fetch ended between this render and this effect, as on a
      // reload from cache): render again, or the fallback drawn before it would stay.
      if (Component) {
        setLoaded(true)
        return
      }
      let live = true
      let timer: ReturnType<typeof setTimeout> | undefined
      const attempt = () =>
        preload().then(
          () => live && setLoaded(true),
          () => {
            if (live) timer = setTimeout(attempt, RETRY_MS)
          },
        )
      void attempt()
      return () => {
        live = false
        clearTimeout(timer)
      }
    }, [wanted])
    return Component !== undefined
  }

  function View(props: P & { fallback: ComponentChildren }) {
    useLoaded(true)
    const { fallback, ...rest } = props
    return Component ? <Component {...(rest as unknown as P)} /> : fallback
  }

  return { View, preload, useLoaded }
}
