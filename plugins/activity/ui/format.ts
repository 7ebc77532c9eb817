/** How the activity panels write entries, times and pages. Pure functions (tested in format.test.ts). */
import type { ActivityEntry, Door } from './api';

export const DOOR_LABEL: Record<Door, string> = { console: 'Console', api: 'API', mcp: 'MCP', cli: 'CLI', system: 'System' };

/** Who did it: the username, "system" for the poller and other automatic entries. */
export function who(entry: Pick<ActivityEntry, 'username' | 'userId' | 'door'>): string {
  if (entry.username) return entry.username;
  if (entry.userId) return 'deleted user';
  return 'system';
}

/** What it was about: "Uptime Kuma (app)", the id when the name is gone, or "—". */
export function target(entry: Pick<ActivityEntry, 'targetName' | 'targetType' | 'targetId'>): string {
  const name = entry.targetName ?? entry.targetId;
  if (!name) return '—';
  return entry.targetType ? `${name} (${entry.targetType.replace(/_/g, ' ')})` : name;
}

/** "1–50 of 312"; "0 of 0" when empty. */
export function pageRange(page: number, pageSize: number, total: number, shown: number): string {
  if (!total || !shown) return `0 of ${total}`;
  const first = (page - 1) * pageSize + 1;
  return `${first}–${first + shown - 1} of ${total}`;
}

/** A time for a log line: "14:05" today, "12 Mar, 14:05" before. */
export function formatLogTime(value: string, now: Date = new Date()): string {
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return value;
  if (date.toDateString() === now.toDateString()) return date.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
  return date.toLocaleString(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
}

/** Whether `value` is a `YYYY-MM-DD` date (what a date input gives). */
export function isDay(value: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(Date.parse(value));
}

/**
 * The start of a `YYYY-MM-DD` day in the browser's time zone, `addDays` later, as an ISO date-time:
 * a "from" day is its midnight, a "to" day (inclusive for a person, exclusive for the API) the next midnight.
 */
export function dayStart(day: string, addDays = 0): string {
  const [y, m, d] = day.split('-').map(Number);
  return new Date(y, m - 1, d + addDays).toISOString();
}
