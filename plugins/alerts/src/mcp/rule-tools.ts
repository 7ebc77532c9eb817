import { z } from 'zod';
import type { PluginContext } from '@tomo/kernel';
import type { ToolDefinition } from '@tomo/kernel';
import { ruleFieldShape, ruleViewSchema } from '../rules/rule-schema';
import type { RuleService } from '../rules/rule-service';
import { withSnakeFields } from './snake-fields';

const f = ruleFieldShape;
const ruleId = z.string('must be the rule id').min(1, 'must be the rule id').max(64).describe('The rule id (from list_alert_rules)');
const OWNERSHIP = "A user sees and changes only their own rules, which cover only their own servers (another user's rule or server: not found); an admin all, the built-in defaults too.";
const FIELDS =
  'kind "metric" (metric: cpu|memory|disk_root|disk_docker|load|ssh_latency, operator ">"|"<", threshold (percent for cpu/memory/disks), for_minutes the value must hold, clear_threshold where it resolves: default threshold − 5 %) ' +
  'or "event" (event: server_offline|app_crashed|app_unhealthy|preparation_failed|update_rolled_back|host_key_changed|login_failures; login_failures takes threshold = failures and for_minutes = window, default 5 in 10, admins only). ' +
  'server_id null: all your servers. severity info|warning|critical. channel_ids: channels to notify (list_notification_channels).';

const fieldArgs = {
  enabled: f.enabled.optional(),
  metric: f.metric.optional(),
  operator: f.operator.optional(),
  threshold: f.threshold.optional(),
  for_minutes: f.forMinutes.optional(),
  clear_threshold: f.clearThreshold.optional(),
  event: f.event.optional(),
  server_id: f.serverId.optional(),
  severity: f.severity.optional(),
  channel_ids: f.channelIds.optional(),
};
type FieldArgs = { [K in keyof typeof fieldArgs]?: z.output<(typeof fieldArgs)[K]> };

const camel = (a: FieldArgs) => {
  const out = { enabled: a.enabled, metric: a.metric, operator: a.operator, threshold: a.threshold, forMinutes: a.for_minutes, clearThreshold: a.clear_threshold, event: a.event, serverId: a.server_id, severity: a.severity, channelIds: a.channel_ids };
  return Object.fromEntries(Object.entries(out).filter(([, v]) => v !== undefined)) as Partial<typeof out>;
};

const listInput = z.strictObject({});
const createInput = z.strictObject({ name: f.name, kind: f.kind, ...fieldArgs });
const updateInput = z.strictObject({ rule_id: ruleId, name: f.name.optional(), kind: f.kind.optional(), ...fieldArgs });
const deleteInput = z.strictObject({ rule_id: ruleId });
const oneRule = z.object({ rule: ruleViewSchema });

export function registerRuleTools(ctx: PluginContext, rules: RuleService): void {
  const list: ToolDefinition<z.output<typeof listInput>> = {
    name: 'list_alert_rules',
    title: 'Alert rules',
    description: `The alert rules: metric thresholds held for a while, and events. ${OWNERSHIP} Returns { rules } (as GET /api/alerts/rules).`,
    input: listInput,
    output: z.object({ rules: z.array(ruleViewSchema) }),
    access: 'authenticated',
    annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
    handler: async (_a, call) => ({ rules: await rules.list(call.principal) }),
  };
  const create: ToolDefinition<z.output<typeof createInput>> = {
    name: 'create_alert_rule',
    title: 'Create an alert rule',
    description: `Creates an alert rule: ${FIELDS} ${OWNERSHIP} Returns { rule }.`,
    input: createInput,
    output: oneRule,
    access: 'authenticated',
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
    handler: (a, call) =>
      withSnakeFields(async () => {
        const draft = { enabled: true, metric: null, operator: null, threshold: null, forMinutes: null, clearThreshold: null, event: null, serverId: null, severity: 'warning' as const, channelIds: [], ...camel(a), name: a.name, kind: a.kind };
        return { rule: await rules.create(draft, call) };
      }),
  };
  const update: ToolDefinition<z.output<typeof updateInput>> = {
    name: 'update_alert_rule',
    title: 'Change an alert rule',
    description: `Changes the fields given of an alert rule (enabled: false pauses it): ${FIELDS} ${OWNERSHIP} Returns { rule }.`,
    input: updateInput,
    output: oneRule,
    access: 'authenticated',
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    handler: (a, call) =>
      withSnakeFields(async () => {
        const changes = { ...camel(a), ...(a.name !== undefined ? { name: a.name } : {}), ...(a.kind !== undefined ? { kind: a.kind } : {}) };
        return { rule: await rules.update(a.rule_id, changes, call) };
      }),
  };
  const remove: ToolDefinition<z.output<typeof deleteInput>> = {
    name: 'delete_alert_rule',
    title: 'Delete an alert rule',
    description: `Deletes an alert rule; its firing alerts resolve without a notification. ${OWNERSHIP} Returns { deleted: true, rule_id }.`,
    input: deleteInput,
    output: z.object({ deleted: z.literal(true), rule_id: z.string() }),
    access: 'authenticated',
    annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false },
    handler: async (a, call) => {
      await rules.delete(a.rule_id, call);
      return { deleted: true as const, rule_id: a.rule_id };
    },
  };
  ctx.mcp.tool(list);
  ctx.mcp.tool(create);
  ctx.mcp.tool(update);
  ctx.mcp.tool(remove);
}
