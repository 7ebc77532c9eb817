/**
 * What other plugins may use from the alerts plugin: a contract only (plain types and the
 * notification sender's token). No classes, no entities.
 */
export { NOTIFICATION_SENDER } from './notification';
export type { AlertNotification, NotificationSender } from './notification';
