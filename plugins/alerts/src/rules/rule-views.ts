import type { AlertRuleEntity } from '../entities/alert-rule.entity';
import type { AlertEvent, Metric, RuleDraft, RuleView } from './rule-model';

/** The owner a system rule shows (the defaults a new instance starts with). */
export const SYSTEM_OWNER = 'system';

export function channelIdsOf(rule: AlertRuleEntity): string[] {
  try {
    const ids = JSON.parse(rule.channelIdsJson) as unknown;
    return Array.isArray(ids) ? ids.filter((v): v is string => typeof v === 'string') : [];
  } catch {
    return [];
  }
}

export function ruleView(rule: AlertRuleEntity): RuleView {
  return {
    id: rule.id,
    name: rule.name,
    enabled: Boolean(rule.enabled),
    ownerId: rule.ownerId ?? SYSTEM_OWNER,
    builtIn: Boolean(rule.builtIn),
    kind: rule.kind,
    metric: rule.metric as Metric | null,
    operator: rule.operator,
    threshold: rule.threshold,
    forMinutes: rule.forMinutes,
    clearThreshold: rule.clearThreshold,
    event: rule.event as AlertEvent | null,
    serverId: rule.serverId,
    severity: rule.severity,
    channelIds: channelIdsOf(rule),
    createdAt: rule.createdAt.toISOString(),
    updatedAt: rule.updatedAt.toISOString(),
  };
}

/** The draft (caller-set fields) of a stored rule, to merge a change over. */
export function draftOf(rule: AlertRuleEntity): RuleDraft {
  const { id: _id, ownerId: _o, builtIn: _b, createdAt: _c, updatedAt: _u, ...draft } = ruleView(rule);
  return draft;
}
