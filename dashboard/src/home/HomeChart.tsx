import { useEffect, useRef } from 'preact/hooks'
import uPlot from 'uplot'
import 'uplot/dist/uPlot.min.css'

export type ChartProps = {
  /** Bucket labels (`YYYY-MM-DDTHH:00`, the user's wall clock). */
  buckets: string[]
  current: number[]
  previous: number[]
  kind: 'line' | 'bars'
  labels: { current: string; previous: string; bucket: string }
  /** Formats a y value (minor units or a count) for the axis and legend. */
  format: (value: number) => string
  /** Formats a bucket for the x axis and legend. */
  formatBucket: (bucket: string) => string
  /** Shorter bucket text for the axis ticks. */
  formatTick: (bucket: string) => string
  title: string
}

/**
 * The home chart (uPlot, lazily loaded with this screen). x is the bucket's index, so the
 * previous period lines up with the current one bucket by bucket whatever the dates.
 */
export function HomeChart(props: ChartProps) {
  const box = useRef<HTMLDivElement>(null)
  useEffect(() => {
    const el = box.current
    if (!el) return
    const xs = props.buckets.map((_b, i) => i)
    const bars = props.kind === 'bars' ? uPlot.paths.bars!({ size: [0.6, 48] }) : undefined
    const width = () => Math.max(260, el.clientWidth)
    const plot = new uPlot({
      width: width(),
      height: 260,
      scales: { x: { time: false } },
      axes: [
        { space: 56, values: (_u, ticks) => ticks.map((i) => (Number.isInteger(i) && props.buckets[i] ? props.formatTick(props.buckets[i]!) : '')), stroke: '#475569', grid: { show: false } },
        { values: (_u, ticks) => ticks.map(props.format), size: 80, stroke: '#475569', grid: { stroke: '#e2e8f0' } },
      ],
      series: [
        { label: props.labels.bucket, value: (_u, i) => (i === null || !props.buckets[i] ? '' : props.formatBucket(props.buckets[i]!)) },
        // The previous period stays a dashed line over bars too: two bar sets on one bucket would hide each other.
        { label: props.labels.previous, stroke: '#64748b', dash: [6, 4], width: 2, points: { show: false }, value: (_u, y) => (y === null ? '—' : props.format(y)) },
        { label: props.labels.current, stroke: '#1d4ed8', width: 2, value: (_u, y) => (y === null ? '—' : props.format(y)), ...(bars ? { paths: bars, fill: '#2563eb' } : { fill: 'rgba(37, 99, 235, 0.08)' }) },
      ],
      legend: { live: true },
      cursor: { points: { show: !bars } },
    }, [xs, props.previous, props.current], el)
    const resize = new ResizeObserver(() => plot.setSize({ width: width(), height: 260 }))
    resize.observe(el)
    return () => {
      resize.disconnect()
      plot.destroy()
    }
  }, [props.buckets, props.current, props.previous, props.kind, props.format, props.formatBucket])
  return <div class="home-chart" ref={box} role="img" aria-label={props.title} />
}
