import { PERCENT_METRICS, type RuleDraft } from './rule-model';

/** A rule that does not hang together: which field, and the rule it breaks. */
export interface RuleProblem {
  field: string;
  message: string;
}

/**
 * What each kind of rule needs, checked on the whole rule (a POST's body, or a PATCH merged over
 * the stored rule), so the error names the field whichever way it was reached.
 */
export function ruleProblem(rule: RuleDraft): RuleProblem | null {
  if (rule.kind === 'metric') {
    if (!rule.metric) return { field: 'metric', message: 'is required for a metric rule' };
    if (rule.event) return { field: 'event', message: 'must be null for a metric rule' };
    if (!rule.operator) return { field: 'operator', message: "is required for a metric rule ('>' or '<')" };
    if (rule.threshold === null) return { field: 'threshold', message: 'is required for a metric rule' };
    if (PERCENT_METRICS.has(rule.metric) && (rule.threshold < 0 || rule.threshold > 100)) return { field: 'threshold', message: 'must be 0 to 100 (a percentage)' };
    if (rule.threshold < 0) return { field: 'threshold', message: 'must be 0 or more' };
    if (rule.clearThreshold !== null) {
      if (rule.operator === '>' && rule.clearThreshold > rule.threshold) return { field: 'clearThreshold', message: "must be at most the threshold (the value falls back past it to resolve a '>' rule)" };
      if (rule.operator === '<' && rule.clearThreshold < rule.threshold) return { field: 'clearThreshold', message: "must be at least the threshold (the value rises back past it to resolve a '<' rule)" };
    }
    return null;
  }
  if (!rule.event) return { field: 'event', message: 'is required for an event rule' };
  if (rule.metric) return { field: 'metric', message: 'must be null for an event rule' };
  if (rule.event === 'login_failures') {
    // A burst: `threshold` failures within `forMinutes` (both optional, see LOGIN_FAILURES_DEFAULT_*).
    if (rule.threshold !== null && (!Number.isInteger(rule.threshold) || rule.threshold < 1)) return { field: 'threshold', message: 'must be a whole number of failed logins, 1 or more' };
    if (rule.operator !== null) return { field: 'operator', message: 'must be null for an event rule' };
    if (rule.clearThreshold !== null) return { field: 'clearThreshold', message: 'must be null for an event rule' };
    if (rule.serverId !== null) return { field: 'serverId', message: 'must be null for login_failures (failed logins concern no server)' };
    return null;
  }
  for (const field of ['operator', 'threshold', 'forMinutes', 'clearThreshold'] as const) {
    if (rule[field] !== null) return { field, message: `must be null for an event rule (${rule.event})` };
  }
  return null;
}
