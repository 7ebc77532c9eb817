/** What one delivery says: an alert that fired or resolved (or a test sent by an admin). */
export interface AlertNotification {
  /** 'test' only for "Send a test" on a channel. */
  status: 'firing' | 'resolved' | 'test';
  alertId: string;
  ruleId: string | null;
  ruleName: string;
  severity: 'info' | 'warning' | 'critical';
  serverId: string | null;
  serverName: string | null;
  /** One line, e.g. "Disk / at 93 % on nas (over 90 % for 10 min)". */
  subject: string;
  /** A sentence or two for the body. Never a secret. */
  summary: string;
  value: number | null;
  threshold: number | null;
  /** ISO 8601. */
  startedAt: string;
  resolvedAt: string | null;
}

/** Delivers notifications to channels (implemented by alerts-channels in src/delivery/). */
export interface NotificationSender {
  /** Queues the notification for each channel and returns at once; retries and attempt records happen in the background. */
  send(notification: AlertNotification, channelIds: readonly string[]): void;
}

/** The DI token under which the plugin registers its NotificationSender. */
export const NOTIFICATION_SENDER = Symbol.for('tomo.alerts.NotificationSender');
