/** What a rule can watch, and the words and units used to say so in an alert. */
export const METRICS = ['cpu', 'memory', 'disk_root', 'disk_docker', 'load', 'ssh_latency'] as const;
export type Metric = (typeof METRICS)[number];

export const EVENTS = ['server_offline', 'app_crashed', 'app_unhealthy', 'preparation_failed', 'update_rolled_back', 'host_key_changed', 'login_failures'] as const;
export type AlertEvent = (typeof EVENTS)[number];

export const SEVERITIES = ['info', 'warning', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Metrics measured in percent (a threshold above 100 could never be crossed). */
export const PERCENT_METRICS: ReadonlySet<Metric> = new Set(['cpu', 'memory', 'disk_root', 'disk_docker']);

export const METRIC_LABELS: Readonly<Record<Metric, { label: string; unit: string }>> = {
  cpu: { label: 'CPU', unit: ' %' },
  memory: { label: 'Memory', unit: ' %' },
  disk_root: { label: 'Disk /', unit: ' %' },
  disk_docker: { label: "Docker's disk", unit: ' %' },
  load: { label: 'Load', unit: '' },
  ssh_latency: { label: 'SSH latency', unit: ' ms' },
};

/** A burst of failed logins, when the rule does not say: this many failures… */
export const LOGIN_FAILURES_DEFAULT_COUNT = 5;
/** …within this many minutes. */
export const LOGIN_FAILURES_DEFAULT_MINUTES = 10;

/** A rule as the API shows it (the contract's RuleView). */
export interface RuleView {
  id: string;
  name: string;
  enabled: boolean;
  /** The owner's user id, or `system` for the defaults a new instance starts with. */
  ownerId: string;
  builtIn: boolean;
  kind: 'metric' | 'event';
  metric: Metric | null;
  operator: '>' | '<' | null;
  threshold: number | null;
  forMinutes: number | null;
  clearThreshold: number | null;
  event: AlertEvent | null;
  serverId: string | null;
  severity: Severity;
  channelIds: string[];
  createdAt: string;
  updatedAt: string;
}

/** The fields a caller sets on a rule (what POST takes, and PATCH merged over the rule). */
export interface RuleDraft {
  name: string;
  enabled: boolean;
  kind: 'metric' | 'event';
  metric: Metric | null;
  operator: '>' | '<' | null;
  threshold: number | null;
  forMinutes: number | null;
  clearThreshold: number | null;
  event: AlertEvent | null;
  serverId: string | null;
  severity: Severity;
  channelIds: string[];
}

/** Hysteresis: where a firing metric alert resolves; by default 5 % of the threshold back from it. */
export function clearPoint(rule: Pick<RuleDraft, 'operator' | 'threshold' | 'clearThreshold'>): number {
  const threshold = rule.threshold ?? 0;
  if (rule.clearThreshold !== null) return rule.clearThreshold;
  const margin = Math.abs(threshold) * 0.05;
  return rule.operator === '<' ? threshold + margin : threshold - margin;
}
