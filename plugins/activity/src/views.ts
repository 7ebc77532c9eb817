/**
 * Shapes the activity plugin shows outside (HTTP, MCP, the console), with no imports: the
 * console's panels type-check against this file directly (plugins/activity/ui/api.ts), so their
 * types cannot drift from the backend's.
 */

/** Which door an action came through. `system` is Tomo itself (background jobs, finished runs). */
export type Door = 'console' | 'api' | 'mcp' | 'cli' | 'system';

/** One entry as HTTP and MCP show it. */
export interface ActivityEntryView {
  id: string;
  at: string;
  userId: string | null;
  username: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  targetName: string | null;
  serverId: string | null;
  result: 'ok' | 'failed';
  detail: string | null;
  /** `console`, `api`, `mcp`, `cli`, `system`; null when the event did not say (see the docs). */
  door: Door | null;
  clientIp: string | null;
  /** The entry as a sentence ("admin added server web-1"); `action` keeps the code. */
  summary: string;
}

/** One page of the log, newest first. */
export interface ActivityPage {
  entries: ActivityEntryView[];
  total: number;
  page: number;
  pageSize: number;
}
