/**
 * The activity plugin's HTTP API as its panels use it (`GET /api/activity`, and the servers and
 * users for the filters). Every call rejects with the kit's `ApiError`. The entry and the door come
 * from the backend's import-free `src/views.ts`, so their types cannot drift from the backend's.
 */
import { api } from '@tomo/ui-shell/kit';
import type { ActivityEntryView, ActivityPage as ActivityPageView, Door } from '../src/views';

export type { Door };

export type ActivityResult = ActivityEntryView['result'];

/** One entry of the activity log. */
export type ActivityEntry = ActivityEntryView;

/** One page of the log, newest first. */
export type ActivityPage = ActivityPageView;

/** Filters of `GET /api/activity`; empty ones are left out of the request. */
export interface ActivityQuery {
  serverId?: string;
  action?: string;
  userId?: string;
  /** ISO 8601 date or date-time, inclusive. */
  from?: string;
  /** ISO 8601 date or date-time, exclusive. */
  to?: string;
  q?: string;
  page?: number;
  pageSize?: number;
}

/** A server or a user as a filter's choice. */
export interface Choice {
  id: string;
  name: string;
}

const QUERY_KEYS = ['serverId', 'action', 'userId', 'from', 'to', 'q', 'page', 'pageSize'] as const;

/** The query string of `GET /api/activity` (the API rejects unknown and empty parameters). */
export function activityQueryString(query: ActivityQuery): string {
  const search = new URLSearchParams();
  for (const key of QUERY_KEYS) {
    const value = query[key];
    if (value === undefined || value === null) continue;
    const text = String(value).trim();
    if (text) search.set(key, text);
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

export const activityApi = {
  /** One page of the entries the caller may read, filtered. */
  page: (query: ActivityQuery, signal?: AbortSignal): Promise<ActivityPage> => api.get<ActivityPage>(`/api/activity${activityQueryString(query)}`, { signal }),
  /** The servers the caller may see, for the server filter. */
  serverChoices: async (): Promise<Choice[]> =>
    (await api.get<{ servers: Array<{ id: string; name: string }> }>('/api/servers')).servers.map((s) => ({ id: s.id, name: s.name })),
  /** Admins only: every user, for the user filter. */
  userChoices: async (): Promise<Choice[]> =>
    (await api.get<{ users: Array<{ id: string; username: string }> }>('/api/users')).users.map((u) => ({ id: u.id, name: u.username })),
};
