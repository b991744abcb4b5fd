import type { Granularity } from '../../../protocol/schemas/dashboard/home.ts'

// Buckets are the user's wall-clock hours, days or months, named as local time without an
// offset. On a DST day the skipped hour is an empty bucket and the repeated hour is one bucket,
// as a wall clock shows them; the money in them is counted exactly once either way.

const DAY = 86_400_000

/** `date` (YYYY-MM-DD) moved by `days` calendar days. */
export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY).toISOString().slice(0, 10)
}

/** The bucket labels of a period, in order: `YYYY-MM-DDTHH:00`, as the SQL `to_char` writes them. */
export function bucketsOf(from: string, to: string, granularity: Granularity): string[] {
  const out: string[] = []
  for (let day = from; day <= to; day = addDays(day, 1)) {
    if (granularity === 'hour') for (let h = 0; h < 24; h++) out.push(`${day}T${String(h).padStart(2, '0')}:00`)
    else if (granularity === 'day') out.push(`${day}T00:00`)
    else if (out.at(-1) !== `${day.slice(0, 7)}-01T00:00`) out.push(`${day.slice(0, 7)}-01T00:00`)
  }
  return out
}

/** The period of the same number of days right before `from`..`to`. */
export function previousPeriod(from: string, to: string): { from: string; to: string } {
  const days = Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY) + 1
  return { from: addDays(from, -days), to: addDays(from, -1) }
}
