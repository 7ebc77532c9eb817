import { z } from 'zod';

/** The `monitoring:` section of the configuration. */
export const monitoringConfigSchema = z.strictObject({
  /** Activity log entries older than this many days are deleted (checked daily); nothing else removes them. */
  activityRetentionDays: z.number().int().min(1).max(36500).default(365),
  /** Seconds between two polls of a server (one SSH command each). */
  intervalSeconds: z.number().int().min(1).max(3600).default(30),
  /** Servers polled at the same time, at most. */
  maxConcurrentPolls: z.number().int().min(1).max(64).default(4),
  /** Metric samples older than this many days are deleted (checked daily). */
  metricsRetentionDays: z.number().int().min(1).max(3650).default(30),
});

export type MonitoringConfig = z.output<typeof monitoringConfigSchema>;
