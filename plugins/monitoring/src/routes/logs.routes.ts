import type { PluginContext } from '@tomo/kernel';
import type { ActivityLog } from '../activity/activity-log';
import { activityPageSchema, activityQuery } from '../schemas';

/** `GET /api/logs`: the activity log, read-only (there is no route that edits or deletes an entry). */
export function registerLogRoutes(ctx: PluginContext, log: ActivityLog): void {
  ctx.http.route({
    method: 'GET',
    path: '/api/logs',
    summary: 'The activity log, newest first: filter by server, action, user, time and text; paged (at most 200 per page)',
    description:
      'A `user` sees the entries they made and those about their own servers; an admin sees all. `action` is exact (`app.install`) or a prefix (`app`, `app.*`); `from` is inclusive, `to` exclusive. Entries are never edited or deleted through the API; they leave only by age (`monitoring.activityRetentionDays`).',
    access: 'authenticated',
    query: activityQuery,
    response: activityPageSchema,
    handler: ({ query }, call) => log.query(call.principal, query),
  });
}
