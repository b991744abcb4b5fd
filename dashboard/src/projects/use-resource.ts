import { useCallback, useEffect, useState } from 'preact/hooks'

/** Loads something for a screen with the three designed states: loading, error, data. */
export function useResource<T>(load: () => Promise<T>, deps: unknown[] = []) {
  const [data, setData] = useState<T>()
  const [error, setError] = useState<unknown>()
  const [loading, setLoading] = useState(true)
  const reload = useCallback(() => {
    setLoading(true)
    setError(undefined)
    load().then(
      (value) => {
        setData(value)
        setLoading(false)
      },
      (err: unknown) => {
        setError(err)
        setLoading(false)
      },
    )
  }, deps)
  useEffect(reload, deps)
  return { data, error, loading, reload, setData }
}
