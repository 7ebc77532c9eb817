import type { PluginContext } from '@tomo/kernel';
import type { ActivityLog } from '../types';
import { activityPageSchema, activityQuery } from '../schemas';

const DESCRIPTION =
  'A `user` sees the entries they made and those about their own servers; an admin sees all. `action` is exact (`app.install`) or a prefix (`app`, `app.*`); `from` is inclusive, `to` exclusive. Entries are never edited or deleted through the API; they leave only by age (`activity.retentionDays`).';

/** The log's path, and the path it had under the monitoring plugin (deprecated, removed in the next release). */
const PATHS = [
  { path: '/api/activity', summary: 'The activity log, newest first: filter by server, action, user, time and text; paged (at most 200 per page)', description: DESCRIPTION },
  { path: '/api/logs', summary: 'Deprecated: the old path of GET /api/activity (same query and answer); removed in the next release', description: `Use \`GET /api/activity\`. ${DESCRIPTION}` },
] as const;

/**
 * `GET /api/activity`: the activity log, read-only (there is no route that edits or deletes an
 * entry); and `GET /api/logs`, its old path, kept as an alias for one release so scripts written
 * against the monitoring plugin keep working.
 */
export function registerActivityRoutes(ctx: PluginContext, log: ActivityLog): void {
  for (const { path, summary, description } of PATHS) {
    ctx.http.route({
      method: 'GET',
      path,
      summary,
      description,
      access: 'authenticated',
      query: activityQuery,
      response: activityPageSchema,
      handler: ({ query }, call) => log.query(call.principal, query),
    });
  }
}
