import { z } from 'zod';
import { EVENTS, METRICS, SEVERITIES } from './rule-model';

const id = (what: string) => z.string(`must be the ${what}'s id`).min(1, `must be the ${what}'s id`).max(64, 'must be at most 64 characters');

/** Each field of a rule as the API takes it (camelCase, as the contract's RuleView). */
export const ruleFieldShape = {
  name: z.string('must be a string').trim().min(1, 'must not be empty').max(100, 'must be at most 100 characters'),
  enabled: z.boolean('must be true or false'),
  kind: z.enum(['metric', 'event'], "must be 'metric' or 'event'"),
  metric: z.enum(METRICS, `must be one of ${METRICS.join(', ')}`).nullable(),
  operator: z.enum(['>', '<'], "must be '>' or '<'").nullable(),
  threshold: z.number('must be a number').finite('must be a finite number').nullable(),
  forMinutes: z.number('must be a number of minutes').min(0, 'must be 0 or more minutes').max(1440, 'must be at most 1440 minutes (a day)').nullable(),
  clearThreshold: z.number('must be a number').finite('must be a finite number').nullable(),
  event: z.enum(EVENTS, `must be one of ${EVENTS.join(', ')}`).nullable(),
  serverId: id('server').nullable(),
  severity: z.enum(SEVERITIES, `must be one of ${SEVERITIES.join(', ')}`),
  channelIds: z.array(id('channel'), 'must be a list of channel ids').max(20, 'must list at most 20 channels'),
};

const f = ruleFieldShape;

/** A new rule: name and kind required; the rest defaults (coherence checked by the service, naming the field). */
export const createRuleBody = z.strictObject({
  name: f.name,
  enabled: f.enabled.default(true),
  kind: f.kind,
  metric: f.metric.default(null),
  operator: f.operator.default(null),
  threshold: f.threshold.default(null),
  forMinutes: f.forMinutes.default(null),
  clearThreshold: f.clearThreshold.default(null),
  event: f.event.default(null),
  serverId: f.serverId.default(null),
  severity: f.severity.default('warning'),
  channelIds: f.channelIds.default([]),
});
export type CreateRuleBody = z.output<typeof createRuleBody>;

/** A change: any field but at least one; merged over the rule, then the whole is checked. */
export const updateRuleBody = z
  .strictObject({
    name: f.name.optional(),
    enabled: f.enabled.optional(),
    kind: f.kind.optional(),
    metric: f.metric.optional(),
    operator: f.operator.optional(),
    threshold: f.threshold.optional(),
    forMinutes: f.forMinutes.optional(),
    clearThreshold: f.clearThreshold.optional(),
    event: f.event.optional(),
    serverId: f.serverId.optional(),
    severity: f.severity.optional(),
    channelIds: f.channelIds.optional(),
  })
  .refine((b) => Object.keys(b).length > 0, { message: 'must change at least one field' });
export type UpdateRuleBody = z.output<typeof updateRuleBody>;

export const ruleViewSchema = z.object({
  id: z.string(),
  name: z.string(),
  enabled: z.boolean(),
  ownerId: z.string().describe('The owner, or `system` for the defaults a new instance starts with'),
  builtIn: z.boolean(),
  kind: z.enum(['metric', 'event']),
  metric: z.enum(METRICS).nullable(),
  operator: z.enum(['>', '<']).nullable(),
  threshold: z.number().nullable(),
  forMinutes: z.number().nullable(),
  clearThreshold: z.number().nullable().describe('Hysteresis: the value must cross back past this to resolve (null: threshold − 5 % of it)'),
  event: z.enum(EVENTS).nullable(),
  serverId: z.string().nullable().describe("null: all the owner's servers (all servers for an admin's or the system's rule)"),
  severity: z.enum(SEVERITIES),
  channelIds: z.array(z.string()),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const previewMatchSchema = z.object({ serverId: z.string(), serverName: z.string(), value: z.number().nullable(), firing: z.boolean() });
