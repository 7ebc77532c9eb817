/**
 * What other plugins may use from the monitoring plugin: the activity log service (to record
 * their own events) and its types.
 */
import { createServiceToken } from '@tomo/kernel';
import type { ActivityLog } from './activity/activity-log';

export type { ActivityLog, ActivityInput, ActivityEntryView, ActivityFilters, ActivityPage } from './activity/activity-log';
export type { Door } from './activity/door';
export type { AppCounts } from './views';

export const MonitoringTokens = Object.freeze({
  /** Append an entry: `ctx.resolve(MonitoringTokens.ActivityLog).record({ action: 'my_plugin.did', result: 'ok', door: 'system' })`. */
  ActivityLog: createServiceToken<ActivityLog>('monitoring.ActivityLog'),
});
