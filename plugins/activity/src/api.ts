/**
 * What other plugins may use from the activity plugin: a contract only (its service token and
 * plain types). A plugin that wants its own events in the log either publishes hooks the
 * activity plugin taps, or depends on `activity` and records through {@link ActivityTokens}.
 */
export { ActivityTokens } from './tokens';
export type { ActivityLog, ActivityInput, ActivityFilters, ActivityEntryView, ActivityPage, Door } from './types';
