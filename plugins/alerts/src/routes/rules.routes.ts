import { z } from 'zod';
import type { PluginContext } from '@tomo/kernel';
import type { ServerService } from '@tomo/plugin-servers/api';
import type { AlertEngine } from '../evaluation/alert-engine';
import { previewRule } from '../rules/rule-preview';
import { createRuleBody, previewMatchSchema, ruleViewSchema, updateRuleBody } from '../rules/rule-schema';
import type { RuleService } from '../rules/rule-service';

const idParams = z.object({ id: z.string().min(1).max(64) });

/** `/api/alerts/rules`: list, create, change, delete, and preview a draft on the current data. */
export function registerRuleRoutes(ctx: PluginContext, rules: RuleService, servers: Pick<ServerService, 'list'>, engine: Pick<AlertEngine, 'lastPoll' | 'firingFor'>): void {
  const ownership = "A `user` sees and changes only their own rules, which cover only their own servers (another user's rule or server is a 404); an admin sees and changes all, the built-in defaults too.";
  ctx.http.route({
    method: 'GET',
    path: '/api/alerts/rules',
    summary: 'Alert rules: metric thresholds held for a while, and events',
    description: ownership,
    access: 'authenticated',
    response: z.object({ rules: z.array(ruleViewSchema) }),
    handler: async (_input, call) => ({ rules: await rules.list(call.principal) }),
  });
  ctx.http.route({
    method: 'POST',
    path: '/api/alerts/rules',
    summary: 'Creates an alert rule',
    description: `${ownership} A metric rule needs metric, operator and threshold (percentages 0 to 100); an event rule needs event. clearThreshold (hysteresis) defaults to the threshold − 5 % of it.`,
    access: 'authenticated',
    body: createRuleBody,
    response: z.object({ rule: ruleViewSchema }),
    successStatus: 201,
    handler: async ({ body }, call) => ({ rule: await rules.create(body, call) }),
  });
  ctx.http.route({
    method: 'POST',
    path: '/api/alerts/rules/preview',
    summary: 'What a rule draft would fire on the current data (ignoring forMinutes)',
    access: 'authenticated',
    body: createRuleBody,
    response: z.object({ matches: z.array(previewMatchSchema) }),
    handler: async ({ body }, call) => {
      await rules.check(call.principal, body);
      return { matches: await previewRule(call.principal, body, servers, engine) };
    },
  });
  ctx.http.route({
    method: 'PATCH',
    path: '/api/alerts/rules/:id',
    summary: 'Changes an alert rule (the fields given)',
    description: ownership,
    access: 'authenticated',
    params: idParams,
    body: updateRuleBody,
    response: z.object({ rule: ruleViewSchema }),
    handler: async ({ params, body }, call) => ({ rule: await rules.update(params.id, body, call) }),
  });
  ctx.http.route({
    method: 'DELETE',
    path: '/api/alerts/rules/:id',
    summary: 'Deletes an alert rule (its firing alerts resolve, without a notification)',
    description: ownership,
    access: 'authenticated',
    params: idParams,
    handler: async ({ params }, call) => {
      await rules.delete(params.id, call);
    },
  });
}
