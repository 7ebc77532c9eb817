import { createServiceToken } from '@tomo/kernel';
import type { ActivityLog } from './types';

/** The activity plugin's services, for `ctx.resolve(...)` in a plugin that depends on `activity`. */
export const ActivityTokens = Object.freeze({
  /** Append an entry: `ctx.resolve(ActivityTokens.ActivityLog).record({ action: 'my_plugin.did', result: 'ok', door: 'system' })`. */
  ActivityLog: createServiceToken<ActivityLog>('activity.ActivityLog'),
});
