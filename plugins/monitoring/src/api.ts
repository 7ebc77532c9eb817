/**
 * What other plugins may use from the monitoring plugin: the events it announces (the activity
 * log records them, alerts evaluate them) and its plain types. A contract only: no classes, no entities.
 */
export { monitoringHooks } from './hooks';
export type { AppCrashedEvent, PolledServer, ServerPolledEvent, ServerWentOfflineEvent } from './hooks';
export type { AppCounts } from './views';
