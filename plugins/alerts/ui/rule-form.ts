/**
 * The rule editor's form: its text fields, the draft the API takes, and the checks made before
 * sending (the API checks again and names the field at fault). Pure, so it is tested without a browser.
 */
import type { RuleDraft, RuleEvent, RuleKind, RuleMetric, RuleView, Severity } from './types';

/** What the editor's controls hold (numbers as typed). */
export interface RuleForm {
  name: string;
  enabled: boolean;
  kind: RuleKind;
  metric: RuleMetric;
  operator: '>' | '<';
  threshold: string;
  forMinutes: string;
  clearThreshold: string;
  event: RuleEvent;
  serverId: string;
  severity: Severity;
  channelIds: string[];
}

export type RuleFormField = 'name' | 'threshold' | 'forMinutes' | 'clearThreshold' | 'event' | 'metric' | 'serverId' | 'severity' | 'channelIds';

export function blankRuleForm(): RuleForm {
  return {
    name: '',
    enabled: true,
    kind: 'metric',
    metric: 'disk_root',
    operator: '>',
    threshold: '90',
    forMinutes: '10',
    clearThreshold: '',
    event: 'server_offline',
    serverId: '',
    severity: 'warning',
    channelIds: [],
  };
}

const text = (value: number | null) => (value === null ? '' : String(value));

/** The form of an existing rule. */
export function formOfRule(rule: RuleView): RuleForm {
  const blank = blankRuleForm();
  return {
    name: rule.name,
    enabled: rule.enabled,
    kind: rule.kind,
    metric: rule.metric ?? blank.metric,
    operator: rule.operator ?? '>',
    threshold: text(rule.threshold),
    forMinutes: text(rule.forMinutes),
    clearThreshold: text(rule.clearThreshold),
    event: rule.event ?? blank.event,
    serverId: rule.serverId ?? '',
    severity: rule.severity,
    channelIds: [...rule.channelIds],
  };
}

function number(value: string): number | null | undefined {
  const trimmed = value.trim();
  if (!trimmed) return null;
  const parsed = Number(trimmed);
  return Number.isFinite(parsed) ? parsed : undefined;
}

/** The draft of a form, or the messages of the fields at fault. */
export function draftOf(form: RuleForm): { draft: RuleDraft } | { errors: Partial<Record<RuleFormField, string>> } {
  const errors: Partial<Record<RuleFormField, string>> = {};
  const name = form.name.trim();
  if (!name) errors.name = 'Enter a name';
  else if (name.length > 100) errors.name = 'Use at most 100 characters';
  const common = { name, enabled: form.enabled, serverId: form.serverId || null, severity: form.severity, channelIds: [...form.channelIds] };
  if (form.kind === 'event') {
    if (Object.keys(errors).length) return { errors };
    return { draft: { ...common, kind: 'event', event: form.event, metric: null, operator: null, threshold: null, forMinutes: null, clearThreshold: null } };
  }
  const threshold = number(form.threshold);
  if (threshold === null || threshold === undefined) errors.threshold = 'Enter a number';
  else if (threshold < 0) errors.threshold = 'Enter a number of 0 or more';
  const forMinutes = number(form.forMinutes);
  if (forMinutes === undefined || (forMinutes !== null && (!Number.isInteger(forMinutes) || forMinutes < 0 || forMinutes > 1440))) {
    errors.forMinutes = 'Enter whole minutes from 0 to 1440';
  }
  const clearThreshold = number(form.clearThreshold);
  if (clearThreshold === undefined) errors.clearThreshold = 'Enter a number, or leave it empty';
  else if (clearThreshold !== null && typeof threshold === 'number') {
    // Hysteresis: the value must cross back past the clear threshold, so it lies on the calm side.
    if (form.operator === '>' && clearThreshold > threshold) errors.clearThreshold = 'For “above”, use at most the threshold';
    if (form.operator === '<' && clearThreshold < threshold) errors.clearThreshold = 'For “below”, use at least the threshold';
  }
  if (Object.keys(errors).length) return { errors };
  return {
    draft: {
      ...common,
      kind: 'metric',
      metric: form.metric,
      operator: form.operator,
      threshold: threshold as number,
      forMinutes: forMinutes ?? 0,
      clearThreshold: clearThreshold ?? null,
      event: null,
    },
  };
}
