// Times come from the API in UTC with the precision that is known; they are shown at that precision,
// in UTC, so that a day-precise date never shifts by a time zone.

const formats = {
  year: new Intl.DateTimeFormat('en-GB', { year: 'numeric', timeZone: 'UTC' }),
  month: new Intl.DateTimeFormat('en-GB', { month: 'long', year: 'numeric', timeZone: 'UTC' }),
  day: new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' }),
  hour: new Intl.DateTimeFormat('en-GB', {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    timeZone: 'UTC',
  }),
  minute: new Intl.DateTimeFormat('en-GB', {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    timeZone: 'UTC',
  }),
} as const;

export function formatTime(iso: string | null | undefined, precision?: string | null): string {
  if (!iso) return 'undated';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const key = precision && precision in formats ? (precision as keyof typeof formats) : 'minute';
  const text = formats[key].format(date);
  return key === 'hour' || key === 'minute' ? `${text} UTC` : text;
}

export const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

const tickDay = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  timeZone: 'UTC',
});
const tickTime = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'short',
  hour: '2-digit',
  minute: '2-digit',
  timeZone: 'UTC',
});

/** A short label for a time axis: a day, or a day and a UTC time. */
export function formatTick(time: number, unit: 'day' | 'moment'): string {
  return unit === 'day' ? tickDay.format(time) : tickTime.format(time);
}
