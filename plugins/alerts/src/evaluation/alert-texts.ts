import { METRIC_LABELS, type AlertEvent, type Metric } from '../rules/rule-model';

const round = (v: number) => (Math.abs(v) >= 10 ? Math.round(v) : Math.round(v * 10) / 10);
const duration = (minutes: number) => (minutes >= 1 ? `${round(minutes)} min` : `${Math.round(minutes * 60)} s`);

/** "Disk / at 93 % on nas (over 90 % for 10 min)". */
export function metricSubject(metric: Metric, operator: '>' | '<', value: number, threshold: number, forMinutes: number, serverName: string): string {
  const { label, unit } = METRIC_LABELS[metric];
  const held = forMinutes > 0 ? ` for ${duration(forMinutes)}` : '';
  return `${label} at ${round(value)}${unit} on ${serverName} (${operator === '>' ? 'over' : 'under'} ${round(threshold)}${unit}${held})`;
}

export function metricSummary(metric: Metric, operator: '>' | '<', clear: number, serverName: string): string {
  const { label, unit } = METRIC_LABELS[metric];
  return `${label} of ${serverName} is past the rule's threshold; the alert resolves when it is back ${operator === '>' ? 'under' : 'over'} ${round(clear)}${unit}.`;
}

/** One line per event kind; `what` names the app, the step or the count the event is about. */
export function eventSubject(event: AlertEvent, serverName: string | null, what: string | null): string {
  const on = serverName ?? 'an unknown server';
  switch (event) {
    case 'server_offline':
      return `Server ${on} is offline`;
    case 'app_crashed':
      return `App ${what ?? '?'} crashed on ${on}`;
    case 'app_unhealthy':
      return `App ${what ?? '?'} is unhealthy on ${on}`;
    case 'preparation_failed':
      return `Preparation of ${on} failed${what ? ` at ${what}` : ''}`;
    case 'update_rolled_back':
      return `Update of ${what ?? '?'} on ${on} was rolled back`;
    case 'host_key_changed':
      return `Host key of ${on} changed`;
    case 'login_failures':
      return `${what ?? 'Many'} failed logins`;
  }
}
