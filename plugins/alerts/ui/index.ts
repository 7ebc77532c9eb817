/**
 * The alerts plugin's console panels, loaded by the shell at run time from
 * `/ui/plugins/alerts/index.js`. The plugin's UI contribution (src/plugin.ts) names these exports:
 * the routes `/alerts` → `AlertsPage`, `/alerts/rules` → `RulesPage`, `/alerts/channels` →
 * `ChannelsPage` (admins), and the sidebar badge `FiringBadge` next to "Alerts".
 */
import './alerts.css';

/** Firing now, the history, silences and maintenance windows. */
export { default as AlertsPage } from './AlertsPage.vue';
/** The alert rules, with the rule editor and its preview. */
export { default as RulesPage } from './RulesPage.vue';
/** Notification channels (admins): add, "Send a test", deliveries, health. */
export { default as ChannelsPage } from './ChannelsPage.vue';
/** The count of firing alerts after "Alerts" in the sidebar. */
export { default as FiringBadge } from './FiringBadge.vue';
