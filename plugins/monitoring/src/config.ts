import { z } from 'zod';

/**
 * Keys that left this section, and where they went. Refused by name rather than ignored: the
 * activity log's retention silently back at its default could delete entries the admin meant to
 * keep. (An error message, not a schema field, so the documented keys stay the real ones.)
 */
const MOVED_KEYS: Readonly<Record<string, string>> = { activityRetentionDays: 'activity.retentionDays' };

function movedKey(issue: { code?: string; keys?: readonly string[] }): string | undefined {
  const moved = issue.code === 'unrecognized_keys' ? issue.keys?.find((key) => key in MOVED_KEYS) : undefined;
  return moved ? `monitoring.${moved} has moved to ${MOVED_KEYS[moved]} (the activity log is its own plugin now): rename the key` : undefined;
}

/** The `monitoring:` section of the configuration. */
export const monitoringConfigSchema = z.strictObject({
  /** Seconds between two polls of a server (one SSH command each). */
  intervalSeconds: z.number().int().min(1).max(3600).default(30),
  /** Servers polled at the same time, at most. */
  maxConcurrentPolls: z.number().int().min(1).max(64).default(4),
  /** Raw metric samples (one per server per poll) are kept this many hours, once rolled up into 5-minute buckets (checked hourly). */
  metricsRawRetentionHours: z.number('must be a number of hours').int('must be a whole number of hours').min(1, 'must be at least 1 hour').max(8760, 'must be at most 8760 hours (a year)').default(48),
  /** 5-minute rollups (min/avg/max) are kept this many days, once rolled up into hours (checked hourly). */
  metrics5mRetentionDays: z.number('must be a number of days').int('must be a whole number of days').min(1, 'must be at least 1 day').max(3650, 'must be at most 3650 days').default(30),
  /** Hourly rollups (min/avg/max) are kept this many days (checked hourly). */
  metrics1hRetentionDays: z.number('must be a number of days').int('must be a whole number of days').min(1, 'must be at least 1 day').max(36500, 'must be at most 36500 days').default(365),
}, { error: movedKey }).superRefine((c, ctx) => {
  // A coarser level is read where the finer one is gone: it must not go first.
  if (c.metrics5mRetentionDays * 24 < c.metricsRawRetentionHours) {
    ctx.addIssue({ code: 'custom', path: ['metrics5mRetentionDays'], message: `must keep 5-minute rollups at least as long as raw samples (metricsRawRetentionHours: ${c.metricsRawRetentionHours} hours)` });
  }
  if (c.metrics1hRetentionDays < c.metrics5mRetentionDays) {
    ctx.addIssue({ code: 'custom', path: ['metrics1hRetentionDays'], message: `must keep hourly rollups at least as long as 5-minute ones (metrics5mRetentionDays: ${c.metrics5mRetentionDays} days)` });
  }
});

export type MonitoringConfig = z.output<typeof monitoringConfigSchema>;
