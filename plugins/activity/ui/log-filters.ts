/**
 * The Logs page's filters and the URL: what the address bar holds (so a link reproduces the view)
 * and what `GET /api/activity` is asked. Pure functions, tested in log-filters.test.ts.
 */
import type { ActivityQuery } from './api';
import { dayStart, isDay } from './format';

/** The filters as the page and its URL hold them; '' means "any". */
export interface LogFilters {
  serverId: string;
  action: string;
  userId: string;
  /** `YYYY-MM-DD`, from the start of that day. */
  from: string;
  /** `YYYY-MM-DD`, up to the end of that day. */
  to: string;
  q: string;
  page: number;
}

export const NO_FILTERS: LogFilters = { serverId: '', action: '', userId: '', from: '', to: '', q: '', page: 1 };
export const PAGE_SIZE = 50;

/** Kinds of action (prefixes the API matches) and the actions Tomo records, for the action filter. */
export const ACTION_KINDS: ReadonlyArray<{ value: string; label: string }> = [
  { value: 'app', label: 'Apps (install, start, stop, uninstall, crash)' },
  { value: 'server', label: 'Servers (add, change, delete, online, offline, host keys)' },
  { value: 'preparation', label: 'Preparation' },
  { value: 'auth', label: 'Sign-ins and API tokens' },
  { value: 'user', label: 'User accounts' },
  { value: 'backup', label: 'Backups (export, import)' },
];
export const ACTIONS: readonly string[] = [
  'app.install',
  'app.start',
  'app.stop',
  'app.uninstall',
  'app.crashed',
  'auth.login',
  'auth.login_failed',
  'auth.logout',
  'auth.token_create',
  'auth.token_revoke',
  'auth.2fa_enabled',
  'auth.2fa_disabled',
  'auth.recovery_codes_regenerated',
  'preparation.start',
  'preparation.completed',
  'preparation.failed',
  'server.add',
  'server.update',
  'server.delete',
  'server.online',
  'server.offline',
  'server.host_key_trusted',
  'server.host_key_changed',
  'server.host_key_accepted',
  'server.host_key_restored',
  'user.create',
  'user.update',
  'user.delete',
  'user.sessions_revoked',
  'user.2fa_reset',
  'backup.export',
  'backup.import',
];

const ACTION_PATTERN = /^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*(\.\*?)?$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type QueryValue = string | null | undefined | Array<string | null>;

function text(value: QueryValue): string {
  const first = Array.isArray(value) ? value[0] : value;
  return typeof first === 'string' ? first.trim() : '';
}

/**
 * The filters in a URL query. Values the API would refuse (a malformed id, an action that is not
 * one, a date that is not a date) are dropped, so a hand-edited link still shows a page.
 */
export function filtersFromQuery(query: Record<string, QueryValue>): LogFilters {
  const page = Number(text(query.page));
  const id = (v: QueryValue) => (UUID.test(text(v)) ? text(v) : '');
  const day = (v: QueryValue) => (isDay(text(v)) ? text(v) : '');
  return {
    serverId: id(query.serverId),
    action: ACTION_PATTERN.test(text(query.action)) && text(query.action).length <= 64 ? text(query.action) : '',
    userId: id(query.userId),
    from: day(query.from),
    to: day(query.to),
    q: text(query.q).slice(0, 200),
    page: Number.isInteger(page) && page > 1 ? page : 1,
  };
}

/** The URL query of the filters: only those set; page 1 is left out. */
export function queryFromFilters(filters: LogFilters): Record<string, string> {
  const query: Record<string, string> = {};
  for (const key of ['serverId', 'action', 'userId', 'from', 'to', 'q'] as const) {
    const value = filters[key].trim();
    if (value) query[key] = value;
  }
  if (filters.page > 1) query.page = String(filters.page);
  return query;
}

/** What `GET /api/activity` is asked: days become the local day's bounds ("to" includes its day). */
export function apiQueryOf(filters: LogFilters, pageSize = PAGE_SIZE): ActivityQuery {
  return {
    serverId: filters.serverId || undefined,
    action: filters.action || undefined,
    userId: filters.userId || undefined,
    from: filters.from ? dayStart(filters.from) : undefined,
    to: filters.to ? dayStart(filters.to, 1) : undefined,
    q: filters.q.trim() || undefined,
    page: filters.page,
    pageSize,
  };
}

/** The last page for `total` entries (1 when there are none). */
export function lastPage(total: number, pageSize = PAGE_SIZE): number {
  return Math.max(1, Math.ceil(total / pageSize));
}

/** Whether any filter other than the page is set. */
export function isFiltered(filters: LogFilters): boolean {
  return Boolean(filters.serverId || filters.action || filters.userId || filters.from || filters.to || filters.q.trim());
}
