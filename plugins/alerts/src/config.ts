import { z } from 'zod';

/** The `alerts:` section of the configuration. */
export const alertsConfigSchema = z.strictObject({
  /** Days resolved alerts are kept in the history (checked daily). */
  historyRetentionDays: z.number('must be a number of days').int('must be a whole number of days').min(1, 'must be at least 1 day').max(3650, 'must be at most 3650 days').default(90),
});

export type AlertsConfig = z.output<typeof alertsConfigSchema>;
