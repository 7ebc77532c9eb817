/** Words, units and looks the alerts panels share. */
import type { Tone } from '@tomo/ui-shell/kit';
import type { ChannelView, DeliveryView, RuleEvent, RuleMetric, RuleView, Severity } from './types';

export const SEVERITIES: ReadonlyArray<{ value: Severity; label: string }> = [
  { value: 'critical', label: 'Critical' },
  { value: 'warning', label: 'Warning' },
  { value: 'info', label: 'Info' },
];

export const SEVERITY_TONE: Record<Severity, Tone> = { critical: 'danger', warning: 'warning', info: 'info' };

export const METRICS: ReadonlyArray<{ value: RuleMetric; label: string; unit: string }> = [
  { value: 'cpu', label: 'CPU use', unit: '%' },
  { value: 'memory', label: 'Memory use', unit: '%' },
  { value: 'disk_root', label: 'Disk use of /', unit: '%' },
  { value: 'disk_docker', label: "Disk use of Docker's root", unit: '%' },
  { value: 'load', label: 'Load (1 min)', unit: '' },
  { value: 'ssh_latency', label: 'SSH latency', unit: 'ms' },
];

export const EVENTS: ReadonlyArray<{ value: RuleEvent; label: string }> = [
  { value: 'server_offline', label: 'Server offline (and back online)' },
  { value: 'app_crashed', label: 'App crashed' },
  { value: 'app_unhealthy', label: 'App unhealthy' },
  { value: 'preparation_failed', label: 'Preparation failed' },
  { value: 'update_rolled_back', label: 'App update rolled back' },
  { value: 'host_key_changed', label: "A server's host key changed" },
  { value: 'login_failures', label: 'A burst of failed logins' },
];

export function metricLabel(metric: RuleMetric | null): string {
  return METRICS.find((m) => m.value === metric)?.label ?? String(metric ?? '');
}

export function metricUnit(metric: RuleMetric | null): string {
  return METRICS.find((m) => m.value === metric)?.unit ?? '';
}

export function eventLabel(event: RuleEvent | null): string {
  return EVENTS.find((e) => e.value === event)?.label ?? String(event ?? '');
}

/** A value with its metric's unit: "93 %", "2.5", "120 ms"; "—" when unknown. */
export function withUnit(value: number | null, metric: RuleMetric | null): string {
  if (value === null || !Number.isFinite(value)) return '—';
  const unit = metricUnit(metric);
  const shown = Number.isInteger(value) ? String(value) : value.toFixed(value < 10 ? 2 : 1);
  return unit ? `${shown} ${unit}` : shown;
}

/** What a rule watches, in a sentence: "Disk use of / > 90 % for 10 min", "Server offline (and back online)". */
export function ruleCondition(rule: Pick<RuleView, 'kind' | 'metric' | 'operator' | 'threshold' | 'forMinutes' | 'event'>): string {
  if (rule.kind === 'event') return eventLabel(rule.event);
  const held = rule.forMinutes ? ` for ${rule.forMinutes} min` : ' at once';
  return `${metricLabel(rule.metric)} ${rule.operator ?? '>'} ${withUnit(rule.threshold, rule.metric)}${held}`;
}

/** How long ago `since` was, for "firing since": "just now", "5 min", "3 h 10 min", "2 days". */
export function durationSince(since: string, now = Date.now()): string {
  const minutes = Math.max(0, Math.floor((now - Date.parse(since)) / 60000));
  if (Number.isNaN(minutes)) return '';
  if (minutes < 1) return 'just now';
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return minutes % 60 ? `${hours} h ${minutes % 60} min` : `${hours} h`;
  return `${Math.floor(hours / 24)} days`;
}

export const HEALTH_LOOK: Record<ChannelView['health'], { tone: Tone; label: string }> = {
  ok: { tone: 'success', label: 'Working' },
  failing: { tone: 'danger', label: 'Failing' },
  untested: { tone: 'neutral', label: 'Not used yet' },
};

export const OUTCOME_LOOK: Record<DeliveryView['outcome'], { tone: Tone; label: string }> = {
  sent: { tone: 'success', label: 'Sent' },
  failed: { tone: 'danger', label: 'Failed' },
  retrying: { tone: 'warning', label: 'Will retry' },
};

/** "1–50 of 120". */
export function pageRange(page: number, pageSize: number, total: number, shown: number): string {
  if (!total || !shown) return `0 of ${total}`;
  const first = (page - 1) * pageSize + 1;
  return `${first}–${first + shown - 1} of ${total}`;
}
