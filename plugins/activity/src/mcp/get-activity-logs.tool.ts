import { z } from 'zod';
import { aliasedArgument, type ToolDefinition } from '@tomo/kernel';
import { MAX_PAGE_SIZE } from '../activity-log';
import type { ActivityLog } from '../types';
import { activityFilterShape, activityPageSchema } from '../schemas';

const { serverId, userId, action, from, to, q } = activityFilterShape;
const pageSize = z
  .number('must be a number')
  .int('must be a whole number')
  .min(1, `must be 1 to ${MAX_PAGE_SIZE}`)
  .max(MAX_PAGE_SIZE, `must be 1 to ${MAX_PAGE_SIZE}`);
const deprecated = (name: string) => `Deprecated (accepted for one release): use ${name}`;

// snake_case like every other tool; the camelCase names this tool took before stay for one
// release. No zod default on page_size: a default would clash with a pageSize given by an old client.
const input = z.strictObject({
  server_id: serverId,
  action,
  user_id: userId,
  from,
  to,
  q,
  page: z.number('must be a number').int('must be a whole number').min(1, 'must be 1 or more').default(1).describe('Page number, from 1'),
  page_size: pageSize.optional().describe(`Entries per page (default 50, at most ${MAX_PAGE_SIZE})`),
  serverId: serverId.describe(deprecated('server_id')),
  userId: userId.describe(deprecated('user_id')),
  pageSize: pageSize.optional().describe(deprecated('page_size')),
});

/** `get_activity_logs`. */
export function getActivityLogsTool(log: ActivityLog): ToolDefinition<z.output<typeof input>> {
  return {
    name: 'get_activity_logs',
    title: 'Activity log',
    description:
      'Who did what in Tomo, newest first: logins, servers added/changed/deleted, preparations, app installs, starts, stops, uninstalls, with the result (ok/failed), ' +
      'the door (console, api, mcp, cli, system) and a short detail. Filters: server_id, action (exact like "app.install" or a prefix like "app"), user_id, from/to (ISO dates; from inclusive, to exclusive), ' +
      `q (text in the target name or detail); paged with page and page_size (default 50, max ${MAX_PAGE_SIZE}). The old names serverId, userId and pageSize are deprecated and accepted for one release. ` +
      'Returns { entries, total, page, pageSize } (as the HTTP API). A user sees their own actions and those about their servers.',
    input,
    output: activityPageSchema,
    access: 'authenticated',
    annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
    handler: (a, call) =>
      log.query(call.principal, {
        serverId: aliasedArgument(['server_id', a.server_id], ['serverId', a.serverId]),
        userId: aliasedArgument(['user_id', a.user_id], ['userId', a.userId]),
        action: a.action,
        from: a.from,
        to: a.to,
        q: a.q,
        page: a.page,
        pageSize: aliasedArgument(['page_size', a.page_size], ['pageSize', a.pageSize]) ?? 50,
      }),
  };
}
