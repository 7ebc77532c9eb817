/**
 * The activity log as other plugins see it: what they record and what a reader gets back. Plain
 * types only; the implementation is activity-log.ts, which imports this file (never api.ts).
 */
import type { Principal } from '@tomo/kernel';
import type { ActivityEntryView, Door } from '../views';

/** What a recorder hands to {@link ActivityLogApi.record}. Never put a secret in any field. */
export interface ActivityInput {
  action: string;
  result: 'ok' | 'failed';
  door: Door | null;
  userId?: string | null;
  username?: string | null;
  /** Whose thing the entry is about (server owner, the user concerned): they may read it. */
  ownerId?: string | null;
  targetType?: string | null;
  targetId?: string | null;
  targetName?: string | null;
  serverId?: string | null;
  detail?: string | null;
  clientIp?: string | null;
  /** Defaults to the clock's now. */
  at?: Date;
}

export interface ActivityFilters {
  serverId?: string;
  /** Exact action (`app.install`) or a prefix ending at a dot (`app` matches `app.install`, `app.stop`...). */
  action?: string;
  userId?: string;
  from?: Date;
  to?: Date;
  q?: string;
  page?: number;
  pageSize?: number;
}

export interface ActivityPage {
  entries: ActivityEntryView[];
  total: number;
  page: number;
  pageSize: number;
}

/** The activity log's contract: append an entry, read a page within the reader's rights. */
export interface ActivityLogApi {
  /** Appends an entry. Never throws: a failed write is logged, and the action it records goes on. */
  record(input: ActivityInput): Promise<void>;
  /** Entries the principal may read (all for an admin), newest first, filtered and paged. */
  query(principal: Principal, filters: ActivityFilters): Promise<ActivityPage>;
}
