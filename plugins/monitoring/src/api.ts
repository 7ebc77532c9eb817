/**
 * The monitoring plugin's contract: what other plugins may import. The activity log's interface
 * (to record their own events) and its plain types, and the token to resolve it by. No class, no
 * entity: the implementation imports `tokens.ts` / `activity/activity-types.ts`, never this file.
 */
export type { ActivityLogApi as ActivityLog, ActivityInput, ActivityFilters, ActivityPage } from './activity/activity-types';
export type { ActivityEntryView, AppCounts, Door } from './views';
export { MonitoringTokens } from './tokens';
