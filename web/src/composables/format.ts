// Dates, times and labels as people read them.

const dateFormat = new Intl.DateTimeFormat(undefined, {
  year: 'numeric',
  month: 'short',
  day: 'numeric',
  timeZone: 'UTC',
})
const dateTimeFormat = new Intl.DateTimeFormat(undefined, {
  year: 'numeric',
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
})

/** `YYYY-MM-DD` (a calendar date, no time zone) → "Nov 25, 2026". */
export function formatDate(date: string | null | undefined): string {
  if (!date) return '—'
  const parsed = new Date(`${date.slice(0, 10)}T00:00:00Z`)
  return Number.isNaN(parsed.getTime()) ? date : dateFormat.format(parsed)
}

/** An RFC 3339 instant in the viewer's time zone. */
export function formatDateTime(instant: string | null | undefined): string {
  if (!instant) return '—'
  const parsed = new Date(instant)
  return Number.isNaN(parsed.getTime()) ? instant : dateTimeFormat.format(parsed)
}

/** Today as `YYYY-MM-DD` in the viewer's time zone. */
export function todayIso(now: Date = new Date()): string {
  const y = now.getFullYear()
  const m = String(now.getMonth() + 1).padStart(2, '0')
  const d = String(now.getDate()).padStart(2, '0')
  return `${y}-${m}-${d}`
}

/** "in_progress" → "In progress". */
export function humanize(value: string | null | undefined): string {
  if (!value) return ''
  const text = value.replace(/_/g, ' ')
  return text.charAt(0).toUpperCase() + text.slice(1)
}

export function relativeTime(instant: string, now: Date = new Date()): string {
  const then = new Date(instant).getTime()
  if (Number.isNaN(then)) return instant
  const seconds = Math.round((then - now.getTime()) / 1000)
  const rtf = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' })
  const abs = Math.abs(seconds)
  if (abs < 60) return rtf.format(seconds, 'second')
  if (abs < 3600) return rtf.format(Math.round(seconds / 60), 'minute')
  if (abs < 86400) return rtf.format(Math.round(seconds / 3600), 'hour')
  return rtf.format(Math.round(seconds / 86400), 'day')
}
