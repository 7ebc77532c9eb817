/** How the monitoring panels write figures and durations. Pure functions (tested in format.test.ts). */

export type Tone = 'neutral' | 'success' | 'warning' | 'danger' | 'info';

/** "42.5 %" (one decimal below 10, none above); `fallback` when unknown. */
export function formatPercent(value: number | null | undefined, fallback = '—'): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return fallback;
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} %`;
}

/** A percentage between 0 and 100 for a bar's width; 0 when unknown. */
export function barWidth(value: number | null | undefined): number {
  if (value === null || value === undefined || !Number.isFinite(value)) return 0;
  return Math.min(100, Math.max(0, value));
}

/** Green below 70 %, amber below 90 %, red from 90 %; grey when unknown. */
export function loadTone(value: number | null | undefined): Tone {
  if (value === null || value === undefined || !Number.isFinite(value)) return 'neutral';
  if (value >= 90) return 'danger';
  if (value >= 70) return 'warning';
  return 'success';
}

/** "3 d 4 h", "5 h 12 min", "7 min"; `fallback` when unknown. */
export function formatDuration(seconds: number | null | undefined, fallback = '—'): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return fallback;
  const days = Math.floor(seconds / 86400);
  const hours = Math.floor((seconds % 86400) / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  if (days) return `${days} d ${hours} h`;
  if (hours) return `${hours} h ${minutes} min`;
  return `${minutes} min`;
}
