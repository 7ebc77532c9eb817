import { z } from 'zod';

/** The `monitoring:` section of the configuration. */
export const monitoringConfigSchema = z.strictObject({
  /** Activity log entries older than this many days are deleted (checked daily); nothing else removes them. */
  activityRetentionDays: z.number().int().min(1).max(36500).default(365),
});

export type MonitoringConfig = z.output<typeof monitoringConfigSchema>;
