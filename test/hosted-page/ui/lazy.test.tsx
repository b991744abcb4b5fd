import { act, render, screen } from '@testing-library/preact'
import { describe, expect, it, vi } from 'vitest'
import { lazyComponent } from '../../../hosted-page/src/ui/lazy.tsx'

const Hello = ({ name }: { name: string }) => <p>hello {name}</p>

describe('lazyComponent', () => {
  it('shows the fallback until the chunk is in, then the component with its props', async () => {
    let resolve!: (c: typeof Hello) => void
    const lazy = lazyComponent<{ name: string }>(() => new Promise((r) => (resolve = r)))
    render(<lazy.View name="Ann" fallback={<p>placeholder</p>} />)
    expect(screen.getByText('placeholder')).toBeTruthy()
    resolve(Hello)
    expect(await screen.findByText('hello Ann')).toBeTruthy()
    expect(screen.queryByText('placeholder')).toBeNull()
  })

  it('renders at once when preloaded, and fetches once', async () => {
    const load = vi.fn(async () => Hello)
    const lazy = lazyComponent<{ name: string }>(load)
    await Promise.all([lazy.preload(), lazy.preload()])
    render(<lazy.View name="Bo" fallback={<p>placeholder</p>} />)
    expect(screen.getByText('hello Bo')).toBeTruthy()
    expect(load).toHaveBeenCalledTimes(1)
  })

  it('fetches a failed chunk again while its screen is up', async () => {
    vi.useFakeTimers()
    try {
      const load = vi.fn<() => Promise<typeof Hello>>().mockRejectedValueOnce(new Error('offline')).mockResolvedValue(Hello)
      const lazy = lazyComponent<{ name: string }>(load)
      render(<lazy.View name="Cy" fallback={<p>placeholder</p>} />)
      await act(async () => {})
      expect(screen.getByText('placeholder')).toBeTruthy()
      await act(async () => {
        await vi.advanceTimersByTimeAsync(2000)
      })
      await act(async () => {
        await vi.advanceTimersByTimeAsync(50)
      })
      expect(screen.getByText('hello Cy')).toBeTruthy()
      expect(load).toHaveBeenCalledTimes(2)
    } finally {
      vi.useRealTimers()
    }
  })
})
