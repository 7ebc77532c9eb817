/**
 * The times of a silence as the Silence dialog offers them: for 1 h, 4 h or 24 h from now, until
 * a chosen time, or a maintenance window (from a later time until another). Pure, so it is tested
 * without a browser.
 */

export type SilenceLength = '1h' | '4h' | '24h' | 'until' | 'window';

export const SILENCE_LENGTHS: ReadonlyArray<{ value: SilenceLength; label: string }> = [
  { value: '1h', label: 'For 1 hour' },
  { value: '4h', label: 'For 4 hours' },
  { value: '24h', label: 'For 24 hours' },
  { value: 'until', label: 'Until…' },
  { value: 'window', label: 'Maintenance window (later)…' },
];

const HOURS: Record<string, number> = { '1h': 1, '4h': 4, '24h': 24 };

/** A `datetime-local` input's value ("2026-12-07T14:30", local time) as an ISO instant; null when empty or unreadable. */
export function fromLocalInput(value: string): string | null {
  if (!value) return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

/** An instant as a `datetime-local` input's value, in local time, to the minute. */
export function toLocalInput(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** What the form holds. */
export interface SilenceTimesInput {
  length: SilenceLength;
  /** `datetime-local` values. */
  startsAt: string;
  endsAt: string;
}

/** The silence's times, or the message for the field at fault. */
export type SilenceTimes = { startsAt?: string; endsAt: string } | { field: 'startsAt' | 'endsAt'; message: string };

export function silenceTimes(input: SilenceTimesInput, now: Date = new Date()): SilenceTimes {
  const hours = HOURS[input.length];
  if (hours) return { endsAt: new Date(now.getTime() + hours * 3600_000).toISOString() };
  const endsAt = fromLocalInput(input.endsAt);
  if (!endsAt) return { field: 'endsAt', message: 'Choose when the silence ends' };
  if (input.length === 'until') {
    if (Date.parse(endsAt) <= now.getTime()) return { field: 'endsAt', message: 'Choose a time in the future' };
    return { endsAt };
  }
  const startsAt = fromLocalInput(input.startsAt);
  if (!startsAt) return { field: 'startsAt', message: 'Choose when the maintenance starts' };
  if (Date.parse(startsAt) <= now.getTime()) return { field: 'startsAt', message: 'A maintenance window starts later; for now, choose “Until…”' };
  if (Date.parse(endsAt) <= Date.parse(startsAt)) return { field: 'endsAt', message: 'The end must be after the start' };
  return { startsAt, endsAt };
}
