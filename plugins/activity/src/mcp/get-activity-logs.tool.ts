import { z } from 'zod';
import type { ToolDefinition } from '@tomo/kernel';
import type { ActivityLog } from '../types';
import { activityFilterShape, type ActivityQuery } from '../schemas';

const { page, pageSize, ...filters } = activityFilterShape;
const input = z.strictObject({
  ...filters,
  page: z.number().int().min(1).default(1).describe(page.description ?? 'Page number, from 1'),
  pageSize: z.number().int().min(1).max(200).default(50).describe(pageSize.description ?? 'Entries per page'),
});

/** `get_activity_logs`. */
export function getActivityLogsTool(log: ActivityLog): ToolDefinition<ActivityQuery> {
  return {
    name: 'get_activity_logs',
    title: 'Activity log',
    description:
      'Who did what in Tomo, newest first: logins, servers added/changed/deleted, preparations, app installs, starts, stops, uninstalls, with the result (ok/failed), ' +
      'the door (console, api, mcp, cli, system) and a short detail. Filters: serverId, action (exact like "app.install" or a prefix like "app"), userId, from/to (ISO dates; from inclusive, to exclusive), ' +
      'q (text in the target name or detail); paged with page and pageSize (max 200). Returns { entries, total, page, pageSize }. A user sees their own actions and those about their servers.',
    input: input as unknown as ToolDefinition<ActivityQuery>['input'],
    access: 'authenticated',
    annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
    handler: (a, call) => log.query(call.principal, a),
  };
}
