/**
 * The activity log's contract types: plain data and one interface, no implementation. `api.ts`
 * re-exports them; the service implements {@link ActivityLog} and imports from here, never from
 * `api.ts`, so there is no import circle between the contract and the code behind it.
 */
import type { Principal } from '@tomo/kernel';
import type { ActivityPage, Door } from './views';

export type { ActivityEntryView, ActivityPage, Door } from './views';

/** What a recorder hands to {@link ActivityLog.record}. Never put a secret in any field. */
export interface ActivityInput {
  /** What happened, `<area>.<verb>`: `app.install`, `server.offline`, `my_plugin.did`. */
  action: string;
  result: 'ok' | 'failed';
  /** Which door the action came through; null when the event did not say. */
  door: Door | null;
  /** The actor; null for the system. */
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

/** How {@link ActivityLog.query} narrows the log. */
export interface ActivityFilters {
  serverId?: string;
  /** Exact action (`app.install`) or a prefix ending at a dot (`app` matches `app.install`, `app.stop`...). */
  action?: string;
  userId?: string;
  /** Inclusive. */
  from?: Date;
  /** Exclusive. */
  to?: Date;
  /** Text searched, case-insensitive, in the target name and the detail. */
  q?: string;
  page?: number;
  pageSize?: number;
}

/**
 * The activity log: append and read. There is deliberately no update and no delete of single
 * entries; entries leave only by age (`activity.retentionDays`).
 */
export interface ActivityLog {
  /** Appends an entry. Never throws: a failed write is logged, and the action it records goes on. */
  record(input: ActivityInput): Promise<void>;
  /** Entries the principal may read (a `user`: what they did and what concerns them), newest first. */
  query(principal: Principal, filters: ActivityFilters): Promise<ActivityPage>;
}
