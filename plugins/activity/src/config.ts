import { z } from 'zod';

/** The `activity:` section of the configuration. */
export const activityConfigSchema = z.strictObject({
  /** Entries older than this many days are deleted (checked at start and daily); nothing else removes them. */
  retentionDays: z.number().int().min(1).max(36500).default(365),
});

export type ActivityConfig = z.output<typeof activityConfigSchema>;
