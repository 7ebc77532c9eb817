/**
 * What `/api/alerts` answers, as the panels read it (the shapes of the alerts contract shared by
 * the plugin's backend and console). Dates are ISO 8601 strings.
 */

export type Severity = 'info' | 'warning' | 'critical';
export type RuleKind = 'metric' | 'event';
export type RuleMetric = 'cpu' | 'memory' | 'disk_root' | 'disk_docker' | 'load' | 'ssh_latency';
export type RuleEvent =
  | 'server_offline'
  | 'app_crashed'
  | 'app_unhealthy'
  | 'preparation_failed'
  | 'update_rolled_back'
  | 'host_key_changed'
  | 'login_failures';

/** One alert rule. */
export interface RuleView {
  id: string;
  name: string;
  enabled: boolean;
  ownerId: string;
  builtIn: boolean;
  kind: RuleKind;
  metric: RuleMetric | null;
  operator: '>' | '<' | null;
  threshold: number | null;
  forMinutes: number | null;
  /** The value must cross back past this to resolve (the backend's default: threshold − 5 % of it). */
  clearThreshold: number | null;
  event: RuleEvent | null;
  /** null: all (the owner's) servers. */
  serverId: string | null;
  severity: Severity;
  channelIds: string[];
  createdAt: string;
  updatedAt: string;
}

/** What POST/PATCH `/api/alerts/rules` and the preview take. */
export interface RuleDraft {
  name: string;
  enabled: boolean;
  kind: RuleKind;
  metric: RuleMetric | null;
  operator: '>' | '<' | null;
  threshold: number | null;
  forMinutes: number | null;
  clearThreshold: number | null;
  event: RuleEvent | null;
  serverId: string | null;
  severity: Severity;
  channelIds: string[];
}

/** One server in a preview: what the draft would say about it now. */
export interface PreviewMatch {
  serverId: string;
  serverName: string;
  value: number | null;
  firing: boolean;
}

/** One alert, firing or resolved. */
export interface AlertView {
  id: string;
  ruleId: string | null;
  ruleName: string;
  severity: Severity;
  serverId: string | null;
  serverName: string | null;
  state: 'firing' | 'resolved';
  subject: string;
  summary: string;
  value: number | null;
  threshold: number | null;
  startedAt: string;
  resolvedAt: string | null;
  silenced: boolean;
}

/** One page of `GET /api/alerts`. */
export interface AlertPage {
  alerts: AlertView[];
  total: number;
  firing: number;
}

/** A silence; a maintenance window is one whose `startsAt` was in the future when it was made. */
export interface SilenceView {
  id: string;
  ruleId: string | null;
  serverId: string | null;
  startsAt: string;
  endsAt: string;
  reason: string | null;
  createdBy: string;
  active: boolean;
}

/** What POST `/api/alerts/silences` takes. */
export interface SilenceDraft {
  ruleId?: string;
  serverId?: string;
  startsAt?: string;
  endsAt: string;
  reason?: string;
}

export type ChannelType = 'webhook' | 'ntfy' | 'gotify' | 'discord' | 'slack' | 'email';
export type ChannelSetting = string | number | boolean | string[];

/** A notification channel: its non-secret settings, and the names of its secret ones (never their values). */
export interface ChannelView {
  id: string;
  name: string;
  type: ChannelType;
  settings: Record<string, ChannelSetting>;
  secretFields: string[];
  health: 'ok' | 'failing' | 'untested';
  lastDeliveryAt: string | null;
  lastError: string | null;
  createdAt: string;
}

/** One attempt to deliver a notification to a channel. */
export interface DeliveryView {
  id: string;
  channelId: string;
  alertId: string | null;
  status: 'firing' | 'resolved' | 'test';
  attempt: number;
  outcome: 'sent' | 'failed' | 'retrying';
  responseCode: number | null;
  error: string | null;
  at: string;
  durationMs: number;
}

/** A server as a rule's or a filter's choice. */
export interface ServerChoice {
  id: string;
  name: string;
}
