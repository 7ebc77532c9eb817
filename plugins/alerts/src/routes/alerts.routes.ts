import { z } from 'zod';
import type { PluginContext } from '@tomo/kernel';
import type { AlertQueries } from '../evaluation/alert-queries';
import { alertPageSchema } from '../evaluation/alert-views';

export const MAX_ALERTS_PAGE = 200;

export const alertsQuery = z.strictObject({
  state: z.enum(['firing', 'resolved'], "must be 'firing' or 'resolved'").optional(),
  serverId: z.string().min(1).max(64, 'must be at most 64 characters').optional(),
  ruleId: z.string().min(1).max(64, 'must be at most 64 characters').optional(),
  page: z.coerce.number('must be a number').int('must be a whole number').min(1, 'must be 1 or more').default(1),
  pageSize: z.coerce.number('must be a number').int('must be a whole number').min(1, `must be 1 to ${MAX_ALERTS_PAGE}`).max(MAX_ALERTS_PAGE, `must be 1 to ${MAX_ALERTS_PAGE}`).default(50),
});

/** `GET /api/alerts` (firing and history, newest first) and `GET /api/alerts/summary` (the sidebar badge). */
export function registerAlertRoutes(ctx: PluginContext, alerts: AlertQueries): void {
  const visibility = 'A `user` sees the alerts on their own servers; an admin sees all.';
  ctx.http.route({
    method: 'GET',
    path: '/api/alerts',
    summary: 'Alerts, newest first: filter by state, server and rule; paged',
    description: visibility,
    access: 'authenticated',
    query: alertsQuery,
    response: alertPageSchema,
    handler: ({ query }, call) => alerts.list(call.principal, query),
  });
  ctx.http.route({
    method: 'GET',
    path: '/api/alerts/summary',
    summary: 'How many of the caller\'s visible alerts are firing (the sidebar badge)',
    description: visibility,
    access: 'authenticated',
    response: z.object({ firing: z.number() }),
    handler: async (_input, call) => ({ firing: await alerts.firingCount(call.principal) }),
  });
}
