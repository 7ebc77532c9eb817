import { z } from 'zod';
import type { PluginContext } from '@tomo/kernel';
import { badRequest, notFound, type ToolDefinition } from '@tomo/kernel';
import type { AlertQueries } from '../evaluation/alert-queries';
import { alertPageSchema } from '../evaluation/alert-views';
import { MAX_ALERTS_PAGE } from '../routes/alerts.routes';
import type { SilenceService } from '../silences/silence-service';
import { silenceViewSchema } from '../silences/silence-views';
import { withSnakeFields } from './snake-fields';

const id = (what: string) => z.string(`must be the ${what} id`).min(1, `must be the ${what} id`).max(64);
const instant = z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date and time (2026-12-24T18:00:00Z)' });

const listInput = z.strictObject({
  state: z.enum(['firing', 'resolved'], "must be 'firing' or 'resolved'").optional().describe('firing: now; resolved: history'),
  server_id: id('server').optional(),
  rule_id: id('rule').optional(),
  page: z.number('must be a number').int('must be a whole number').min(1, 'must be 1 or more').default(1),
  page_size: z.number('must be a number').int('must be a whole number').min(1, `must be 1 to ${MAX_ALERTS_PAGE}`).max(MAX_ALERTS_PAGE, `must be 1 to ${MAX_ALERTS_PAGE}`).default(50),
});

const silenceInput = z.strictObject({
  alert_id: id('alert').optional().describe("Silence this alert's rule on its server"),
  rule_id: id('rule').optional(),
  server_id: id('server').optional(),
  minutes: z.number('must be a number of minutes').int('must be a whole number of minutes').min(1, 'must be 1 or more').max(527040, 'must be at most a year').optional().describe('How long, from now (or from starts_at)'),
  starts_at: instant.optional().describe('A maintenance window ahead: when it starts'),
  ends_at: instant.optional().describe('When it ends (instead of minutes)'),
  reason: z.string('must be a string').max(200, 'must be at most 200 characters').optional(),
});

export function registerAlertTools(ctx: PluginContext, alerts: AlertQueries, silences: SilenceService): void {
  const list: ToolDefinition<z.output<typeof listInput>> = {
    name: 'list_alerts',
    title: 'Alerts',
    description:
      'Alerts firing now and recent ones, newest first, filterable by state (firing|resolved), server_id and rule_id; paged (page, page_size up to 200). ' +
      'Each has its subject ("Disk / at 93 % on nas (over 90 % for 10 min)"), value, threshold, times and whether a silence held its notifications back. ' +
      'A user sees the alerts on their own servers. Returns { alerts, total, firing } (as GET /api/alerts).',
    input: listInput,
    output: alertPageSchema,
    access: 'authenticated',
    annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
    handler: (a, call) => alerts.list(call.principal, { state: a.state, serverId: a.server_id, ruleId: a.rule_id, page: a.page, pageSize: a.page_size }),
  };
  const silence: ToolDefinition<z.output<typeof silenceInput>> = {
    name: 'silence_alert',
    title: 'Silence alerts',
    description:
      "Holds back notifications (alerts are still recorded, flagged silenced) for an alert's rule on its server (alert_id), or a rule, a server, both or (admins: everything; users: all their servers) neither; " +
      'for minutes, or until ends_at; with starts_at ahead it is a maintenance window. A user silences only their own servers. Returns { silence }.',
    input: silenceInput,
    output: z.object({ silence: silenceViewSchema }),
    access: 'authenticated',
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
    handler: (a, call) =>
      withSnakeFields(async () => {
        let ruleId = a.rule_id ?? null;
        let serverId = a.server_id ?? null;
        if (a.alert_id) {
          const alert = await alerts.visible(call.principal, a.alert_id);
          if (!alert) throw notFound('Alert');
          ruleId = alert.ruleId;
          serverId = alert.serverId;
        }
        if ((a.minutes === undefined) === (a.ends_at === undefined)) throw badRequest('minutes', 'give minutes or ends_at (one of them)');
        const from = a.starts_at ? new Date(a.starts_at).getTime() : Date.now();
        const endsAt = a.ends_at ?? new Date(from + (a.minutes ?? 0) * 60000).toISOString();
        return { silence: await silences.create({ ruleId, serverId, startsAt: a.starts_at, endsAt, reason: a.reason ?? null }, call) };
      }),
  };
  ctx.mcp.tool(list);
  ctx.mcp.tool(silence);
}
