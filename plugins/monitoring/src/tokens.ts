import { createServiceToken } from '@tomo/kernel';
import type { ActivityLogApi } from './activity/activity-types';

/** Service tokens the monitoring plugin exposes in the root container, typed with their contracts. */
export const MonitoringTokens = Object.freeze({
  /** Append an entry: `ctx.resolve(MonitoringTokens.ActivityLog).record({ action: 'my_plugin.did', result: 'ok', door: 'system' })`. */
  ActivityLog: createServiceToken<ActivityLogApi>('monitoring.ActivityLog'),
});
