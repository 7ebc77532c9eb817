import { z } from 'zod';
import { SEVERITIES } from '../rules/rule-model';
import type { AlertEntity } from '../entities/alert.entity';

export const alertViewSchema = z.object({
  id: z.string(),
  ruleId: z.string().nullable(),
  ruleName: z.string(),
  severity: z.enum(SEVERITIES),
  serverId: z.string().nullable(),
  serverName: z.string().nullable(),
  state: z.enum(['firing', 'resolved']),
  subject: z.string(),
  summary: z.string(),
  value: z.number().nullable(),
  threshold: z.number().nullable(),
  startedAt: z.string(),
  resolvedAt: z.string().nullable(),
  silenced: z.boolean().describe('A silence or maintenance window held back its notifications'),
});
export type AlertView = z.output<typeof alertViewSchema>;

export const alertPageSchema = z.object({
  alerts: z.array(alertViewSchema),
  total: z.number().describe('Alerts matching the filters'),
  firing: z.number().describe('Of the alerts matching the server and rule filters, those firing now'),
});
export type AlertPage = z.output<typeof alertPageSchema>;

export function alertView(a: AlertEntity): AlertView {
  return {
    id: a.id,
    ruleId: a.ruleId,
    ruleName: a.ruleName,
    severity: a.severity,
    serverId: a.serverId,
    serverName: a.serverName,
    state: a.state,
    subject: a.subject,
    summary: a.summary,
    value: a.value,
    threshold: a.threshold,
    startedAt: a.startedAt.toISOString(),
    resolvedAt: a.resolvedAt ? a.resolvedAt.toISOString() : null,
    silenced: Boolean(a.silenced),
  };
}
